"""Who holds a role a sentence names without naming the person ("Cindral's chairman was
blunter. “…,” he said."), read from the other sentences of the same passage ("Desmond Aukett,
who has chaired Cindral since 2021, said …"): pure, over the passage's own words.

A holder is given only when exactly one person of the passage is named next to that role;
two (a chairman here, another firm's chairman there) give none, so a "who" answer is never
given to the wrong person.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from functools import lru_cache
from itertools import pairwise

from bot.answer.sentences import stems
from bot.summarise.attribution.names import FEMALE, MALE, UNISEX, fold

_FIRST_NAMES = FEMALE | MALE | UNISEX
# The offices news names people by, each as one key: "chaired", "chairman", "chairwoman" are
# one office; a finance chief is not the chief executive.
_OFFICE_PATTERNS = {
    "cfo": r"(?:finance|financial) (?:chief|director|officer)|chief financial officer|cfo",
    "ceo": r"chief executive|ceo|managing director",
    "chair": r"chair\w*",
    "spokes": r"spokes\w*",
    "minister": r"ministers?",
    "president": r"presidents?",
    "director": r"director",
    "founder": r"founders?|co-founders?",
    "leader": r"leaders?",
    "secretary": r"secretary",
    "governor": r"governors?",
    "mayor": r"mayors?",
    "commissioner": r"commissioners?",
}
_OFFICE = re.compile(
    "|".join(rf"(?P<{key}>\b(?:{pattern})\b)" for key, pattern in _OFFICE_PATTERNS.items()),
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W\d_][\w'’-]*")
_CAPITALISED = re.compile(r"\b[A-Z][\w'’-]+")
# "Cindral’s chairman", "Merrow's chief executive": whose office
_OWNED = re.compile(
    r"\b([A-Z][\w-]+)(?:’s|'s)\s+(?:[a-z-]+\s+)?(?=" + "|".join(_OFFICE_PATTERNS.values()) + ")",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def offices(sentence: str) -> frozenset[str]:
    """The offices a sentence names ("the chairman" -> {"chair"}); cached, as one article's
    sentences are read for each of its sentences that names an office alone."""
    return frozenset(m.lastgroup for m in _OFFICE.finditer(sentence) if m.lastgroup)


@lru_cache(maxsize=4096)
def people(sentence: str) -> frozenset[str]:
    """The people a sentence names in full, by a known first name ("Desmond Aukett")."""
    words = list(_CAPITALISED.finditer(sentence))
    return frozenset(
        f"{a.group()} {b.group()}".removesuffix("’s").removesuffix("'s")
        for a, b in pairwise(words)
        if fold(a.group()) in _FIRST_NAMES and not sentence[a.end() : b.start()].strip()
    )


def owner(sentence: str) -> str:
    """The organisation whose office a sentence names ("Cindral’s chairman" -> "cindral"),
    or ""."""
    m = _OWNED.search(sentence)
    return fold(m.group(1)) if m else ""


def holder_sentence(sentences: Sequence[str], own: str, text: str) -> str:
    """The sentence of the article that names who holds the office `text` speaks of without
    naming anyone ("Cindral's chairman was blunter. “…,” he said."), or "" when the text names
    someone, names no office, or the article names no one, or several people, in that office
    (of that organisation, when the text says whose: "Halden's chairman" is not Merrow's).
    `own`: the sentence itself, among `sentences`."""
    wanted = offices(text)
    if not wanted or people(text):
        return ""
    org = owner(text)
    found: dict[str, str] = {}
    for sentence in sentences:
        if sentence == own or not wanted & offices(sentence):
            continue
        named = {fold(w).removesuffix("'s").removesuffix("’s") for w in _WORD.findall(sentence)}
        if org and org not in named:
            continue
        for person in people(sentence):
            found.setdefault(person.split()[-1], sentence)
    return next(iter(found.values())) if len(found) == 1 else ""


def office_holders(sentences: Sequence[str], role: str) -> set[str]:
    """The surnames (folded) of the people the sentences name in the office a role names,
    said in its own words ("Kestria's finance minister": a sentence saying "finance" and
    "minister"; "Rydo's boss": whoever a sentence calls chief executive, not its finance
    chief)."""
    wanted = offices(role) | ({"ceo"} if _BOSS.search(role) else set())
    words = stems(" ".join(w for w in role.split() if not w[:1].isupper())) - {"the", "a"}
    return {
        fold(person.split()[-1])
        for sentence in sentences
        if wanted & offices(sentence) and words <= stems(sentence)
        for person in people(sentence)
    }


_BOSS = re.compile(r"\b(?:boss|head|leader)\b", re.IGNORECASE)
