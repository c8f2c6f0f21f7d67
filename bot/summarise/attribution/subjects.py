"""What kind of speaker a subject token is: a named person, a pronoun, a role ("the
minister"), an unnamed spokesperson's description, an anonymous source, or a thing
(a report, a company, a news outlet) that never speaks for a person.

It classifies only; it must not look beyond the subject's own phrase.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.summarise.attribution.names import fold
from bot.summarise.attribution.roles import (
    ANONYMOUS,
    INDEFINITE,
    NOT_PEOPLE,
    OUTLETS,
    ROLES,
    SPOKES,
)
from bot.summarise.attribution.tags import lemma, upos

if TYPE_CHECKING:
    from spacy.tokens import Token

    from bot.summarise.attribution.article import Article
    from bot.summarise.attribution.people import People

_THING_ENTS = frozenset("ORG GPE NORP FAC PRODUCT WORK_OF_ART EVENT LAW LOC".split())
_DEFINITE = frozenset("the its his her their our this that".split())
_STOPS = frozenset(',;:()“”‘’"«»„')


@dataclass(frozen=True, slots=True)
class Ref:
    """kind: person | pronoun | role | description | anonymous | thing | unknown."""

    kind: str
    person: int | None = None
    word: str = ""  # the pronoun, or the role noun
    text: str = ""  # the description as written


UNKNOWN = Ref("unknown")


def _determiner(token: Token) -> str:
    for child in token.children:
        if child.dep_ in ("det", "poss", "nummod", "predet"):
            return child.lower_
        if child.dep_ == "case":
            continue
    return ""


def _plural(token: Token) -> bool:
    return token.tag_ in ("NNS", "NNPS")


def describe(article: Article, token: Token) -> str:
    """The subject's phrase as written, without what follows a comma: "a spokesman for
    Norvik Steel", "a Ministry of Ports spokeswoman"."""
    start = token.left_edge
    end = token
    for child in token.rights:
        if child.dep_ == "prep" and child.lower_ in ("for", "at", "of", "from", "with"):
            last = child.right_edge
            # Stop at a comma: "a spokesman for Norvik Steel, which made the crane".
            for t in child.subtree:
                if t.text in _STOPS or t.dep_ in ("relcl", "acl") or t.tag_.startswith("VB"):
                    break
                last = t
            end = last
        else:
            break
    begin, finish = article.pos(start), article.pos(end) + len(end.text)
    text = article.text[begin:finish].strip(" ,")
    first, _, rest = text.partition(" ")
    if first in ("A", "An", "The") and rest:
        text = f"{first.lower()} {rest}"
    return text


def _apposed(people: People, token: Token) -> int | None:
    """The person a descriptive subject is given as: "The EU trade commissioner, Marta
    Kovalenko, said"; "Her counterpart from Estraval, Tomasz Brenner, …" (where the model
    hangs the name from "Estraval"); "its general secretary, Owen Pritchard"."""
    for child in token.children:
        if child.dep_ == "appos":
            pid = people.at_token(child)
            if pid is not None:
                return pid
        if child.dep_ == "prep":
            for obj in child.children:
                if obj.dep_ == "pobj" and people.at_token(obj) is None:
                    for grand in obj.children:
                        if grand.dep_ == "appos" and people.at_token(grand) is not None:
                            return people.at_token(grand)
    # The parse lost the apposition: a comma and a name right after the phrase.
    doc, end = token.doc, token.right_edge.i
    if doc[end].text != ",":
        end += 1
    if end + 1 < len(doc) and doc[end].text == ",":
        return people.at_token(doc[end + 1])
    return None


def classify(article: Article, people: People, token: Token, depth: int = 0) -> Ref:
    low = token.lower_
    if low in ("he", "she", "him", "her"):
        return Ref("pronoun", word="she" if low in ("she", "her") else "he")
    if low in ("they", "them"):
        return Ref("pronoun", word="they")
    if low in ("who", "that", "which") and token.head.dep_ == "relcl" and depth < 2:
        # "Councillor Beata Nowak, who proposed the ban": the person the clause is about
        # ("Dr Farah Qureshi, a researcher who led the work": the person, not "a researcher").
        antecedent = token.head.head
        if antecedent.dep_ == "appos" and antecedent.head is not antecedent:
            antecedent = antecedent.head
        return classify(article, people, antecedent, depth + 1)
    if low in ("i", "we", "you", "it", "this", "that", "which", "what"):
        return Ref("thing")
    pid = people.at_token(token)
    if pid is not None:
        return Ref("person", person=pid)
    pid = _apposed(people, token)
    if pid is not None:
        return Ref("person", person=pid)
    word = fold(lemma(token)) if upos(token) != "PROPN" else fold(token.text)
    if token.ent_type_ in _THING_ENTS or word in OUTLETS:
        return Ref("thing")
    if word in SPOKES or fold(token.text) in SPOKES:
        if _plural(token):
            return Ref("anonymous")
        det = _determiner(token)
        if det in _DEFINITE:
            return Ref("role", word=fold(token.text), text=describe(article, token))
        return Ref("description", word=fold(token.text), text=describe(article, token))
    if low == "one" or upos(token) == "NUM":
        return Ref("anonymous")  # "said one", "one said"
    if word in ROLES:
        det = _determiner(token)
        if det in INDEFINITE or _plural(token) or det.isdigit():
            return Ref("anonymous")
        if (
            det in _DEFINITE
            or det.endswith(("'s", "’s"))
            or any(c.dep_ == "poss" for c in token.children)
        ):
            return Ref("role", word=word)
        if not det and upos(token) == "PROPN":
            return UNKNOWN  # a name the model did not recognise: say nothing
        return Ref("anonymous")
    if word in ANONYMOUS:
        return Ref("anonymous")
    if word in NOT_PEOPLE:
        return Ref("thing")
    if upos(token) == "PROPN":
        return UNKNOWN
    return Ref("thing") if upos(token) == "NOUN" else UNKNOWN
