"""Token accounting: every LLM call is recorded with what it was for and which briefing run
it belonged to (a context variable set by the briefing service), so `briefbot stats` can
report tokens and estimated cost per briefing and per day."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import datetime

from bot.llm import Completion
from bot.store.repository import ArticleStore

_RUN: ContextVar[tuple[str | None, str | None]] = ContextVar("briefbot_run", default=(None, None))


@contextmanager
def briefing_run(topic: str, briefing_date: str) -> Iterator[None]:
    """Attribute the LLM calls made inside this block to a topic's briefing of a date."""
    token = _RUN.set((topic, briefing_date))
    try:
        yield
    finally:
        _RUN.reset(token)


class UsageLog:
    """Writes one row per LLM call to the store."""

    def __init__(self, store: ArticleStore, *, now: Callable[[], datetime]) -> None:
        self.store = store
        self.now = now

    async def record(
        self, purpose: str, prompt: str, model: str, completion: Completion | None
    ) -> None:
        topic, briefing_date = _RUN.get()
        await self.store.record_llm_call(
            at=self.now(),
            purpose=purpose,
            model=completion.model if completion else model,
            prompt=prompt,
            prompt_tokens=completion.prompt_tokens if completion else 0,
            completion_tokens=completion.completion_tokens if completion else 0,
            ok=completion is not None,
            topic=topic,
            briefing_date=briefing_date,
        )
