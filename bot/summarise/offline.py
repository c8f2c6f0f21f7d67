"""The offline summariser, the default when no LLM is configured: key points by ranking the
article's own sentences, quotes by rules, every quote verified verbatim.

A key point is always one sentence of the article, word for word (white space folded), so it
can be cited and never says what the article does not. Ranking favours information: distinct
figures, named actors and a decision or change (what happened), then centrality (TF-IDF
similarity to the rest of the article), overlap with the title and, less, position; it demotes
datelines, fragments, boilerplate, pieces of quotes and sentences that lean on the one before.
Deterministic; no network, no model, linear time.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

from bot.models import KeyPoint, Sentence, Summary
from bot.summarise.attribution import extract_quotes
from bot.summarise.cpu import CPU
from bot.summarise.verify import verify_quotes
from bot.text.quotes import quotation_spans
from bot.text.sentences import split_sentences

OFFLINE_VERSION = "offline-2"

_BOILERPLATE = re.compile(
    r"sign up|newsletter|all rights reserved|click here|subscribe|reporting by|editing by|"
    r"writing by|additional reporting|read more|follow us|copyright|©|\bcookies?\b|"
    r"advertisement|related:|share this|this (?:article|story) (?:was|has been)|"
    r"contributed to this report|^(?:photo|image|video|watch|listen|caption)\s*:|"
    r"terms of (?:use|service)|privacy policy|^about (?:the |us\b)?[^.:]{0,60}:|"
    r"^by [A-Z][\w.'’-]*(?: [A-Z][\w.'’-]*){0,3}$",
    re.IGNORECASE,
)
# Text aimed at a language model or at the reader's tools, not at readers: an injection.
_ADDRESSES_A_MACHINE = re.compile(
    r"\b(?:AI(?:\s+assistant)?|chatbot|language model|LLM|GPT)s?\b.{0,80}"
    r"\b(?:ignore|disregard|forget|instructions?|prompt)\b"
    r"|\b(?:ignore|disregard|forget)\s+(?:all\s+)?(?:the\s+|your\s+|any\s+)?"
    r"(?:previous|prior|above|earlier)\s+(?:instructions|rules|prompts?)\b",
    re.IGNORECASE,
)
_STOP = frozenset(
    """a an the and or but of to in on at for with by from as is are was were be been has have
    had it its this that these those he she they we you i his her their our not no will would
    could should can may also said says than then there here which who whom what when where
    how all any some more most over into about after before up out so if""".split()
)
_TOKEN = re.compile(r"[^\W\d_][\w'’-]*|\d[\d.,]*")
# Figures: amounts, percentages, dates and counts (each distinct one is a fact).
_FIGURE = re.compile(
    r"[$€£¥]?\d[\d.,]*(?:[ \t]*(?:%|per ?cent|percent|million|billion|trillion|bn|m\b|"
    r"tonnes?|tons?|jobs|points?))?",
    re.IGNORECASE,
)
# Named actors: a capitalised word (or run) after a sentence's first word, or an acronym.
_NAME = re.compile(
    r"(?<=[\s(])(?:[A-Z][a-zà-ÿ'’-]+(?:[ \t]+(?:of[ \t]+)?[A-Z][a-zà-ÿ'’-]+)*|[A-Z]{2,6})\b"
)
# What happened: decisions, moves and changes (the news, as opposed to background).
_DECISION = re.compile(
    r"\b(?:agree[sd]?|approv\w+|reject\w*|impos\w+|rais\w+|cut|cuts|lift\w*|announc\w+|"
    r"sign\w*|vot\w+|rul\w+|propos\w+|offer\w*|demand\w*|set|sets|extend\w*|suspend\w*|"
    r"postpon\w+|delay\w*|threaten\w*|deadline|launch\w*|block\w*|fin\w+d|charg\w+|"
    r"resign\w*|appoint\w+|elect\w*|won|lost|rose|fell|doubl\w+|halv\w+|increas\w+|"
    r"decreas\w+|reduc\w+|expand\w*|clos\w+|open\w*|sanction\w*|ban\w*|quota\w*|"
    r"will|plans?|aims?|expects?|warn\w*|refus\w+|accept\w*|withdr\w+)\b",
    re.IGNORECASE,
)
_TERMINAL = re.compile(r"[.!?…][\"”’)»]*$")
_LEANS_BACK = re.compile(
    r"[\"“]?(?:They|He|She|It|This|These|Those|That|Its|Their|His|Her|But|And|Also|However)\b"
)


def _terms(text: str) -> list[str]:
    return [t for t in (w.casefold() for w in _TOKEN.findall(text)) if t not in _STOP]


def _quoted_shares(text: str, sentences: Sequence[Sentence]) -> list[float]:
    """How much of each sentence lies inside quotation marks (one sweep, linear)."""
    spans = quotation_spans(text)
    shares: list[float] = []
    k = 0
    for s in sentences:
        while k < len(spans) and spans[k][1] <= s.start:
            k += 1
        inside, j = 0, k
        while j < len(spans) and spans[j][0] < s.end:
            inside += min(spans[j][1], s.end) - max(spans[j][0], s.start)
            j += 1
        shares.append(inside / max(s.end - s.start, 1))
    return shares


def _penalty(text: str, quoted: float) -> float:
    """How much a sentence's form disqualifies it as a key point (1 = not at all, 0 = never)."""
    words = len(text.split())
    if _BOILERPLATE.search(text) or _ADDRESSES_A_MACHINE.search(text):
        return 0.0
    if not _TERMINAL.search(text):
        return 0.0 if words < 8 else 0.4  # a dateline, a heading or a caption
    factor = 1.0
    if words < 6:
        factor *= 0.3
    elif words < 9:
        factor *= 0.7
    elif words > 60:
        factor *= 0.5
    if quoted > 0.9:
        factor *= 0.25  # all quote (or a piece of one running over several sentences)
    elif quoted > 0.4:
        factor *= 0.5  # mostly a quote: it belongs under quotes, not key points
    if _LEANS_BACK.match(text):
        factor *= 0.7  # "They will cover …" needs the sentence before it
    return factor


def rank_key_points(
    title: str,
    text: str,
    sentences: Sequence[Sentence],
    *,
    max_points: int = 6,
    min_points: int = 3,
) -> list[KeyPoint]:
    """The article's key sentences (3–6, fewer for a short article), in article order."""
    if not sentences:
        return []
    counts = [Counter(_terms(s.text)) for s in sentences]
    n = len(sentences)
    df: Counter[str] = Counter(t for c in counts for t in c)
    idf = {t: math.log((1 + n) / (1 + d)) + 1.0 for t, d in df.items()}
    doc: Counter[str] = Counter()
    for c in counts:
        doc.update(c)
    doc_weight = {t: f * idf[t] for t, f in doc.items()}
    doc_norm2 = sum(w * w for w in doc_weight.values())
    title_terms = set(_terms(title))
    penalties = [
        _penalty(s.text, share)
        for s, share in zip(sentences, _quoted_shares(text, sentences), strict=True)
    ]
    scores: list[float] = []
    rank = 0  # position among the sentences that can be points, so a dateline does not count
    for s, c, penalty in zip(sentences, counts, penalties, strict=True):
        if penalty == 0.0 or not c:
            scores.append(0.0)
            continue
        # Centrality: cosine between the sentence and the rest of the article.
        own = {t: f * idf[t] for t, f in c.items()}
        own2 = sum(w * w for w in own.values())
        dot = sum(w * doc_weight[t] for t, w in own.items())
        rest2 = doc_norm2 - 2 * dot + own2
        centrality = (dot - own2) / math.sqrt(own2 * rest2) if rest2 > 1e-9 else 0.0
        # The lead is the story's own summary; after it, position says little.
        position = 1.0 / (1.0 + 0.3 * rank) + (1.0 if rank == 0 else 0.0)
        in_title = len(title_terms & c.keys()) / len(title_terms) if title_terms else 0.0
        value = 1.0 * max(centrality, 0.0) + 0.4 * position + 0.4 * in_title + information(s.text)
        scores.append(value * penalty)
        rank += 1
    # As many points as the article has facts to carry (sentences dense with them), 3 to 6.
    informative = sum(
        1 for s, p in zip(sentences, penalties, strict=True) if p and information(s.text) >= 0.4
    )
    # … plus the lead, which is a point whatever it carries.
    wanted = min(max_points, max(min_points, n // 5, informative + 1))
    order = sorted(range(n), key=lambda i: (-scores[i], i))
    terms = [set(c) for c in counts]
    chosen: list[int] = []
    for i in order:  # best first, skipping near-repeats of a sentence already chosen
        if len(chosen) >= wanted or scores[i] <= 0.0:
            break
        if any(_overlap(terms[i], terms[j]) > 0.7 for j in chosen):
            continue
        chosen.append(i)
    for i in order:  # too few after skipping repeats: take them after all
        if len(chosen) >= min(wanted, min_points) or scores[i] <= 0.0:
            break
        if i not in chosen:
            chosen.append(i)
    return [
        KeyPoint(" ".join(sentences[i].text.split()), (sentences[i].id,)) for i in sorted(chosen)
    ]


def information(sentence: str) -> float:
    """How much news a sentence carries: distinct figures, named actors, and a decision or
    change (up to about 1.0; background and colour score near 0)."""
    figures = {m.group(0).rstrip(".,") for m in _FIGURE.finditer(sentence)}
    names = set(_NAME.findall(sentence))
    score = 0.18 * min(len(figures), 3) + 0.12 * min(len(names), 3)
    if _DECISION.search(sentence):
        score += 0.25
    return score


def _overlap(a: set[str], b: set[str]) -> float:
    return len(a & b) / (min(len(a), len(b)) or 1)


def summarise_text(title: str, text: str) -> Summary:
    """Key points and verified quotes of one article (pure, synchronous)."""
    sentences = split_sentences(text)
    points = rank_key_points(title, text, sentences)
    quotes, dropped = verify_quotes(extract_quotes(text, sentences), text)
    return Summary(
        key_points=tuple(points),
        quotes=tuple(quotes),
        summariser="offline",
        prompt_version=OFFLINE_VERSION,
        dropped_quotes=dropped,
    )


class OfflineSummariser:
    """The Summariser used when no LLM is configured (and when the LLM fails)."""

    name = "offline"
    prompt_version = OFFLINE_VERSION

    def __init__(self, cpu: CPU | None = None) -> None:
        self.cpu = cpu or CPU()

    async def summarise(self, *, title: str, text: str) -> Summary:
        """Summarise one article (off the event loop); never fails on odd input, never calls
        out."""
        return await self.cpu.run(summarise_text, title, text)


__all__ = ["OFFLINE_VERSION", "OfflineSummariser", "rank_key_points", "summarise_text"]
