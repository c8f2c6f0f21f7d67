"""The people an article names: full names, the titles seen with them, their gender when
something in the text says it, and every place they are mentioned.

Names come from the model's PERSON entities, with two backups for what the small model
misses: a run of capitalised words that starts with a known first name (or an honorific),
and a lone word that is the surname of someone already named (the model often tags it ORG).
A surname alone maps to the fullest form of the name seen. It must not decide who speaks.
"""

from __future__ import annotations

from bisect import bisect_left
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from bot.summarise.attribution.names import (
    FEMALE,
    FIRST_NAMES,
    HONORIFIC_GENDER,
    MALE,
    NAME_PREFIXES,
    PARTICLES,
    fold,
)
from bot.summarise.attribution.roles import GENDERED, INSTITUTION_WORDS, ROLES
from bot.summarise.attribution.tags import lemma

if TYPE_CHECKING:
    from spacy.tokens import Token

    from bot.summarise.attribution.article import Article

_MAX_WORDS = 4
# First names that are also common words: no backup name starts a sentence with them.
_COMMON = frozenset("will may mark bill grace hope joy faith rose june april august".split())
_DASHES = "-'’."


@dataclass(slots=True)
class Person:
    words: list[str]
    titles: set[str] = field(default_factory=set)
    votes: set[str] = field(default_factory=set)  # "f"/"m" from honorifics, roles, names
    certain: bool = False  # named in full, or with an honorific or a title, somewhere

    @property
    def name(self) -> str:
        return " ".join(self.words)


@dataclass(frozen=True, slots=True)
class Mention:
    at: int
    end: int
    person: int
    quoted: bool  # inside a quotation: spoken about, not speaking


@dataclass(slots=True)
class _Raw:
    at: int
    end: int
    words: list[str]
    titles: set[str]
    gender: str | None


def _wordlike(text: str) -> bool:
    bare = text.strip(_DASHES)
    return bool(bare) and all(c.isalpha() or c in _DASHES for c in text)


def _capitalised(token: Token) -> bool:
    return token.text[:1].isupper() and _wordlike(token.text)


def _plausible(words: list[str]) -> bool:
    if not 1 <= len(words) <= _MAX_WORDS:
        return False
    for word in words:
        low = fold(word).rstrip(".")
        if low in INSTITUTION_WORDS or (low in ROLES and low not in FIRST_NAMES):
            return False
        if len(word) > 2 and word.isupper():  # NATO, BRUSSELS
            return False
        if not (_wordlike(word) or low in PARTICLES):
            return False
    return words[-1][:1].isupper()


def _is_role(token: Token) -> bool:
    return fold(lemma(token)) in ROLES or fold(token.text) in ROLES


def _acts_as_person(root: Token) -> bool:
    """Whether a name-like entity is used as a person: given a role by apposition or a
    title before it, or the subject of a speech verb."""
    from bot.summarise.attribution.clause import is_speech

    if root.dep_ == "appos" and _is_role(root.head):
        return True  # "its regional secretary, Nkechi Obi"
    if any(c.dep_ == "appos" and _is_role(c) for c in root.children):
        return True  # "Mireille Dubois, director of the league"
    first = root.left_edge
    if first.i > 0 and _is_role(root.doc[first.i - 1]):
        return True  # "union official Gwilym Price"
    return root.dep_ == "nsubj" and is_speech(root.head)


def _role_words(token: Token) -> set[str]:
    """Role nouns in a title phrase: "the EU trade commissioner" → {"commissioner"}."""
    found: set[str] = set()
    for t in [token, *(c for c in token.children if c.dep_ in ("compound", "amod", "nmod"))]:
        for form in (fold(lemma(t)), fold(t.text)):
            if form in ROLES:
                found.add(form)
    return found


class People:
    """Everyone named in one article, built once from its parse."""

    def __init__(self, article: Article) -> None:
        self.article = article
        self.persons: list[Person] = []
        self.mentions: list[Mention] = []
        self._at_token: dict[int, int] = {}  # article offset of a token → person
        self._by_surname: dict[str, list[int]] = {}
        self._learned: dict[int, str] = {}
        raws = self._raw_names()
        singles: list[_Raw] = []
        assigned: list[tuple[_Raw, int]] = []
        for raw in raws:
            if len(raw.words) > 1:
                assigned.append((raw, self._merge(raw)))
            else:
                singles.append(raw)
        for raw in singles:
            pid = self._single(raw, assigned)
            if pid is not None:
                assigned.append((raw, pid))
        assigned.extend(self._surname_mentions(assigned))
        assigned.sort(key=lambda pair: pair[0].at)
        for raw, pid in assigned:
            person = self.persons[pid]
            person.titles |= raw.titles
            if raw.gender:
                person.votes.add(raw.gender)
            person.certain = person.certain or len(raw.words) > 1 or bool(raw.gender or raw.titles)
            self.mentions.append(Mention(raw.at, raw.end, pid, article.site_at(raw.at) is not None))
            for token in article.tokens_in(raw.at, raw.end):
                self._at_token[article.pos(token)] = pid
        for person in self.persons:
            first = fold(person.words[0]) if len(person.words) > 1 else ""
            if first in FEMALE:
                person.votes.add("f")
            elif first in MALE:
                person.votes.add("m")
            person.votes |= {GENDERED[t] for t in person.titles if t in GENDERED}
        self._mention_at = [m.at for m in self.mentions]

    # --- finding names -----------------------------------------------------------------------

    def _raw_names(self) -> list[_Raw]:
        raws: list[_Raw] = []
        places: set[str] = set()  # words the model calls a place or a body somewhere
        for doc in self.article.docs:
            taken: set[int] = set()
            for ent in doc.ents:
                if ent.label_ == "PERSON":
                    raw = self._from_tokens(list(ent))
                    if raw is not None:
                        raws.append(raw)
                        taken.update(range(ent.start, ent.end))
                elif len(ent) == 1 and ent.label_ in ("GPE", "LOC", "ORG", "NORP", "FAC"):
                    places.add(fold(ent.text))
                elif 2 <= len(ent) <= 3 and _acts_as_person(ent.root):
                    # The small model calls many names ORG: "union official Gwilym Price".
                    raw = self._from_tokens(list(ent))
                    if raw is not None:
                        raws.append(raw)
                        taken.update(range(ent.start, ent.end))
            for token in doc:
                if token.i in taken or not _capitalised(token):
                    continue
                low = fold(token.text).rstrip(".")
                honorific = low in HONORIFIC_GENDER or low in ("dr", "prof")
                if not honorific and (
                    low not in FIRST_NAMES or (token.is_sent_start and low in _COMMON)
                ):
                    continue
                run = self._run(token, honorific)
                if (honorific and run) or len(run) >= 2:
                    # "Ms Lindqvist", "Ilse Varga": a person even if the model missed it.
                    raw = self._from_tokens([token, *run] if honorific else run)
                    if raw is not None:
                        raws.append(raw)
                        taken.update(t.i for t in run)
        # A lone word the model once calls a person and elsewhere a place is a place.
        raws = [r for r in raws if len(r.words) > 1 or fold(r.words[0]) not in places]
        raws.sort(key=lambda r: r.at)
        return raws

    def _run(self, token: Token, honorific: bool) -> list[Token]:
        """Capitalised words from `token` on ("Jean-Baptiste Roussel"), or [] for a place."""
        doc = token.doc
        run: list[Token] = [] if honorific else [token]
        words = 0 if honorific else 1
        j = token.i + 1
        while j < len(doc) and words < 3:
            t = doc[j]
            if t.text in ("-", "‑") and not doc[j - 1].whitespace_ and not t.whitespace_:
                run.append(t)  # a hyphen inside one name
                j += 1
                continue
            if not _capitalised(t):
                break
            if fold(t.text) in INSTITUTION_WORDS:
                return []
            if not (run and run[-1].text in ("-", "‑")):
                words += 1
            run.append(t)
            j += 1
        while run and run[-1].text in ("-", "‑"):
            run.pop()
        return run

    def _from_tokens(self, tokens: list[Token]) -> _Raw | None:
        if not tokens:
            return None
        doc = tokens[0].doc
        article = self.article
        titles: set[str] = set()
        gender: str | None = None
        first = tokens[0].i
        # Titles and honorifics in front of the name, inside the entity or just before it.
        i = first - 1
        while i >= 0 and first - i <= 4:
            low = fold(doc[i].text).rstrip(".")
            if low not in NAME_PREFIXES and low not in ROLES:
                break
            first = i
            i -= 1
        words: list[Token] = [doc[k] for k in range(first, tokens[-1].i + 1)]
        while words and (
            fold(words[0].text).rstrip(".") in NAME_PREFIXES
            or fold(words[0].text) in ROLES
            or not words[0].text[:1].isupper()
        ):
            low = fold(words[0].text).rstrip(".")
            gender = HONORIFIC_GENDER.get(low, gender)
            if low in ROLES:
                titles.add(low)
            words.pop(0)
        while words and (
            words[-1].text in ("'s", "’s", "'", "’") or not words[-1].text[0].isalnum()
        ):
            words.pop()
        if not words:
            return None
        at = article.pos(words[0])
        end = article.pos(words[-1]) + len(words[-1].text)
        # Words as written, so "Jean-Baptiste" stays one word whatever the tokeniser did.
        texts = article.text[at:end].split()
        texts[-1] = texts[-1].removesuffix("'s").removesuffix("’s")
        if len(texts) >= 3 and fold(texts[0]) not in FIRST_NAMES and fold(texts[1]) in FIRST_NAMES:
            # "Librarian Carol Whitby": a job the lists do not know, before a first name.
            at += (
                len(texts[0])
                + len(article.text[at + len(texts[0]) : end])
                - len(article.text[at + len(texts[0]) : end].lstrip())
            )
            texts = texts[1:]
        if not _plausible(texts):
            return None
        root = words[-1]
        span = range(words[0].i, words[-1].i + 1)
        if root.dep_ == "appos" and root.head.i not in span:
            titles |= _role_words(root.head)  # "Its chair, Graham Pettifer"
        for child in root.children:
            if child.dep_ == "appos":
                titles |= _role_words(child)  # "Marta Kovalenko, the trade commissioner"
        for t in titles:
            gender = GENDERED.get(t, gender)
        return _Raw(at, end, texts, titles, gender)

    # --- merging forms of one name -----------------------------------------------------------

    def _merge(self, raw: _Raw) -> int:
        words = [fold(w) for w in raw.words]
        for pid in self._by_surname.get(words[-1], []):
            known = [fold(w) for w in self.persons[pid].words]
            if (
                known == words
                or known[-len(words) :] == words
                or words[-len(known) :] == known
                or (len(known) > 1 and known[0] == words[0])
            ):
                if len(raw.words) > len(self.persons[pid].words):
                    self.persons[pid].words = list(raw.words)  # the fullest form wins
                return pid
        self.persons.append(Person(list(raw.words)))
        pid = len(self.persons) - 1
        self._by_surname.setdefault(words[-1], []).append(pid)
        return pid

    def _single(self, raw: _Raw, assigned: list[tuple[_Raw, int]]) -> int | None:
        word = fold(raw.words[0])
        candidates = [
            pid for pid in self._by_surname.get(word, []) if len(self.persons[pid].words) > 1
        ]
        if not candidates:
            candidates = [
                pid
                for pid, p in enumerate(self.persons)
                if len(p.words) > 1 and fold(p.words[0]) == word
            ]
        if len(candidates) == 1:
            return candidates[0]
        if candidates:
            return None  # two people share the surname: a lone surname names neither for sure
        for pid, person in enumerate(self.persons):
            if len(person.words) == 1 and fold(person.words[0]) == word:
                return pid
        return self._merge(raw)

    def _surname_mentions(self, assigned: list[tuple[_Raw, int]]) -> list[tuple[_Raw, int]]:
        """Lone surnames the model did not tag as a person ("Kovalenko" as ORG)."""
        covered: set[int] = set()
        for raw, _ in assigned:
            covered.update(range(raw.at, raw.end))
        found: list[tuple[_Raw, int]] = []
        for token in self.article.tokens:
            at = self.article.pos(token)
            if at in covered or not _capitalised(token):
                continue
            word = fold(token.text)
            candidates = [
                pid for pid in self._by_surname.get(word, []) if len(self.persons[pid].words) > 1
            ]
            if len(candidates) == 1:  # shared by two people, a lone surname names neither
                raw = _Raw(at, at + len(token.text), [token.text], set(), None)
                found.append((raw, candidates[0]))
        return found

    # --- questions the rules ask -------------------------------------------------------------

    def at_token(self, token: Token) -> int | None:
        return self._at_token.get(self.article.pos(token))

    def name(self, pid: int) -> str:
        return self.persons[pid].name

    def gender(self, pid: int) -> str | None:
        votes = self.persons[pid].votes
        if len(votes) == 1:
            return next(iter(votes))
        if not votes:
            return self._learned.get(pid)
        return None  # contradictory evidence: say nothing

    def learn(self, pid: int, gender: str) -> None:
        """A pronoun settled on this person: later pronouns may use it."""
        if not self.persons[pid].votes:
            self._learned.setdefault(pid, gender)

    def between(self, start: int, end: int) -> list[Mention]:
        lo, hi = bisect_left(self._mention_at, start), bisect_left(self._mention_at, end)
        return self.mentions[lo:hi]

    def titled(self, role: str, before: int, floor: int) -> list[int]:
        """People with this title mentioned in [floor, before), most recent first."""
        seen: list[int] = []
        for mention in reversed(self.between(floor, before)):
            if mention.person not in seen and role in self.persons[mention.person].titles:
                seen.append(mention.person)
        return seen
