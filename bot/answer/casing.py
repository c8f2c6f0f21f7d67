"""A question typed in lower case, with its names capitalised as the coverage writes them
("how did velmar's shares do?" -> "how did Velmar's shares do?"): pure.

The answer rules know a name by its capital ("every name of the question must be in the
passage"), and readers in a chat seldom type capitals. A word is taken for a name only when
the coverage writes it capitalised inside sentences and never in lower case; months, days and
acronyms are left as typed.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from bot.answer.sayings import CALENDAR
from bot.answer.sentences import STOPWORDS

_WORD = re.compile(r"[^\W\d_][\w’'-]*")
# where a sentence starts: a capital there says nothing of whether the word is a name
_OPENING = re.compile(r"(?:^|[.!?:;]\s+|[\n“\"‘(–—-]\s*)$")


def candidates(question: str) -> list[str]:
    """The lower-case words of a question that might be names typed without their capital."""
    seen: dict[str, None] = {}
    for m in _WORD.finditer(question):
        word = _base(m.group(0))
        if word.islower() and len(word) >= 3 and word not in STOPWORDS and word not in CALENDAR:
            seen[word] = None
    return list(seen)


def recased(question: str, texts: Iterable[str]) -> str:
    """The question with each lower-case word the texts only write capitalised, mid-sentence,
    capitalised as they write it (at least twice, never in lower case)."""
    wanted = set(candidates(question))
    if not wanted:
        return question
    capital: Counter[str] = Counter()
    lower: set[str] = set()
    for text in texts:
        for m in _WORD.finditer(text):
            word = _base(m.group(0))
            low = word.casefold()
            if low not in wanted:
                continue
            if word == low:
                lower.add(low)
            elif word == word.capitalize() and not _OPENING.search(
                text[max(0, m.start() - 3) : m.start()]
            ):
                capital[low] += 1
    names = {w for w, n in capital.items() if n >= 2 and w not in lower}
    if not names:
        return question
    return _WORD.sub(
        lambda m: (
            m.group(0)[:1].upper() + m.group(0)[1:] if _base(m.group(0)) in names else m.group(0)
        ),
        question,
    )


def _base(word: str) -> str:
    """A word without its possessive ending ("velmar's" -> "velmar")."""
    for ending in ("'s", "’s", "'", "’"):
        if word.endswith(ending):
            return word[: -len(ending)]
    return word
