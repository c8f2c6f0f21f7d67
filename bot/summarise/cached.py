"""Summaries computed once per (article, summariser, prompt version) and kept in the store."""

from __future__ import annotations

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
        self, store: Articles, summariser: Summariser, *, now: Callable[[], datetime]
    ) -> None:
        self.store = store
        self.summariser = summariser
        self.now = now
        self.computed = 0

    async def get_many(self, articles: Iterable[Article]) -> dict[int, Summary]:
        """Summaries of several articles: one query for the stored ones, one write for new."""
        wanted = {a.id: a for a in articles}
        name, version = self.summariser.name, self.summariser.prompt_version
        found = await self.store.get_summaries(wanted, name, version)
        fresh: dict[int, Summary] = {}
        for article_id, article in wanted.items():
            if article_id not in found:
                fresh[article_id] = await self.summariser.summarise(
                    title=article.title, text=article.text
                )
        # A degraded summary (the LLM was down) is not kept: the next run asks the LLM again.
        await self.store.save_summaries(
            {i: s for i, s in fresh.items() if not s.degraded}, self.now()
        )
        self.computed += len(fresh)
        return {**found, **fresh}

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
