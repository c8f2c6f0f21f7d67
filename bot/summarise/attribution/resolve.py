"""Turns a subject into a speaker: a person's full name, an unnamed spokesperson's
description, or nobody — with a confidence.

Pronouns look, in order, at a subject earlier in the same sentence, the previous sentence's
subject, the most recent speakers and then recent names, keeping only people whose gender
fits (honorifics, first names, gendered role words, an earlier he/she for them); when the
gender is unknown and more than one person fits, nobody. An anonymous source nearer than any
named person also means nobody. "The minister" is the last person titled minister. This
module must not find verbs or quotes.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.summarise.attribution.roles import GENDERED
from bot.summarise.attribution.subjects import Ref, classify
from bot.summarise.attribution.tags import upos

if TYPE_CHECKING:
    from spacy.tokens import Token

    from bot.summarise.attribution.article import Article
    from bot.summarise.attribution.people import People

_RECENT_PARAGRAPHS = 2  # how far back "recent" speakers and names reach
_MAX_SPEAKERS = 6
_WINDOW = 400  # characters of a sentence searched for subjects
_ROLE_AHEAD = 300  # how far after "the director" its name may come
_DESCRIBED_REACH = 1500  # how far "the spokeswoman" reaches back to "a … spokeswoman"


@dataclass(frozen=True, slots=True)
class Resolution:
    """Who speaks (None: nobody, or nobody we can name), how sure, and why."""

    speaker: str | None
    person: int | None
    confidence: float
    reason: str


def nobody(reason: str, confidence: float = 0.9) -> Resolution:
    return Resolution(None, None, confidence, reason)


class Resolver:
    """Resolves subjects in reading order, remembering who has spoken so far."""

    def __init__(self, article: Article, people: People) -> None:
        self.article = article
        self.people = people
        self.speakers: list[tuple[int, int]] = []  # (offset, person), in reading order
        self._described: tuple[int, str] = (0, "")  # the last unnamed spokesperson
        self._earlier: dict[int, Resolution] = {}  # pronoun subjects already resolved

    def spoke(self, at: int, person: int) -> None:
        self.speakers.append((at, person))

    def resolve(self, ref: Ref, token: Token | None, at: int, first: int) -> Resolution:
        """`at`: where the subject is; `first`: where its quote (or its sentence) starts."""
        people = self.people
        if ref.kind == "person" and ref.person is not None:
            return Resolution(people.name(ref.person), ref.person, 1.0, "name")
        if ref.kind == "description":
            self._described = (at, ref.text)
            return Resolution(ref.text, None, 0.9, "unnamed spokesperson")
        if ref.kind == "role":
            return self._role(ref, at)
        if ref.kind == "pronoun" and token is not None:
            return self._pronoun(ref.word, token, at, first)
        if ref.kind == "anonymous":
            return nobody("anonymous source")
        if ref.kind == "thing":
            return nobody("not a person (organisation, document or outlet)")
        return nobody("unknown subject", 0.3)

    # --- roles -------------------------------------------------------------------------------

    def _role(self, ref: Ref, at: int) -> Resolution:
        titled = self.people.titled(ref.word, at, 0)
        if not titled:
            # "its director calls it …; The theatre's artistic director, Rupert Hallam, said":
            # named just after. Less sure.
            after = self.people.titled(ref.word, at + _ROLE_AHEAD, at)
            if len(after) == 1:
                return Resolution(self.people.name(after[0]), after[0], 0.6, f"the {ref.word}")
        if len(titled) == 1:
            return Resolution(self.people.name(titled[0]), titled[0], 0.85, f"the {ref.word}")
        if titled:
            return Resolution(
                self.people.name(titled[0]), titled[0], 0.5, f"the {ref.word} (several)"
            )
        if ref.text:
            # "a spokesperson for the commission said … the spokesperson added": the same one.
            last_at, last = self._described
            if last and at - last_at < _DESCRIBED_REACH:
                return Resolution(last, None, 0.8, "the same unnamed spokesperson")
            return Resolution(ref.text, None, 0.8, "unnamed spokesperson")
        return nobody(f"the {ref.word}: nobody named with that title")

    # --- pronouns ----------------------------------------------------------------------------

    def _names_someone(self, token: Token) -> bool:
        """Whether a token is the subject of its clause and any kind of person or source."""
        if token.dep_ not in ("nsubj", "nsubjpass") or self.article.quoted(token):
            return False
        return classify(self.article, self.people, token).kind not in ("thing", "unknown")

    def _full(self, person: int) -> bool:
        """A person named in full, or with an honorific or a title, somewhere: a lone word
        may be a place the model misread."""
        return self.people.persons[person].certain

    def _fits(self, person: int, gender: str) -> bool:
        return self.people.gender(person) in (None, gender)

    def _pronoun(self, word: str, token: Token, at: int, first: int, depth: int = 0) -> Resolution:
        if word == "they":
            return nobody("they: a group, or nobody in particular", 0.8)
        gender = "f" if word == "she" else "m"
        # a. A subject earlier in the same sentence.
        found = self._subjects_before(token, gender, True, first, depth)
        if found is not None:
            return found
        # b. The previous sentence's subject.
        found = self._subjects_before(token, gender, False, first, depth)
        if found is not None:
            return found
        floor = self.article.paragraphs[max(0, self.article.para_of(at) - _RECENT_PARAGRAPHS)][0]
        # c. The most recent speakers.
        recent: list[int] = []
        for pos, person in reversed(self.speakers):
            if pos < floor or len(recent) >= _MAX_SPEAKERS:
                break
            if pos < at and person not in recent and self._full(person):
                recent.append(person)
        found = self._pick(recent, gender, 0.75, 0.6, "recent speaker")
        if found is not None:
            return found
        # d. Recent names.
        names: list[int] = []
        for mention in reversed(self.people.between(floor, at)):
            if not mention.quoted and mention.person not in names and self._full(mention.person):
                names.append(mention.person)
        found = self._pick(names, gender, 0.65, 0.55, "recent name")
        if found is not None:
            return found
        return nobody(f"{word}: nobody fits", 0.5)

    def _pick(
        self, candidates: list[int], gender: str, sure: float, unsure: float, how: str
    ) -> Resolution | None:
        known = [p for p in candidates if self.people.gender(p) == gender]
        if len(known) == 1:
            return Resolution(self.people.name(known[0]), known[0], sure, how)
        if len(known) > 1:
            return nobody(f"{how}: several fit", 0.5)
        unknown = [p for p in candidates if self.people.gender(p) is None]
        if len(unknown) == 1:
            return Resolution(self.people.name(unknown[0]), unknown[0], unsure, how)
        if unknown:
            return nobody(f"{how}: several fit", 0.5)
        return None

    def _subjects_before(
        self, token: Token, gender: str, same_sentence: bool, first: int, depth: int
    ) -> Resolution | None:
        """Subjects in the pronoun's sentence before it, or in the sentence before the one
        that holds the quote and the pronoun (which may close the previous paragraph)."""
        article = self.article
        at = article.pos(token)
        if same_sentence:
            start, _ = article.sentence_bounds(at)
            tokens = article.tokens_in(max(start, at - _WINDOW), at)
        else:
            start, _ = article.sentence_bounds(min(first, at))
            if start <= 0:
                return None
            p_start, p_end = article.sentence_bounds(start - 1)
            tokens = article.tokens_in(max(p_start, p_end - _WINDOW), p_end)
            # "Ines Vale … said she backed it. The depot is near her house. “…,” she said":
            # when the sentence before names nobody, the one before it, in its paragraph.
            if (
                p_start > 0
                and article.para_of(p_start - 1) == article.para_of(start - 1)
                and not any(self._names_someone(t) for t in tokens)
            ):
                b_start, b_end = article.sentence_bounds(p_start - 1)
                tokens = article.tokens_in(max(b_start, b_end - _WINDOW), p_end)
        subjects = [
            t
            for t in tokens
            if t.dep_ in ("nsubj", "nsubjpass") and not article.quoted(t) and t is not token
        ]
        if same_sentence:
            subjects.reverse()  # nearest first
        else:
            # The main clause's subject first: "Aalto said …; Larsen said …" is two people.
            subjects.sort(key=lambda t: (t.head.dep_ != "ROOT", -t.i))
        fitting: list[int] = []
        for subject in subjects:
            ref = classify(article, self.people, subject)
            if ref.kind == "person" and ref.person is not None:
                people = [ref.person]
                for c in subject.children:
                    if c.dep_ == "conj":
                        other = classify(article, self.people, c)
                        if other.kind == "person" and other.person is not None:
                            people.append(other.person)
                fits = [p for p in people if self._fits(p, gender)]
                if len(fits) > 1:
                    return nobody("pronoun: two people fit", 0.6)
                fitting.extend(p for p in fits if p not in fitting)
                if fits and same_sentence:
                    break
            elif ref.kind == "role":
                resolved = self._role(ref, article.pos(subject))
                if resolved.person is None:
                    if not fitting:
                        return nobody("pronoun: an unnamed source is nearer", 0.7)
                elif self._fits(resolved.person, gender) and resolved.person not in fitting:
                    fitting.append(resolved.person)
            elif ref.kind == "description" and not fitting:
                if ref.word in GENDERED and GENDERED[ref.word] != gender:
                    continue  # "a spokesman said …; “…,” she said": someone else
                # "A Norvik spokeswoman said …. “…,” she said": the same spokeswoman.
                return Resolution(ref.text, None, 0.75, "pronoun: an unnamed spokesperson")
            elif ref.kind == "unknown" and not fitting and upos(subject) == "PROPN":
                if same_sentence or subject.head.dep_ == "ROOT":
                    # "Lunde said the board would study it. “…,” he said": a name the model
                    # did not link to anyone is nearer than any earlier speaker.
                    return nobody("pronoun: an unrecognised name is nearer", 0.6)
            elif ref.kind == "anonymous" and not fitting:
                if _plural(subject):
                    continue  # "customers who committed …" cannot be "she"
                return nobody("pronoun: an unnamed source is nearer", 0.7)
            elif ref.kind == "pronoun" and ref.word == word_for(gender) and depth < 2:
                # "On Thursday she announced …. “…,” she said": the same person again. Each
                # earlier pronoun is resolved once per article (a text of a thousand "he
                # said" must not resolve each of them again for every later one).
                pos = article.pos(subject)
                earlier = self._earlier.get(pos)
                if earlier is None:
                    earlier = self._pronoun(ref.word, subject, pos, pos, depth + 1)
                    self._earlier[pos] = earlier
                if earlier.person is not None and earlier.person not in fitting:
                    fitting.append(earlier.person)
                if same_sentence:
                    break  # the nearest "she" decides; older ones were resolved through it
        if not fitting:
            return None
        known = [p for p in fitting if self.people.gender(p) == gender]
        choice = known[0] if known else fitting[0] if len(fitting) == 1 else None
        if choice is None:
            return nobody("pronoun: two people fit", 0.6)
        if self.people.gender(choice) is None:
            self.people.learn(choice, gender)
        where = "pronoun, same sentence" if same_sentence else "pronoun, previous sentence"
        return Resolution(self.people.name(choice), choice, 0.9 if known else 0.75, where)


def word_for(gender: str) -> str:
    return "she" if gender == "f" else "he"


def _plural(token: Token) -> bool:
    """Whether a subject is plural (for a relative pronoun, the noun it stands for)."""
    if token.lower_ in ("who", "that", "which") and token.head.dep_ == "relcl":
        token = token.head.head
    return token.tag_ in ("NNS", "NNPS") or token.lower_ in ("they", "we")
