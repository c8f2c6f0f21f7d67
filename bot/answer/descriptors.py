"""Firms asked about by what they are rather than by name ("the steelmaker's boss", "Kestria's
biggest chipmaker", "the Castellmar toolmaker"): which firm the coverage means, read from how
it introduces firms ("Corvex Semiconductors, Kestria's biggest chipmaker, …") or from a name
that says what the firm makes ("Kaldor Steel" for "the steelmaker"). Pure functions of the
question and passage texts; the engine fetches the passages. When two firms fit as well as
each other, none is chosen: a guess would put words in the wrong mouth."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

# "the steelmaker", "Kestria's biggest chipmaker", "the Castellmar toolmaker": an optional
# owner or place, an optional superlative, then a -maker / producer / miner noun.
_DESCRIPTOR = re.compile(
    r"\b(?:(?:the|a|an)\s+)?(?:(?P<owner>[A-Z][\w-]+)(?:'s|’s)?\s+)?"
    r"(?:(?P<most>biggest|largest|main|leading|top|second-largest|smallest)\s+)?"
    r"(?P<noun>[a-z]+maker|[a-z]*producer|[a-z]*manufacturer|[a-z]*miner)s?\b"
)
# "<Name>, the Castellmar toolmaker" / "<Name>, Kestria's biggest chipmaker" /
# "<Name>, the Union's largest maker of chipmaking tools"
_INTRODUCED = re.compile(
    r"(?P<name>[A-Z][\w-]+(?: [A-Z][\w-]+){0,3}), (?:the |an? |[A-Z][\w-]+(?:'s|’s) )"
    r"(?P<what>[^,.;“”\"]{0,60}?)\b(?P<noun>[a-z]*maker|[a-z]*producer|[a-z]*manufacturer|"
    r"[a-z]*miner)s?\b(?P<of> of (?:[a-z-]+ ){0,2}[a-z-]+)?"
)
_NOT_FIRMS = ("Association", "Federation", "Union", "Guild", "Ministry", "Commission")


@dataclass(frozen=True, slots=True)
class Descriptor:
    phrase: str  # as written in the question ("the Castellmar toolmaker")
    noun: str  # "toolmaker"
    made: str  # what it makes, when the noun says it ("tool"); empty for "producer"
    owner: str  # a place or country named with it ("Castellmar", "Kestria"), or empty


def descriptor_in(question: str) -> Descriptor | None:
    """The first firm the question names by what it is, if any."""
    for m in _DESCRIPTOR.finditer(question):
        noun = m.group("noun").casefold()
        if noun in ("maker", "producer", "manufacturer", "miner") and not m.group("owner"):
            continue  # "the maker" alone says too little
        made = noun.removesuffix("maker") if noun.endswith("maker") and noun != "maker" else ""
        owner = m.group("owner") or ""
        if owner.casefold() in ("the", "a", "an"):
            owner = ""
        return Descriptor(m.group(0), noun, made, owner)
    return None


def search_words(d: Descriptor) -> list[str]:
    """Words that find the passages introducing such a firm."""
    return [w for w in (d.noun, d.made, f"{d.made}s" if d.made else "") if w]


def firm_described(d: Descriptor, texts: Iterable[str]) -> str | None:
    """The firm the coverage describes so ("Corvex Semiconductors"), or None when no firm, or
    more than one as well as each other, fits."""
    votes: Counter[str] = Counter()
    for text in texts:
        for m in _INTRODUCED.finditer(text):
            name = m.group("name")
            if name.endswith(_NOT_FIRMS):
                continue
            noun = m.group("noun").casefold()
            of = (m.group("of") or "").split()
            if noun == "maker" and of:  # "maker of chipmaking tools" -> toolmaker
                noun = of[-1].rstrip("s") + "maker"
            if noun != d.noun and noun.rstrip("s") != d.noun:
                continue
            described = f"{m.group(0)}"
            weight = 2 if d.owner and d.owner in described else 1
            votes[name] += weight
        if d.made:
            # "Kaldor Steel" is a steelmaker by its name
            for m in re.finditer(
                rf"\b([A-Z][\w-]+) {re.escape(d.made.capitalize())}s?\b(?! [A-Z])", text
            ):
                if m.group(1) not in ("The", "A", "An"):
                    votes[m.group(0)] += 1
    if not votes:
        return None
    ranked = votes.most_common(2)
    if len(ranked) > 1 and ranked[1][1] == ranked[0][1]:
        return None
    return ranked[0][0]


def named(question: str, d: Descriptor, firm: str) -> str:
    """The question with the firm's name in place of its description ("What's Kaldor's chief
    saying?"): its first word, which is how the coverage names it again ("Corvex
    Semiconductors" is "Corvex" after the first mention)."""
    return question.replace(d.phrase, firm.split()[0], 1)
