"""The one grounding check for every sentence a language model writes (key points, story
headlines, answers). Pure; it must not depend on the model behaving.

A sentence is kept only if, against the texts it cites:
1. every figure, every capitalised name, every URL, e-mail address, domain or @handle in it
   appears in them (attacker text rarely can: a phishing host, a made-up name, a number);
2. its content words are supported by them (`SUPPORT` of its word stems, well above the half
   that mixed-in attacker text reaches);
3. it tells the reader to do nothing (log in, click, confirm, send, reply with …, "your
   password") that the cited texts do not say themselves.
Anything else is dropped by the caller and replaced by extractive text.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.text.safe import defang

# Chosen on tests/fixtures/grounding.json: honest paraphrases of their sources keep at least
# 0.75 of their stems; attacker sentences built from an article's words reach 0.5-0.7.
SUPPORT = 0.7

_WORD = re.compile(r"[^\W_]+(?:['’][^\W_]+)?")
_STOP = frozenset(
    """a an the and or but of to in on at for with by from as is are was were be been being has
    have had do does did it its this that these those he she they we you i his her their our
    your my not no nor also over after before into about than then there here which who whom
    whose what when where why how all any some more most such so if while will would could
    should can may might must shall said says say told tells according just only very much many
    up out off again further once both each few other own same too s t""".split()
)
# Figures: 3.3, 12,000, 40%, $2bn … compared without separators.
_NUMBER = re.compile(r"\d+(?:[.,]\d+)*")
# Names: a capitalised word that does not open the sentence (or an acronym anywhere).
_CAPITALISED = re.compile(r"(?<![\w'’])([A-Z][\w'’-]*)")
_LINKISH = re.compile(
    r"(?:[a-z][a-z0-9+.-]*://|www\.)\S+"  # a URL with a scheme, or www.
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # an e-mail address
    r"|(?<![\w@])@\w[\w.-]*"  # a handle
    r"|\b(?:[a-z0-9](?:[a-z0-9-]*[a-z0-9])?\.)+[a-z]{2,24}\b(?:/\S*)?",  # a bare domain
    re.IGNORECASE,
)
_OPENERS = frozenset(
    """the a an this that these those it its he she they we i there here but and or so yet
    in on at for from with by after before during while when if as however meanwhile still
    also then now some many most several all both each no not one two three""".split()
)
# What a model that obeys an injection tells the reader to do.
_TO_THE_READER = re.compile(
    r"\b(?:please|log\s*(?:in|on)|sign\s*(?:in|on|up)|click|tap|visit|go\s+to|head\s+to|"
    r"navigate|open\s+(?:the|this)\s+link|confirm|verify|re-?enter|enter\s+your|reset\s+your|"
    r"update\s+your|send\s+(?:us|your|it|them|me)|reply\s+with|respond\s+with|dm\s+(?:us|me)|"
    r"download|install|call\s+(?:us|this|the\s+number)|contact\s+(?:us|support)|"
    r"your\s+(?:password|credentials|login|account|workspace|token|api\s+key|code|details)|"
    r"you\s+(?:should|must|need\s+to|have\s+to|can\s+now))\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Grounding:
    """Whether a sentence may be shown, and if not, why (for logs and measurements)."""

    ok: bool
    reason: str = ""
    support: float = 1.0


def stem(word: str) -> str:
    """A crude stem (the first six letters, case folded): "agreed" meets "agreement"."""
    return word.casefold()[:6]


def content_stems(text: str) -> set[str]:
    return {stem(w) for w in _WORD.findall(text) if w.casefold() not in _STOP}


def _numbers(text: str) -> set[str]:
    return {re.sub(r"[.,]", "", n).lstrip("0") or "0" for n in _NUMBER.findall(text)}


def _names(sentence: str) -> set[str]:
    names: set[str] = set()
    for match in _CAPITALISED.finditer(sentence):
        word = match.group(1).rstrip("'’")
        before = sentence[: match.start()].rstrip(" \t\"“‘'([")
        opens = not before or before[-1] in ".!?:;…—–-"
        if opens and (word.casefold() in _OPENERS or not word.isupper()):
            continue  # the sentence's first word is capitalised anyway
        names.add(word.casefold())
    return names


def _initialisms(text: str) -> set[str]:
    """ "eu" for "European Union", "us" for "United States": the initials of runs of
    capitalised words (small words such as "of" skipped), as an acronym may stand for them."""
    found: set[str] = set()
    run: list[str] = []
    for word in [*_WORD.findall(text), "."]:
        if word[:1].isupper():
            run.append(word[0].casefold())
            continue
        if word.casefold() in ("of", "and", "for", "the") and run:
            continue
        for i in range(len(run)):
            for j in range(i + 2, min(len(run), i + 6) + 1):
                found.add("".join(run[i:j]))
        run = []
    return found


def links(text: str) -> list[str]:
    """URL-like strings: URLs, www. and bare domains, e-mail addresses, @handles."""
    return [m.group(0).rstrip(".,;:!?)]}'\"”’") for m in _LINKISH.finditer(text)]


def support(sentence: str, sources: Sequence[str]) -> float:
    """The share of the sentence's content stems found in the sources (1.0 for none)."""
    words = content_stems(sentence)
    if not words:
        return 1.0
    found = set().union(*(content_stems(s) for s in sources)) if sources else set()
    return len(words & found) / len(words)


def grounded(sentence: str, sources: Sequence[str], *, threshold: float = SUPPORT) -> Grounding:
    """Whether a model's sentence is grounded in the texts it cites (see the module)."""
    if not sources:
        return Grounding(False, "cites nothing it was given", 0.0)
    joined = " ".join(" ".join(s.split()) for s in sources)
    folded = joined.casefold()
    for link in links(sentence):
        if link.casefold() not in folded:
            # the reason is logged: it must not carry the link itself, live
            return Grounding(False, f"a link or address the sources do not contain: {defang(link)}")
    missing_numbers = _numbers(sentence) - _numbers(joined)
    if missing_numbers:
        return Grounding(False, f"a figure the sources do not give: {sorted(missing_numbers)[0]}")
    source_words = {w.casefold().rstrip("'’") for w in _WORD.findall(joined)}
    source_stems = {stem(w) for w in source_words}
    initials = _initialisms(joined)
    for name in sorted(_names(sentence)):
        if name in source_words or name in folded or name in initials:
            continue
        if len(name) > 4 and stem(name) in source_stems:
            continue  # "European" for "Europe", "Alumeta's" for "Alumeta"
        return Grounding(False, f"a name the sources do not contain: {name}")
    for match in _TO_THE_READER.finditer(sentence):
        phrase = " ".join(match.group(0).casefold().split())
        if phrase not in " ".join(folded.split()):
            return Grounding(False, f"tells the reader to do something: {phrase}")
    share = support(sentence, sources)
    if share < threshold:
        return Grounding(False, f"words the sources do not support ({share:.0%})", share)
    return Grounding(True, "", share)
