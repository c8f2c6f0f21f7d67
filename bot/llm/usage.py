"""Token accounting: every LLM call is recorded with what it was for and which briefing run
it belonged to (a context variable set by the briefing service), so `briefbot stats` can
report tokens and estimated cost per briefing and per day."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import datetime

from bot.llm import Completion
from bot.store.ops import LLMCall, Operations

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

    def __init__(self, ops: Operations, *, now: Callable[[], datetime]) -> None:
        self.ops = ops
        self.now = now

    async def record(
        self, purpose: str, prompt: str, model: str, completion: Completion | None
    ) -> None:
        topic, briefing_date = _RUN.get()
        await self.ops.record_llm_call(
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


@dataclass(frozen=True, slots=True)
class UsageRow:
    """Tokens and estimated cost of a group of LLM calls (a day, or one briefing)."""

    label: str
    calls: int
    failed: int
    prompt_tokens: int
    completion_tokens: int
    cost: float


def usage_report(
    calls: Iterable[LLMCall], *, price_prompt: float, price_completion: float
) -> tuple[list[UsageRow], list[UsageRow]]:
    """(per day, per briefing) totals of recorded calls; prices are dollars per 1M tokens."""
    days: dict[str, list[LLMCall]] = defaultdict(list)
    runs: dict[str, list[LLMCall]] = defaultdict(list)
    for call in calls:
        days[call.at.date().isoformat()].append(call)
        if call.topic and call.briefing_date:
            runs[f"{call.topic} {call.briefing_date}"].append(call)

    def row(label: str, group: list[LLMCall]) -> UsageRow:
        prompt = sum(c.prompt_tokens for c in group)
        completion = sum(c.completion_tokens for c in group)
        cost = (prompt * price_prompt + completion * price_completion) / 1_000_000
        failed = sum(1 for c in group if not c.ok)
        return UsageRow(label, len(group), failed, prompt, completion, cost)

    return (
        [row(day, group) for day, group in sorted(days.items())],
        [row(run, group) for run, group in sorted(runs.items())],
    )
