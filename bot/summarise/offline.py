"""The offline summariser (the default when no LLM is configured): key points by sentence
ranking, quotes by rules, every quote verified verbatim. Deterministic; no network, no model.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from bot.models import KeyPoint, Sentence, Summary
from bot.summarise.quotes import extract_quotes
from bot.summarise.sentences import split_sentences
from bot.summarise.verify import normalise_for_match, verify_quotes

OFFLINE_VERSION = "offline-1"

_BOILERPLATE = re.compile(
    r"sign up|newsletter|all rights reserved|click here|subscribe|reporting by|editing by|"
    r"read more|follow us|copyright|©|cookies?\b|advertisement|related:|share this|"
    r"this article (?:was|has been)|contributed to this report|^photo:|^image:",
    re.IGNORECASE,
)
_STOP = frozenset(
    """a an the and or but of to in on at for with by from as is are was were be been has have
    had it its this that these those he she they we you i his her their our not no will would
    could should can may also said says than then there here which who whom what when where
    how all any some more most over into about after before up out so if""".split()
)
_TOKEN = re.compile(r"[A-Za-zÀ-ÿ][\w'’-]*|\d[\d.,%]*")
_NAME = re.compile(r"\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)+\b")
_QUOTED = re.compile(r"[“\"«][^”\"»]*[”\"»]?")


def _terms(text: str) -> list[str]:
    return [t.casefold() for t in _TOKEN.findall(text) if t.casefold() not in _STOP]


_PRONOUN_START = re.compile(r"^[\"“]?(?:They|He|She|It|This|These|Those|That|Its|Their)\b")
# "BRUSSELS — ", "BRUSSELS (Wirepoint) — ", "WASHINGTON, Nov 24 (Reuters) - "
_DATELINE = re.compile(
    r"^[A-Z][A-Z .,'’-]{2,40}(?:,[^—–()]{1,20})?(?:\s*\([^)]{1,30}\))?\s*[—–-]+\s+"
)


def point_text(sentence: str) -> str:
    """A sentence as a key point: white space folded, a leading dateline dropped."""
    text = " ".join(sentence.split())
    stripped = _DATELINE.sub("", text, count=1)
    return stripped if len(stripped.split()) >= 5 else text


def _unbalanced(text: str) -> bool:
    return text.count('"') % 2 == 1 or text.count("“") != text.count("”")


def _score(
    sentence: Sentence,
    index: int,
    doc_tf: Counter[str],
    idf: dict[str, float],
    title_terms: set[str],
) -> float:
    terms = _terms(sentence.text)
    words = len(sentence.text.split())
    if not terms or _BOILERPLATE.search(sentence.text):
        return 0.0
    # Centrality: how much of the article's weight the sentence's words carry.
    weights = {t: doc_tf[t] * idf.get(t, 1.0) for t in set(terms)}
    norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
    centrality = sum(weights.values()) / (norm * math.sqrt(len(doc_tf)) or 1.0)
    position = 1.0 / (1.0 + 0.35 * index)
    numbers = 0.2 if re.search(r"\d", sentence.text) else 0.0
    names = 0.15 if _NAME.search(sentence.text) else 0.0
    title = 0.5 * len(title_terms & set(terms)) / (len(title_terms) or 1)
    value = centrality + position + numbers + names + title
    quoted = sum(len(m.group()) for m in _QUOTED.finditer(sentence.text))
    if quoted > 0.6 * len(sentence.text):
        value *= 0.5  # mostly a quote: it belongs under quotes, not key points
    if _unbalanced(sentence.text):
        value *= 0.3  # a piece of a multi-sentence quote reads badly on its own
    if not sentence.text.rstrip('"”’)').endswith((".", "!", "?", "…")):
        value *= 0.4  # a heading or a caption, not a sentence
    if _PRONOUN_START.match(sentence.text):
        value *= 0.6  # "They will cover …" needs the sentence before it
    if words < 7:
        value *= 0.3
    elif words > 60:
        value *= 0.6
    return value


def rank_key_points(
    title: str,
    text: str,
    sentences: Sequence[Sentence],
    *,
    max_points: int = 6,
    min_points: int = 3,
) -> list[KeyPoint]:
    """3–6 key sentences, by position, centrality, figures, names and title overlap; returned
    in article order, each pointing at the sentence it is."""
    if not sentences:
        return []
    per_sentence = [set(_terms(s.text)) for s in sentences]
    doc_tf: Counter[str] = Counter(t for s in sentences for t in _terms(s.text))
    n = len(sentences)
    df: Counter[str] = Counter(t for terms in per_sentence for t in terms)
    idf = {t: math.log((1 + n) / (1 + c)) + 1 for t, c in df.items()}
    title_terms = set(_terms(title))
    scored = sorted(
        ((_score(s, i, doc_tf, idf, title_terms), s.id) for i, s in enumerate(sentences)),
        key=lambda pair: (-pair[0], pair[1]),
    )
    wanted = max(min_points, min(max_points, round(n / 5)))
    chosen: list[int] = []
    for value, sid in scored:
        if value <= 0 or len(chosen) >= wanted:
            break
        terms = per_sentence[sid]
        if any(
            len(terms & per_sentence[c]) > 0.7 * min(len(terms), len(per_sentence[c]) or 1)
            for c in chosen
        ):
            continue  # near-repeat of a chosen sentence
        chosen.append(sid)
    by_id = {s.id: s for s in sentences}
    return [KeyPoint(point_text(by_id[sid].text), (sid,)) for sid in sorted(chosen)]


def summarise_text(title: str, text: str) -> Summary:
    """Key points and verified quotes of one article (pure, synchronous)."""
    sentences = split_sentences(text)
    points = rank_key_points(title, text, sentences)
    found = extract_quotes(text, sentences)
    quotes, dropped = verify_quotes(found, text)
    return Summary(
        key_points=tuple(points),
        quotes=tuple(quotes),
        summariser="offline",
        prompt_version=OFFLINE_VERSION,
        dropped_quotes=dropped,
    )


class OfflineSummariser:
    """The Summariser used when no LLM is configured."""

    name = "offline"
    prompt_version = OFFLINE_VERSION

    async def summarise(self, *, title: str, text: str) -> Summary:
        return summarise_text(title, text)


__all__ = [
    "OFFLINE_VERSION",
    "OfflineSummariser",
    "normalise_for_match",
    "rank_key_points",
    "summarise_text",
]
