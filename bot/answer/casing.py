"""A question typed in lower case, with its names capitalised as the coverage writes them
("how did velmar's shares do?" -> "how did Velmar's shares do?"): pure.

The answer rules know a name by its capital ("every name of the question must be in the
passage"), and readers in a chat seldom type capitals. A word is taken for a name only when
the coverage writes it capitalised inside sentences and never in lower case; months, days and
acronyms are left as typed.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
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
    # A word the coverage capitalises only inside a longer name ("Stock" of "Sorvana Stock
    # Exchange") is a name in the question only beside another word of that name ("tallow bay")
    alone: set[str] = set()
    beside: dict[str, set[str]] = {}
    asked = {_base(m.group(0)).casefold() for m in _WORD.finditer(question)}
    forms: defaultdict[str, Counter[str]] = defaultdict(Counter)
    for text in texts:
        found = list(_WORD.finditer(text))
        for i, m in enumerate(found):
            word = _base(m.group(0))
            low = word.casefold()
            if low not in wanted:
                continue
            if word == low:
                lower.add(low)
            elif (
                word[:1].isupper()
                and not word.isupper()
                and not _OPENING.search(text[max(0, m.start() - 3) : m.start()])
            ):
                capital[low] += 1
                forms[low][word] += 1  # "FlurraPay" as written, inner capitals too
                run = _capitalised_neighbours(text, found, i)
                if run:
                    beside.setdefault(low, set()).update(run)
                else:
                    alone.add(low)
    names = {
        w
        for w, n in capital.items()
        if n >= 2 and w not in lower and (w in alone or beside.get(w, set()) & asked)
    }
    if not names:
        return question

    def written(m: re.Match[str]) -> str:
        word = _base(m.group(0))
        if word not in names:
            return m.group(0)
        return forms[word].most_common(1)[0][0] + m.group(0)[len(word) :]

    return _WORD.sub(written, question)


def _capitalised_neighbours(text: str, found: list[re.Match[str]], i: int) -> set[str]:
    """The capitalised words right before and after the i-th word, in the same name."""
    out = set()
    for left, right in ((i - 1, i), (i, i + 1)):
        if left < 0 or right >= len(found):
            continue
        other = found[left if right == i else right].group(0)
        gap = text[found[left].end() : found[right].start()].strip()
        if gap in ("", "&", "of", "de") and other[:1].isupper():
            out.add(_base(other).casefold())
    return out


def _base(word: str) -> str:
    """A word without its possessive ending ("velmar's" -> "velmar")."""
    for ending in ("'s", "’s", "'", "’"):
        if word.endswith(ending):
            return word[: -len(ending)]
    return word
