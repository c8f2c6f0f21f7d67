"""Scoring an article against its topic's query (pure).

A query has terms that must, may and must not appear. Matching is case- and
accent-insensitive, on word boundaries, tolerant of simple plurals and possessives, and
phrases match across spaces, newlines and hyphens. An empty query accepts everything (1.0).
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Query:
    must: tuple[str, ...] = ()
    may: tuple[str, ...] = ()
    must_not: tuple[str, ...] = ()
    min_score: float = 0.2


@dataclass(frozen=True, slots=True)
class Relevance:
    score: float
    relevant: bool
    matched: tuple[str, ...]
    reason: str


def fold(text: str) -> str:
    """Casefold and strip accents."""
    decomposed = unicodedata.normalize("NFKD", text)
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


@lru_cache(maxsize=1024)
def _pattern(term: str) -> re.Pattern[str]:
    words = re.findall(r"\w+", fold(term))
    if not words:
        return re.compile(r"(?!x)x")
    # Each word may take a plural or possessive ending; words are separated by any run of
    # spaces, hyphens or punctuation that is not a sentence end.
    parts = [re.escape(w) + r"(?:e?s|['’]s)?" for w in words]
    return re.compile(r"\b" + r"[\s\-–—/]+".join(parts) + r"\b")


def _count(term: str, text: str) -> int:
    return len(_pattern(term).findall(text))


def matches(term: str, title: str, text: str) -> bool:
    """Whether a query term appears in the title or text."""
    return _count(term, fold(title)) > 0 or _count(term, fold(text)) > 0


def score(query: Query, title: str, text: str) -> Relevance:
    """How well an article matches a query, and whether it is on-topic."""
    wanted = query.must + query.may
    t, body = fold(title), fold(text)
    lead = body[:1200]
    for term in query.must_not:
        if _count(term, t) or _count(term, body):
            return Relevance(0.0, False, (), f"excluded by {term!r}")
    if not wanted:
        return Relevance(1.0, True, (), "no query terms: everything is relevant")
    matched: list[str] = []
    raw = 0.0
    for term in wanted:
        in_title, in_lead, in_body = _count(term, t), _count(term, lead), _count(term, body)
        if in_title or in_body:
            matched.append(term)
        raw += 2.0 * min(in_title, 1) + 1.0 * min(in_lead, 1) + 0.5 * math.log1p(in_body)
    missing = [m for m in query.must if m not in matched]
    if missing:
        return Relevance(0.0, False, tuple(matched), f"missing required {missing[0]!r}")
    if query.may and not any(m in matched for m in query.may):
        return Relevance(0.0, False, (), "matches none of the query's terms")
    # Saturating: one strong match (title + lead + several mentions) reaches about 0.6.
    value = round(1 - math.exp(-raw / 4), 3)
    relevant = value >= query.min_score
    listed = ", ".join(repr(m) for m in matched[:5])
    reason = f"matches {listed}" if relevant else f"score {value} below {query.min_score}"
    return Relevance(value, relevant, tuple(matched), reason)
