"""The words of a question that retrieval matches, and whether a passage covers them: pure
functions of text (the evidence rules, which judge sentences, live in evidence.py)."""

from __future__ import annotations

import math
import re
from collections.abc import Sequence

from bot.answer.wording import fold_phrases
from bot.store.search import PassageHit

STOP = frozenset(
    """a an the and or but of to in on at for with by from as is are was were be been being
    has have had do does did it its this that these those he she they we you i me my his her
    their our your what which who whom whose when where why how will would could should can
    may might must about into over after before since than then there here so if not no any
    all some more most say said says tell told latest newest recent recently today yesterday
    week last past days day now currently exactly please also just did does happen happened
    monday tuesday wednesday thursday friday saturday sunday""".split()
)
WORD = re.compile(r"[^\W_]+", re.UNICODE)


def content_terms(text: str) -> list[str]:
    """The words of a question that retrieval should match (stopwords dropped)."""
    seen: dict[str, None] = {}
    words = WORD.findall(fold_phrases(text))  # "down tools": "strike"
    for i, word in enumerate(words):
        low = word.casefold().replace("’", "'").removesuffix("'s")
        if i and words[i - 1].casefold() == "how":
            continue  # "how much", "how long": the kind of answer, not what it is about
        if low not in STOP and (len(low) > 2 or low.isdigit()):
            seen.setdefault(low, None)
    return list(seen)


def _stem(word: str) -> str:
    return word.casefold()[:5]


def coverage(terms: Sequence[str], hit: PassageHit) -> float:
    """The share of the question's terms found in a passage (or its title)."""
    if not terms:
        return 0.0
    found = {_stem(w) for w in WORD.findall(f"{hit.title} {hit.text}")}
    return sum(1 for t in terms if _stem(t) in found) / len(terms)


def named_terms(question: str) -> list[str]:
    """Capitalised words after the first (names, places): a passage must contain them all."""
    words = WORD.findall(question)[1:]
    return [w.casefold() for w in words if w[:1].isupper() and w.casefold() not in STOP]


def enough(terms: Sequence[str], hit: PassageHit, names: Sequence[str] = ()) -> bool:
    """Whether a passage covers enough of the question to answer from it: most of its terms,
    and every name it mentions."""
    needed = max(1, math.ceil(0.6 * len(terms)))
    if round(coverage(terms, hit) * len(terms)) < needed:
        return False
    return not names or coverage(names, hit) == 1.0
