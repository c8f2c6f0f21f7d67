"""Quotation attribution on spaCy: for every quotation in a news article, who said it, or
None when unsure. A quote given to the wrong person is worse than no speaker, so every rule
carries a confidence and below ``CONFIDENCE_BAR`` the speaker is None.

    extract_quotes(text, sentences=None) -> list[Quote]   same contract as
                                                          the rule-based extract_quotes it replaced
    attribute(text) -> list[Attribution]                  offsets, confidence and the rule

The English model loads once per process, on first use, from an installed package; nothing
is downloaded. A missing model raises ``AttributionModelError`` (a ``ConfigError``). Apart
from that cached model the functions are pure: they never change the text, keep no state
between articles, and do no I/O.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Sequence

from bot.models import Quote, Sentence
from bot.summarise.attribution.core import CONFIDENCE_BAR, Attribution, analyse
from bot.summarise.attribution.model import AttributionModelError, load_pipeline

__all__ = [
    "CONFIDENCE_BAR",
    "Attribution",
    "AttributionModelError",
    "attribute",
    "extract_quotes",
    "load_pipeline",
]


def attribute(text: str) -> list[Attribution]:
    """Every quotation with its speaker (or None), confidence and the rule that decided."""
    return [attribution for _, attribution in analyse(text)]


def extract_quotes(text: str, sentences: Sequence[Sentence] | None = None) -> list[Quote]:
    """Quotes in order of appearance, each with its speaker or None; sentence ids when given.

    Every quote's text is an exact slice of ``text``.
    """
    found = analyse(text, sentences)
    if sentences is None:
        return [Quote(a.text, a.speaker) for _, a in found]
    known = list(sentences)
    starts = [s.start for s in known]
    quotes: list[Quote] = []
    for site, a in found:
        k = max(bisect_right(starts, site.open_at) - 1, 0)
        quotes.append(Quote(a.text, a.speaker, known[k].id if known else None))
    return quotes
