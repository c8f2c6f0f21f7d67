"""Summaries computed once per (article, summariser, prompt version) and kept in the store."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TYPE_CHECKING

from bot.models import Article, Summary
from bot.store.articles import Articles

if TYPE_CHECKING:
    from bot.summarise import Summariser


class CachedSummaries:
    """Looks a summary up in the store before asking the summariser, and stores new ones."""

    def __init__(
        self,
        store: Articles,
        summariser: Summariser,
        *,
        now: Callable[[], datetime],
        concurrency: int = 4,
    ) -> None:
        self.store = store
        self.summariser = summariser
        self.now = now
        self.computed = 0
        # Summaries computed at once: enough to keep every worker process of the CPU pool
        # (or a few LLM requests) busy, few enough not to flood either.
        self.concurrency = concurrency

    async def get_many(self, articles: Iterable[Article]) -> dict[int, Summary]:
        """Summaries of several articles: one query for the stored ones, one write for new."""
        wanted = {a.id: a for a in articles}
        name, version = self.summariser.name, self.summariser.prompt_version
        found = await self.store.get_summaries(wanted, name, version)
        slots = asyncio.Semaphore(self.concurrency)

        async def one(article: Article) -> Summary:
            async with slots:
                return await self.summariser.summarise(title=article.title, text=article.text)

        # In id order, so the store's writes and the summariser's calls are the same each run.
        todo = [wanted[i] for i in sorted(wanted) if i not in found]
        fresh = dict(
            zip([a.id for a in todo], await asyncio.gather(*(one(a) for a in todo)), strict=True)
        )
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
