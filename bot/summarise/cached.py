"""Summaries computed once per (article, summariser, prompt version) and kept in the store.

With a costly summariser (a language model) an `offline` one may be given too: the briefing
then drafts itself from the cheap extractive summaries and asks the costly one only for the
articles whose points it shows (see `BriefingService`).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable, Sequence
from datetime import datetime
from typing import TYPE_CHECKING, Protocol, runtime_checkable

from bot.models import Article, Summary
from bot.store.articles import Articles

if TYPE_CHECKING:
    from bot.summarise import Summariser


@runtime_checkable
class BatchSummariser(Protocol):
    """A summariser that does several articles at once (fewer, larger requests)."""

    async def summarise_many(
        self, articles: Sequence[tuple[str, str]], offline: Sequence[Summary | None] = ()
    ) -> list[Summary]: ...


class CachedSummaries:
    """Looks a summary up in the store before asking the summariser, and stores new ones."""

    def __init__(
        self,
        store: Articles,
        summariser: Summariser,
        *,
        now: Callable[[], datetime],
        concurrency: int = 4,
        offline: Summariser | None = None,
    ) -> None:
        self.store = store
        self.summariser = summariser
        self.offline = offline
        self.now = now
        self.computed = 0
        # Summaries computed at once: enough to keep every worker process of the CPU pool
        # (or a few LLM requests) busy, few enough not to flood either.
        self.concurrency = concurrency

    @property
    def selective(self) -> bool:
        """Whether the summariser costs enough to be asked only for what is shown."""
        return self.offline is not None and self.offline is not self.summariser

    async def get_many(
        self, articles: Iterable[Article], *, extractive: bool = False
    ) -> dict[int, Summary]:
        """Summaries of several articles: one query for the stored ones, one write for new.
        `extractive` asks the offline summariser (when one was given) instead."""
        summariser = self.offline if extractive and self.offline is not None else self.summariser
        wanted = {a.id: a for a in articles}
        name, version = summariser.name, summariser.prompt_version
        found = await self.store.get_summaries(wanted, name, version)
        # In id order, so the store's writes and the summariser's calls are the same each run.
        todo = [wanted[i] for i in sorted(wanted) if i not in found]
        if not todo:
            return found
        if isinstance(summariser, BatchSummariser):
            # The extractive summaries already stored hold the parse the model's input needs.
            known: dict[int, Summary] = {}
            if self.offline is not None and summariser is not self.offline:
                known = await self.store.get_summaries(
                    [a.id for a in todo], self.offline.name, self.offline.prompt_version
                )
            done = await summariser.summarise_many(
                [(a.title, a.text) for a in todo], [known.get(a.id) for a in todo]
            )
        else:
            slots = asyncio.Semaphore(self.concurrency)

            async def one(article: Article) -> Summary:
                async with slots:
                    return await summariser.summarise(title=article.title, text=article.text)

            done = list(await asyncio.gather(*(one(a) for a in todo)))
        fresh = dict(zip([a.id for a in todo], done, strict=True))
        # A degraded summary (the LLM was down) is not kept: the next run asks the LLM again.
        await self.store.save_summaries(
            {i: s for i, s in fresh.items() if not s.degraded}, self.now()
        )
        self.computed += len(fresh)
        return {**found, **fresh}

    async def prepare(self, article_ids: Iterable[int]) -> int:
        """Summarise newly collected articles ahead of the briefing (which then finds them in
        the store); returns how many were computed."""
        before = self.computed
        articles = await self.store.articles_by_id(article_ids)
        if articles:
            await self.get_many(articles.values())
        return self.computed - before

    async def get(self, article: Article) -> Summary:
        """The article's summary, computing and storing it on first use."""
        name, version = self.summariser.name, self.summariser.prompt_version
        cached = await self.store.get_summary(article.id, name, version)
        if cached is not None:
            return cached
        summary = await self.summariser.summarise(title=article.title, text=article.text)
        if not summary.degraded:
            await self.store.save_summaries({article.id: summary}, self.now())
        self.computed += 1
        return summary
