"""Article extraction: text, title, author, date and site name from an HTML page or a text file.

Pure and synchronous (trafilatura is CPU-bound): callers run it in a worker thread. It never
fetches anything itself.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import UTC, datetime

import trafilatura

from bot.errors import ExtractError
from bot.models import ExtractedArticle
from bot.text.controls import strip_controls

MIN_WORDS = 40
_DATE_PARAMS = {
    "extensive_search": True,
    "original_date": True,
    "outputformat": "%Y-%m-%dT%H:%M:%S%z",
}


def parse_date(value: str | None) -> datetime | None:
    """Parse an ISO-ish date; naive values are taken as UTC; garbage gives None."""
    if not value:
        return None
    text = value.strip().replace("Z", "+00:00")
    if re.fullmatch(r".*[+-]\d{4}", text):
        text = text[:-2] + ":" + text[-2:]
    try:
        parsed = datetime.fromisoformat(text)
    except ValueError:
        return None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def extract_html(content: bytes | str, url: str) -> ExtractedArticle:
    """Extract the main article of an HTML page (control characters and references to them
    removed first: lxml drops the text around them)."""
    content = strip_controls(content)
    try:
        doc = trafilatura.bare_extraction(
            content,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=False,
            date_extraction_params=_DATE_PARAMS,
        )
    except (ValueError, TypeError, AttributeError, LookupError):
        doc = None  # trafilatura raises assorted errors on malformed markup
    title = (getattr(doc, "title", None) or "").strip()
    text = strip_page_furniture((getattr(doc, "text", None) or "").strip(), title)
    published = meta_published(content) or parse_date(getattr(doc, "date", None))
    return _checked(
        ExtractedArticle(
            url=url,
            title=title,
            text=text,
            author=(getattr(doc, "author", None) or None),
            published_at=published,
            site_name=(getattr(doc, "sitename", None) or None),
        )
    )


_BYLINE = re.compile(r"^(?:by|from)\s+\S", re.IGNORECASE)
_META_DATE = re.compile(
    rb"""<meta[^>]+(?:property|name|itemprop)\s*=\s*["'](?:article:published_time|"""
    rb"""og:published_time|datePublished|pubdate|publishdate|dc\.date)["'][^>]*>""",
    re.IGNORECASE,
)
_CONTENT = re.compile(rb"""content\s*=\s*["']([^"']{8,40})["']""", re.IGNORECASE)


def meta_published(content: bytes | str) -> datetime | None:
    """The publication time a page declares in its meta tags (to the second), if any."""
    head = content[:200_000] if isinstance(content, bytes) else content[:200_000].encode()
    for tag in _META_DATE.finditer(head):
        value = _CONTENT.search(tag.group())
        if value:
            parsed = parse_date(value.group(1).decode("ascii", errors="ignore"))
            if parsed:
                return parsed
    return None


def strip_page_furniture(text: str, title: str) -> str:
    """Drop what precedes the first paragraph: a section label, the headline, a byline."""
    lines = text.split("\n")
    drop = 0
    for line in lines[:6]:
        stripped = line.strip()
        words = len(stripped.split())
        is_label = words <= 4 and not stripped.endswith((".", "!", "?", '"', "”"))
        if stripped == title or is_label or (_BYLINE.match(stripped) and words <= 8):
            drop += 1
            continue
        break
    return "\n".join(lines[drop:]).strip()


def extract_text(content: str, url: str, *, fallback_title: str = "") -> ExtractedArticle:
    """A plain-text or Markdown article: a first line that reads as a title is its title;
    otherwise every line is body (a pasted article without a headline loses nothing)."""
    lines = content.replace("\r\n", "\n").strip().split("\n")
    first = lines[0] if lines else ""
    body = "\n".join(lines[1:]).strip()
    if body and _is_title_line(first, lines[1] if len(lines) > 1 else ""):
        title = first.lstrip("# ").strip()
    else:
        title, body = fallback_title, content.strip()
    return _checked(ExtractedArticle(url=url, title=title or fallback_title, text=body))


def _is_title_line(line: str, next_line: str) -> bool:
    """A Markdown heading, or a short line with no closing punctuation set apart from what
    follows; a sentence (it ends with a stop, or runs on into the next line) is body."""
    stripped = line.strip()
    if stripped.startswith("#"):
        return True
    if not stripped or len(stripped) > 200 or len(stripped.split()) > 25:
        return False
    if stripped[-1] in '.!?…:;,"”’»)':
        return False
    return not next_line.strip() or len(stripped.split()) <= 15


def looks_like_html(content: bytes | str) -> bool:
    head = content[:2048].lower()
    needles = (b"<html", b"<!doctype html", b"<body", b"<p>", b"<article")
    if isinstance(head, str):
        return any(n.decode() in head for n in needles)
    return any(n in head for n in needles)


def _checked(article: ExtractedArticle) -> ExtractedArticle:
    words = len(article.text.split())
    if words < MIN_WORDS:
        raise ExtractError(
            f"no article text found ({words} words)" if words else "no article text found"
        )
    if not article.title:
        first = article.text.split("\n", 1)[0]
        title = first if len(first) <= 140 else first[:137].rsplit(" ", 1)[0] + "…"
        article = replace(article, title=title)
    return article
