"""Scoring an article against its topic's query, and deciding whether it is on-topic.

Pure: no I/O, no clock, no state beyond a cache of compiled term patterns; the same article
and query always give the same result. A query has terms that must, may and must not
appear. Matching is case- and accent-insensitive, on word boundaries, tolerant of simple
plurals and possessives ("tariff" finds "tariffs", "talks" finds "talk", "EU" finds "EU's"),
and a phrase matches across spaces, line breaks and hyphens ("trade talks" finds
"trade-talks"). A term with no letters or digits matches nothing and is left out.

The score (0..1) says how strongly the text matches the must and may terms: each matched
term earns 2 for appearing in the title, 1 for appearing in the lead (the first paragraph)
and 0.5·ln(1 + mentions in the text); the sum s becomes 1 − e^(−s/4), so one term in the
title scores 0.39, a single passing mention deep in the text 0.08, and several terms
mentioned throughout approach 1. `relevant` also needs every must term, at least one may
term (when there are any), no must-not term, and a score of at least `min_score`. A query
with no must or may terms scores 1.0: everything is relevant unless a must-not term appears.
"""

from __future__ import annotations

import math
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache


@dataclass(frozen=True, slots=True)
class Query:
    """A topic's query: terms are words or phrases."""

    must: tuple[str, ...] = ()  # every one must appear (title or text)
    may: tuple[str, ...] = ()  # at least one must appear when the list is non-empty
    must_not: tuple[str, ...] = ()  # any one appearing makes the article off-topic
    min_score: float = 0.2


@dataclass(frozen=True, slots=True)
class Relevance:
    """How an article matched its query, and why it is or is not on-topic."""

    score: float  # 0..1, see the module docstring
    relevant: bool
    matched: tuple[str, ...]  # the must and may terms found, in query order
    reason: str  # e.g. "matches 'tariff', 'steel'", "excluded by 'football'"


# Letters that Unicode does not decompose into a base letter and an accent, and every
# apostrophe as '.
_LETTERS = {"ø": "o", "æ": "ae", "œ": "oe", "ł": "l", "đ": "d", "ı": "i", "þ": "th"}
_APOSTROPHES = {"’": "'", "‘": "'", "ʼ": "'"}
_SPELLING = str.maketrans(_LETTERS | _APOSTROPHES)


class _Marks(dict[int, int | None]):
    """A `str.translate` table that deletes combining marks (accents), filled in as
    characters are met, so a text is stripped in one pass in C."""

    def __missing__(self, code: int) -> int | None:
        kept = None if unicodedata.combining(chr(code)) else code
        self[code] = kept
        return kept


_MARKS = _Marks()


def fold(text: str) -> str:
    """Casefold, strip accents, and write every apostrophe as '."""
    if text.isascii():  # nothing to decompose or respell; ASCII casefolds as it lower-cases
        return text.lower()
    bare = unicodedata.normalize("NFKD", text).translate(_MARKS)
    return bare.casefold().translate(_SPELLING)


_DOTTED = re.compile(r"(?<!\w)(?:\w\.){2,}")


def _prepare(text: str) -> str:
    """Folded, with dotted abbreviations written solid ("U.S." as "us")."""
    return _DOTTED.sub(lambda m: m.group().replace(".", ""), fold(text))


_TERM_WORD = re.compile(r"\w+(?:'\w+)*")
# Words that end in s without being plurals (a few common ones; longer endings below).
_NOT_PLURAL = frozenset({"news", "series", "species", "means", "lens", "chaos", "always"})
_NOT_PLURAL_ENDINGS = ("ss", "us", "is", "ics", "ous")
# Between the words of a phrase: spaces, line breaks, hyphens, dashes, slashes.
_SEPARATOR = r"(?:\s|[-‐‑‒–—/])+"


def _stems(word: str) -> list[str]:
    """The word and the singulars it may be the plural of, longest first."""
    word = word.removesuffix("'s")
    stems = {word}
    plural = len(word) > 3 and word.endswith("s") and not word.endswith(_NOT_PLURAL_ENDINGS)
    if plural and word not in _NOT_PLURAL:
        stems.add(word[:-1])  # talks → talk, cases → case
        if len(word) > 4 and word.endswith("es"):
            stems.add(word[:-2])  # taxes → tax, matches → match
        if len(word) > 4 and word.endswith("ies"):
            stems.add(word[:-3] + "y")  # duties → duty
    return sorted(stems, key=lambda s: (-len(s), s))


def _word_pattern(word: str) -> str:
    forms: list[str] = []
    for stem in _stems(word):
        if len(stem) <= 2:
            forms.append(re.escape(stem))  # "US" must not find "uses"
        elif len(stem) > 3 and stem.endswith("y") and stem[-2] not in "aeiou":
            forms.append(re.escape(stem[:-1]) + "(?:y|ies)")  # duty ↔ duties
        else:
            forms.append(re.escape(stem) + "(?:e?s)?")  # talk ↔ talks, tax ↔ taxes
    return "(?:" + "|".join(forms) + ")(?:'s|')?"  # EU's, workers'


@lru_cache(maxsize=1024)
def _pattern(term: str) -> re.Pattern[str] | None:
    words = _TERM_WORD.findall(_prepare(term))
    if not words:
        return None  # a term without letters or digits matches nothing
    body = _SEPARATOR.join(_word_pattern(w) for w in words)
    return re.compile(rf"(?<!\w){body}(?!\w)")


def _count(term: str, folded: str) -> int:
    pattern = _pattern(term)
    return 0 if pattern is None else sum(1 for _ in pattern.finditer(folded))


def matches(term: str, title: str, text: str) -> bool:
    """Whether a query term appears in the title or the text."""
    return _count(term, _prepare(title)) > 0 or _count(term, _prepare(text)) > 0


_LEAD_MIN, _LEAD_MAX = 200, 1000


def _lead(text: str) -> str:
    """The first paragraph; a dateline or one-line standfirst takes the next one with it."""
    lead = ""
    for paragraph in text.strip().split("\n"):
        lead = f"{lead}\n{paragraph}" if lead else paragraph
        if len(lead) >= _LEAD_MIN:
            break
    if len(lead) > _LEAD_MAX:
        lead = lead[:_LEAD_MAX].rsplit(maxsplit=1)[0]  # never end inside a word
    return lead


def _listed(terms: tuple[str, ...] | list[str], limit: int = 5) -> str:
    shown = ", ".join(repr(t) for t in terms[:limit])
    return shown + (", …" if len(terms) > limit else "")


_EVERYTHING = "no query terms: everything is relevant"


def score(query: Query, title: str, text: str) -> Relevance:
    """How strongly an article matches a query, and whether it is on-topic (and why)."""
    wanted = tuple(dict.fromkeys(t for t in query.must + query.may if _pattern(t) is not None))
    if not wanted and not query.must_not:  # nothing to look for: the text need not be read
        return Relevance(1.0, True, (), _EVERYTHING)
    folded_title, body = _prepare(title), _prepare(text)
    lead = _lead(body)
    matched: list[str] = []
    raw = 0.0
    for term in wanted:
        in_title, in_body = _count(term, folded_title), _count(term, body)
        if in_title or in_body:
            matched.append(term)
            in_lead = _count(term, lead) if in_body else 0
            raw += 2.0 * min(in_title, 1) + 1.0 * min(in_lead, 1) + 0.5 * math.log1p(in_body)
    value = round(1 - math.exp(-raw / 4), 3) if wanted else 1.0
    found = tuple(matched)

    excluded = [t for t in query.must_not if _count(t, folded_title) or _count(t, body)]
    if excluded:
        return Relevance(value, False, found, f"excluded by {_listed(excluded)}")
    if not wanted:
        return Relevance(1.0, True, (), _EVERYTHING)
    missing = [t for t in query.must if t in wanted and t not in found]
    if missing:
        return Relevance(value, False, found, f"missing required {_listed(missing)}")
    may = [t for t in query.may if t in wanted]
    if may and not any(t in found for t in may):
        return Relevance(value, False, found, f"matches none of {_listed(may, 3)}")
    if value < query.min_score:
        return Relevance(value, False, found, f"score {value} below {query.min_score}")
    return Relevance(value, True, found, f"matches {_listed(found)}")
