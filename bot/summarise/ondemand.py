"""On-demand summaries: a pasted URL, a local file or pasted text → key points and quotes.

Used by `briefbot summarize` (and later by Slack and Teams). URLs go through the same
SSRF-guarded fetcher as collection; nothing here is stored.
"""

from __future__ import annotations

import asyncio
import re
from dataclasses import dataclass
from pathlib import Path

from bot.collect.extract import extract_html, extract_text, looks_like_html
from bot.collect.fetch import Fetcher
from bot.errors import BlockedURLError, ExtractError
from bot.models import Summary
from bot.summarise import Summariser

_SCHEME = re.compile(r"^([a-zA-Z][a-zA-Z0-9+.-]*):(//)?\S")
_KNOWN_SCHEMES = {"http", "https", "ftp", "file", "gopher", "data", "javascript", "ws", "wss"}


@dataclass(frozen=True, slots=True)
class OnDemandSummary:
    title: str
    url: str | None
    summary: Summary


def looks_like_url(value: str) -> bool:
    """True when the input is one token with a URL scheme (http or otherwise)."""
    value = value.strip()
    match = _SCHEME.match(value)
    if not match or any(c.isspace() for c in value):
        return False
    return bool(match.group(2)) or match.group(1).lower() in _KNOWN_SCHEMES


class OnDemandSummariser:
    """Summarises what a user hands over: a URL, a file, or text."""

    def __init__(self, fetcher: Fetcher, summariser: Summariser) -> None:
        self.fetcher = fetcher
        self.summariser = summariser

    async def summarise_input(self, value: str) -> OnDemandSummary:
        """A URL, else an existing file path, else the text itself."""
        value = value.strip()
        if looks_like_url(value):
            return await self.from_url(value)
        if "\n" not in value and len(value) < 4096:
            path = Path(value).expanduser()
            try:
                is_file = path.is_file()
            except OSError:  # "File name too long" and its kin: it is text, not a path
                is_file = False
            if is_file:
                return await self.from_file(path)
        return await self.from_text(value)

    async def summarise_untrusted(self, value: str) -> OnDemandSummary:
        """A URL or text from a chat user: never a path on this machine."""
        value = value.strip()
        if looks_like_url(value):
            return await self.from_url(value)
        return await self.from_text(value)

    async def from_url(self, url: str) -> OnDemandSummary:
        scheme = url.split(":", 1)[0].lower()
        if scheme not in ("http", "https"):
            raise BlockedURLError("refused: only http and https URLs can be fetched")
        result = await self.fetcher.fetch(url)
        if result.content_type == "text/plain":
            article = extract_text(result.text(), result.url)
        else:
            article = await asyncio.to_thread(extract_html, result.content, result.url)
        return await self._summarise(article.title, article.url, article.text)

    async def from_file(self, path: Path) -> OnDemandSummary:
        try:
            content = await asyncio.to_thread(path.read_bytes)
        except OSError as exc:
            raise ExtractError(f"cannot read {path.name} ({exc.strerror})") from None
        if path.suffix.lower() in (".html", ".htm") or looks_like_html(content):
            article = await asyncio.to_thread(extract_html, content, path.resolve().as_uri())
            return await self._summarise(article.title, None, article.text)
        article = extract_text(content.decode("utf-8", errors="replace"), "")
        return await self._summarise(article.title, None, article.text)

    async def from_text(self, text: str) -> OnDemandSummary:
        if looks_like_html(text):
            article = await asyncio.to_thread(extract_html, text, "")
        else:
            article = extract_text(text, "", fallback_title="Pasted text")
        return await self._summarise(article.title, None, article.text)

    async def _summarise(self, title: str, url: str | None, text: str) -> OnDemandSummary:
        summary = await self.summariser.summarise(title=title, text=text)
        return OnDemandSummary(title=title, url=url, summary=summary)
