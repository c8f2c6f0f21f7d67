"""Speakers tied to their quotations: a model may quote an article correctly and still put a
famous name on words that person never said. A model's speaker is kept only where the parse
agrees (pure; the parse is computed by the caller, off the event loop).

- The parse attributes that very quotation to someone with confidence: that speaker is shown,
  whatever the model said (the parse's fullest form of the name).
- The parse is unsure: the model's speaker is kept only if it is the person the parse itself
  found as the subject of a speech verb for that quotation (its candidate below the bar).
- Otherwise, and for a quotation the parse did not find at all: no speaker.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.models import Quote
from bot.summarise.attribution import Attribution
from bot.text.match import quote_needle

_HONORIFICS = frozenset("mr mrs ms miss dr prof sir dame president minister".split())
_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")


def _needle(text: str) -> str:
    return quote_needle(text).strip(".;:").casefold()


def _words(name: str) -> list[str]:
    return [m.group(0).casefold() for m in _WORD.finditer(name)]


def same_person(a: str, b: str) -> bool:
    """Whether two ways of writing a name are one person ("Okafor", "Ms Adaeze Okafor")."""
    x = [w for w in _words(a) if w not in _HONORIFICS]
    y = [w for w in _words(b) if w not in _HONORIFICS]
    if not x or not y or x[-1] != y[-1]:
        return False
    return set(x) <= set(y) or set(y) <= set(x)


def _attribution_of(quote: str, attributions: Sequence[Attribution]) -> Attribution | None:
    needle = _needle(quote)
    if not needle:
        return None
    for a in attributions:
        found = _needle(a.text)
        if needle in found or (found and found in needle):
            return a
    return None


def tie_speakers(quotes: Sequence[Quote], attributions: Sequence[Attribution]) -> list[Quote]:
    """The quotes with each speaker replaced by what the parse supports (see the module)."""
    tied: list[Quote] = []
    for quote in quotes:
        parse = _attribution_of(quote.text, attributions)
        speaker: str | None = None
        if parse is not None:
            if parse.speaker is not None:
                speaker = parse.speaker
            elif (
                quote.speaker
                and parse.candidate is not None
                and same_person(quote.speaker, parse.candidate)
            ):
                speaker = parse.candidate
        tied.append(Quote(quote.text, speaker, quote.sentence_id))
    return tied
