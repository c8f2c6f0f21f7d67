"""Follow-up questions read with the conversation they follow: pure functions of text.

"And Corvex's?" after "How far did Heliant's shares fall?" is the earlier question about
Corvex; "What did he say about the deadline?" asks about the person the last answer named;
"What strings are attached to it?" is about what the last question was about. The engine asks
the resolved question and shows which earlier question it was read with.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from bot.answer.changed import asks_what_changed
from bot.answer.sentences import read_question, stem, stems
from bot.summarise.attribution.names import FEMALE, MALE, fold

_PRONOUN = re.compile(
    r"\b(he|she|they|him|her|them|his|their|hers|theirs|that|it|its|this|those|these|one|"
    r"after that|the other side)\b",
    re.IGNORECASE,
)
# "the money", "the plant": something already spoken of (a question naming no one new)
_DEFINITE = re.compile(r"\b(?:the|that|this)\s+([a-z][\w'’-]*)")
_BARE_PRONOUN = re.compile(r"\b(he|she|they|him|her|them|it)\b", re.IGNORECASE)
_LOOK_BACK = 3  # exchanges a definite "the money" may name the subject of
_PERSON_PRONOUN = re.compile(r"\b(he|she|him|her)\b", re.IGNORECASE)
_AND = re.compile(r"^\s*(?:and|what about|how about)\b[\s,]*(.*?)[\s?.!]*$", re.IGNORECASE)
# "Over what timeframe?", "By when?", "Since when?", "How much?": no subject of its own
_ELLIPSIS = re.compile(
    r"^\s*(?:(?:over|in|within|by|since|until|for|from|at) )?(?:what|which|when|how|where|why)"
    r"(?: (?:timeframe|time frame|period|time|date|price|rate|much|many|long|soon|often))?"
    r"[\s?.!]*$",
    re.IGNORECASE,
)
# "So is the walkout off?", "Then when will they sign?": a question drawn from the last answer.
_SO = re.compile(r"^\s*(?:so|then|but)\b[\s,]*", re.IGNORECASE)
# "How did the Union respond?", "What was the reaction?": a reaction to what was just said.
_REACTION = re.compile(
    r"\b(?:respond|react|reply|answer|hit back|push back)(?:s|ed|ing)?\??$"
    r"|\b(?:response|reaction|reply|answer)\b(?!\s+(?:to|on|over)\b)",
    re.IGNORECASE,
)
# A capitalised name of one or more words, possibly possessive ("Corvex's", "Sabine Ostrova").
_NAME = re.compile(r"\b[A-Z][\w'’-]*(?:\s+[A-Z][\w'’-]*)*")
_FULL_NAME = re.compile(r"\b[A-Z][a-zà-ÿ'’-]+\s+[A-Z][a-zà-ÿ'’-]+\b")
_NOT_NAMES = frozenset(
    "And What Who How When Where Why Which Is Are Did Does Do Has Have The A An In On At".split()
)


# Words that open a short question without naming anyone ("Anyone hurt?", "Any deaths?")
_OPENERS = frozenset(
    "Any Anyone Anybody Anything Someone Has Have Had Did Does Do Is Are Was Were Will Can "
    "Could Would Should".split()
)


@dataclass(frozen=True, slots=True)
class FollowUp:
    """How a question reads in its conversation."""

    question: str  # the question to answer (the original when it stands on its own)
    follows: str | None  # the earlier question it was read with, if any
    context: str = ""  # words of the earlier exchange to keep the answer on its subject


def _names(text: str) -> list[str]:
    found = []
    for m in _NAME.finditer(text):
        words = [w for w in m.group(0).split() if w not in _NOT_NAMES]
        if words:
            found.append(" ".join(words))
    return found


def resolve(question: str, asked: Sequence[str], answered: Sequence[str]) -> FollowUp:
    """The question as it reads after the user's earlier questions (`asked`, oldest first) and
    the answers given (`answered`)."""
    if not asked:
        return FollowUp(question, None)
    previous = asked[-1]
    last_answer = answered[-1] if answered else ""
    m = _AND.match(question)
    if m is not None and len(m.group(1).split()) <= 4:
        rest = m.group(1)
        new_names = _names(rest)
        old_names = _names(previous)
        if new_names and old_names:
            # "And Corvex's?": the earlier question about someone else.
            old = old_names[0]
            new = rest.strip() if len(rest.split()) <= 3 else new_names[0]
            if new.endswith(("'s", "’s")) and not old.endswith(("'s", "’s")):
                new = new[:-2]
            if old.endswith(("'s", "’s")) and not new.endswith(("'s", "’s")):
                new += "'s"
            return FollowUp(previous.replace(old, new, 1), previous)
        return FollowUp(question, previous, previous)
    pronoun = _PERSON_PRONOUN.search(question)
    if pronoun:
        person = _meant(pronoun.group(0), previous, last_answer)
        if person:
            # "And what did he say …?": the person the last question (or answer) named.
            plain = re.sub(r"^\s*(?:and|but|so)\s+", "", question, flags=re.IGNORECASE)
            plain = plain[:1].upper() + plain[1:]
            return FollowUp(_PERSON_PRONOUN.sub(person, plain, count=1), previous, previous)
    if _PRONOUN.search(question) or _SO.match(question) or _REACTION.search(question.strip()):
        # "What strings are attached to it?", "So is the walkout off?": on what came before
        # (after an overview, on the development of it the question picks).
        told = _picked(question, last_answer) if asks_what_changed(previous) else ""
        return FollowUp(question, previous, f"{previous} {told or _first_sentence(last_answer)}")
    heads = {stem(h) for h in _DEFINITE.findall(question)}
    if heads and not _names(question[1:]):
        # "What conditions come with the money?" after "What's new at Tarrow?", "So until
        # when does the plant stay open?" after an answer about the plant: on that subject,
        # which may be an exchange or two back ("the money" after a question on the strike).
        turns = list(zip(asked, [*answered, *[""] * (len(asked) - len(answered))], strict=True))
        recent = turns[-_LOOK_BACK:][::-1]
        # the latest exchange that names the thing; else the latest overview ("What's new at
        # Tarrow?"), since a question after one picks a thing from it
        on_it = next((t for t in recent if heads & stems(f"{t[0]} {t[1]}")), None)
        on_it = on_it or next((t for t in recent if asks_what_changed(t[0])), None)
        if on_it is not None:
            earlier, answer = on_it
            return FollowUp(question, earlier, f"{earlier} {_first_sentence(answer)}")
    # "Anyone hurt?", "Any deaths?": a question of three words or fewer, naming no one, asks on
    # the subject of the exchange before
    short = len(question.split()) <= 3 and not [n for n in _names(question) if n not in _OPENERS]
    if m is not None or _ELLIPSIS.match(question) or short:
        # "And what's Kestria's total output?": a question of its own, on the same subject;
        # "Over what timeframe?", "By when?": a question that only says what kind of answer
        return FollowUp(question, previous, f"{previous} {_first_sentence(last_answer)}")
    return FollowUp(question, None)


def unresolved(question: str) -> bool:
    """Whether a question asked outside any conversation says too little beside its pronouns
    to know what it is about ("When are they signing it?")."""
    return bool(_BARE_PRONOUN.search(question)) and len(read_question(question).terms) <= 1


def _meant(pronoun: str, previous: str, answer: str) -> str | None:
    """The person a "he" or "she" stands for: one the last question named, else one its answer
    named; never one whose first name or pronoun in the answer says the other gender ("he"
    after an answer naming Sabine Ostrova first). After "Who heads the Union's team?", the
    person the answer names in the question's words ("the Union's chief negotiator Mateo
    Carvell") before others it names along the way."""
    wanted = "f" if pronoun.casefold() in ("she", "her") else "m"
    for text in (previous, answer):
        genders = {p: _gender(p, answer) for p in _people(text)}
        people = [p for p, g in genders.items() if g in (None, wanted)]
        if not people:
            continue
        if text is answer and _WHO.match(previous):
            asked = stems(previous)
            return max(
                people, key=lambda p: (len(asked & stems(_before(p, answer))), -people.index(p))
            )
        known = [p for p in people if genders[p] == wanted]
        return (known or people)[0]
    return None


_WHO = re.compile(r"^\s*(?:and\s+)?who\b", re.IGNORECASE)


def _before(person: str, text: str) -> str:
    """The few words before a name's first mention (its title: "the Union's chief negotiator")."""
    at = text.find(person)
    return " ".join(text[:at].split()[-5:]) if at >= 0 else ""


def _gender(person: str, text: str) -> str | None:
    """ "f", "m" or None: from a first name that is only given to one, else from the first he or
    she after the name in `text` before another person is named."""
    first = fold(person.split()[0])
    if first in FEMALE:
        return "f"
    if first in MALE:
        return "m"
    at = text.find(person)
    if at < 0:
        return None
    after = text[at + len(person) :]
    cut = _FULL_NAME.search(after)
    m = re.search(r"\b(he|his|him|she|her)\b", after[: cut.start() if cut else 400][:400])
    if m is None:
        return None
    return "f" if m.group(1) in ("she", "her") else "m"


def _people(text: str) -> list[str]:
    """Full names of people (two capitalised words, neither a sentence opener nor possessive)."""
    return [
        m.group(0)
        for m in _FULL_NAME.finditer(text)
        if not any(w in _NOT_NAMES or w.endswith(("'s", "’s")) for w in m.group(0).split())
    ]


def _picked(question: str, answer: str) -> str:
    """The sentence of an overview answer ("What's new since yesterday?") a follow-up picks
    ("And steel beyond that volume, what rate will it pay?": the one on steel); empty when
    none shares a word with it."""
    if "[1]" not in answer:
        return ""
    asked = set(read_question(question).terms)
    told = [t for t in re.split(r"(?<=\])\s+", answer.strip()) if t]
    best = max(told, key=lambda t: len(asked & stems(t)), default="")
    return _DATELINE.sub("", best) if asked & stems(best) else ""


def _first_sentence(text: str) -> str:
    """The first sentence of an answer; nothing of a refusal (it cites nothing), which says
    nothing of the subject."""
    if "[1]" not in text:
        return ""
    first = re.split(r"(?<=[.!?])\s+", text.strip(), maxsplit=1)[0]
    return _DATELINE.sub("", first)  # "TARROW, Kestria, Nov 23 (Meridian Wire) – " says nothing


# A wire story's dateline: "ORVANE, Nov 23 (Meridian Wire) – ", "LUNDE (Nordic Press) - "
_DATELINE = re.compile(
    r"^\s*[A-Z][A-Z'’ .-]{2,}(?:,[^()–—\n]{1,40}?)?(?:\s*\([^)]{1,40}\))?\s*[–—-]{1,2}\s+"
)
