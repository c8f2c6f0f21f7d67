"""The offline summariser with each article summarised once per test process.

The scenario tests store the same coverage again and again (twenty arrival orders, eight
question sets over one world). The offline summary is a pure function of an article's title
and text, so a run that stores an article already summarised reuses its summary instead of
parsing it again: the same briefings and answers, a fraction of the CPU."""

from __future__ import annotations

from bot.models import Summary
from bot.summarise import OfflineSummariser


class KeptSummariser:
    """An `OfflineSummariser` that keeps what it computed, by (title, text)."""

    def __init__(self, inner: OfflineSummariser | None = None) -> None:
        self.inner = inner or OfflineSummariser()
        self.name = self.inner.name
        self.prompt_version = self.inner.prompt_version
        self.kept: dict[tuple[str, str], Summary] = {}

    async def summarise(self, *, title: str, text: str) -> Summary:
        key = (title, text)
        if key not in self.kept:
            self.kept[key] = await self.inner.summarise(title=title, text=text)
        return self.kept[key]


# One per test process: the summaries (frozen) are shared by every scenario run in it.
KEPT = KeptSummariser()
