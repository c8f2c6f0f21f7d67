"""Source discovery: turn a feed, a watched page, a sitemap, a news search or a folder into
candidate article URLs. Parsing is pure (bytes in, candidates out); `discover` adds the fetch.

Nothing here decides relevance or stores anything; a document that cannot be parsed raises
`SourceError` with a one-line reason, never a library's raw message.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from time import struct_time
from typing import TYPE_CHECKING
from urllib.parse import quote_plus, urljoin, urlsplit

import feedparser
from lxml import etree
from lxml import html as lxml_html

from bot.collect.extract import parse_date
from bot.collect.xmlguard import refuse_entities
from bot.config import (
    FeedSource,
    FolderSource,
    PageSource,
    SearchSource,
    SitemapSource,
    SourceConfig,
)
from bot.errors import SourceError
from bot.text.controls import strip_controls

if TYPE_CHECKING:
    from bot.collect.fetch import Fetcher, FetchResult

FOLDER_SUFFIXES = (".html", ".htm", ".txt", ".md")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A URL that may be a new article, with what the source said about it."""

    url: str
    title: str | None = None
    published_at: datetime | None = None


@dataclass(slots=True)
class Discovery:
    candidates: list[Candidate] = field(default_factory=list)
    not_modified: bool = False
    etag: str | None = None
    last_modified: str | None = None


def _struct_to_datetime(value: struct_time | None) -> datetime | None:
    if value is None:
        return None
    try:
        return datetime(*value[:6], tzinfo=UTC)
    except (TypeError, ValueError):
        return None


def parse_feed(content: bytes, base_url: str) -> list[Candidate]:
    """Entries of an RSS 1/2 or Atom feed, newest first where dates are known."""
    refuse_entities(content)
    parsed = feedparser.parse(
        _as_xml_bytes(strip_controls(content)), response_headers={"content-location": base_url}
    )
    entries = parsed.get("entries") or []
    if not entries and parsed.get("bozo"):
        exc = parsed.get("bozo_exception")
        line = getattr(exc, "getLineNumber", lambda: None)()
        where = f" (XML error at line {line})" if line else ""
        raise SourceError(f"not a valid RSS or Atom feed{where}")
    if not entries and not parsed.get("version"):
        raise SourceError("not an RSS or Atom feed")
    candidates = []
    for entry in entries:
        link = entry.get("link") or next(
            (lnk.get("href") for lnk in entry.get("links", []) if lnk.get("href")), None
        )
        if not link:
            continue
        published = _struct_to_datetime(
            entry.get("published_parsed") or entry.get("updated_parsed")
        )
        candidates.append(Candidate(urljoin(base_url, link.strip()), entry.get("title"), published))
    return _newest_first(candidates)


def _newest_first(candidates: list[Candidate]) -> list[Candidate]:
    oldest = datetime.min.replace(tzinfo=UTC)
    return sorted(candidates, key=lambda c: c.published_at or oldest, reverse=True)


def _same_site(a: str, b: str) -> bool:
    def strip(host: str) -> str:
        host = host.lower()
        return host[4:] if host.startswith("www.") else host

    return strip(urlsplit(a).hostname or "") == strip(urlsplit(b).hostname or "")


_ARTICLE_SLUG = re.compile(r"(\d{4}/\d{1,2}/|[a-z0-9]+(?:-[a-z0-9]+){3,})", re.IGNORECASE)


def parse_page_links(content: bytes, page_url: str, link_pattern: str | None) -> list[Candidate]:
    """Links on a watched page that look like articles on the same site."""
    try:
        doc = lxml_html.fromstring(strip_controls(content))
    except (etree.ParserError, ValueError):
        raise SourceError("not an HTML page") from None
    pattern = re.compile(link_pattern) if link_pattern else None
    seen: dict[str, Candidate] = {}
    page = page_url.split("#", 1)[0].rstrip("/")
    for anchor in doc.iter("a"):
        href = (anchor.get("href") or "").strip()
        if not href or href.startswith(("#", "mailto:", "javascript:", "tel:")):
            continue
        url = urljoin(page_url, href).split("#", 1)[0]
        if not url.startswith(("http://", "https://")) or url.rstrip("/") == page:
            continue
        if not _same_site(url, page_url):
            continue
        path = urlsplit(url).path
        if pattern is not None:
            if not pattern.search(url):
                continue
        elif not _ARTICLE_SLUG.search(path):
            continue
        title = " ".join(anchor.text_content().split()) or None
        seen.setdefault(url, Candidate(url, title))
    return list(seen.values())


_SM_NS = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def parse_sitemap(content: bytes) -> tuple[list[Candidate], list[str]]:
    """(article candidates, child sitemap URLs) of a sitemap or sitemap index."""
    refuse_entities(content)
    parser = etree.XMLParser(
        resolve_entities=False, no_network=True, huge_tree=False, recover=False
    )
    try:
        root = etree.fromstring(_as_xml_bytes(strip_controls(content)), parser=parser)
    except etree.XMLSyntaxError:
        raise SourceError("not a valid sitemap (XML error)") from None
    tag = etree.QName(root).localname
    if tag not in ("urlset", "sitemapindex"):
        raise SourceError("not a sitemap (no <urlset> or <sitemapindex>)")
    entries = []
    for node in root:
        if not isinstance(node.tag, str):
            continue
        loc = node.findtext(f"{_SM_NS}loc") or node.findtext("loc")
        if not loc:
            continue
        lastmod = parse_date(node.findtext(f"{_SM_NS}lastmod") or node.findtext("lastmod"))
        news_title = None
        for child in node.iter():
            if isinstance(child.tag, str) and etree.QName(child).localname == "title":
                news_title = (child.text or "").strip() or None
        entries.append(Candidate(loc.strip(), news_title, lastmod))
    if tag == "sitemapindex":
        return [], [c.url for c in _newest_first(entries)]
    return _newest_first(entries), []


def _as_xml_bytes(content: bytes | str) -> bytes:
    """lxml refuses a str with an encoding declaration: re-encode a decoded UTF-16/32
    document as UTF-8 and say so in its declaration."""
    if isinstance(content, bytes):
        return content
    text = re.sub(r"^(\s*<\?xml[^>]*?encoding\s*=\s*)[\"'][^\"']*[\"']", r'\1"utf-8"', content)
    return text.encode("utf-8")


def gdelt_url(source: SearchSource, max_records: int) -> str:
    """The GDELT DOC 2.0 article-list request for a search source."""
    return (
        f"{source.endpoint}?query={quote_plus(source.query)}&mode=ArtList&format=json"
        f"&maxrecords={max_records}&timespan={quote_plus(source.timespan)}&sort=DateDesc"
    )


def parse_gdelt(content: bytes) -> list[Candidate]:
    """Articles of a GDELT DOC 2.0 ArtList JSON response."""
    if not content.strip():
        return []  # GDELT answers an empty body when nothing matches
    try:
        data = json.loads(content)
    except (json.JSONDecodeError, UnicodeDecodeError):
        raise SourceError("the news search did not answer JSON") from None
    if not isinstance(data, dict) or not isinstance(data.get("articles", []), list):
        raise SourceError("the news search answered an unexpected document")
    candidates = []
    for item in data.get("articles", []):
        if not isinstance(item, dict) or not isinstance(item.get("url"), str):
            continue
        seen = None
        if isinstance(item.get("seendate"), str):
            try:
                seen = datetime.strptime(item["seendate"], "%Y%m%dT%H%M%SZ").replace(tzinfo=UTC)
            except ValueError:
                seen = None
        candidates.append(Candidate(item["url"], item.get("title"), seen))
    return candidates


def list_folder(path: Path) -> list[Candidate]:
    """Article files in a local folder (not recursive), newest first."""
    if not path.is_dir():
        raise SourceError(f"folder {path} does not exist")
    files = [p for p in path.iterdir() if p.is_file() and p.suffix.lower() in FOLDER_SUFFIXES]
    candidates = [
        Candidate(
            p.resolve().as_uri(),
            None,
            datetime.fromtimestamp(p.stat().st_mtime, UTC),
        )
        for p in files
    ]
    return _newest_first(candidates)


async def discover(
    source: SourceConfig,
    fetcher: Fetcher,
    *,
    etag: str | None,
    last_modified: str | None,
    max_items: int,
    now: datetime,
) -> Discovery:
    """Fetch (conditionally where possible) and parse one source."""
    if isinstance(source, FolderSource):
        return Discovery(list_folder(source.path)[:max_items])
    if isinstance(source, SearchSource):
        result = await fetcher.fetch(gdelt_url(source, max_items))
        return Discovery(parse_gdelt(result.content)[:max_items])
    if isinstance(source, SitemapSource):
        return await _discover_sitemap(source, fetcher, max_items=max_items, now=now)
    result = await fetcher.fetch(source.url, etag=etag, last_modified=last_modified)
    if result.not_modified:
        return Discovery(not_modified=True, etag=etag, last_modified=last_modified)
    if isinstance(source, FeedSource):
        candidates = parse_feed(result.content, result.url)
    else:
        assert isinstance(source, PageSource)
        candidates = parse_page_links(result.content, result.url, source.link_pattern)
    return _with_validators(candidates[:max_items], result)


def _with_validators(candidates: Sequence[Candidate], result: FetchResult) -> Discovery:
    return Discovery(list(candidates), etag=result.etag, last_modified=result.last_modified)


async def _discover_sitemap(
    source: SitemapSource, fetcher: Fetcher, *, max_items: int, now: datetime
) -> Discovery:
    result = await fetcher.fetch(source.url)
    candidates, children = parse_sitemap(result.content)
    for child in children[:3]:  # an index: only its newest few sitemaps matter for news
        child_result = await fetcher.fetch(child)
        more, _ = parse_sitemap(child_result.content)
        candidates.extend(more)
    # Sitemaps list a site's whole archive: keep what changed in the last few days.
    recent = now - timedelta(days=3)
    fresh = [c for c in candidates if c.published_at is None or c.published_at >= recent]
    return Discovery(_newest_first(fresh)[:max_items])
