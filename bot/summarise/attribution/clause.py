"""Which speech verb attributes a quotation, and that verb's grammatical subject.

In order of trust: a speech verb whose clause contains the quotation (the quote's tokens hang
from it in the parse: ccomp, dobj, oprd …); "according to X" and "in X's words"; a speech
verb right after the quote (“…,” she said / “…,” said X / “…,” X, the minister, told …);
one right before it (X said: “…” / X said that “…” / …, adding “…”); else the nearest speech
verb in the sentence. The subject follows conjunctions ("but added"), participles
("adding"), relative clauses ("which she called"), passives ("by X", "was quoted as") and
inversion ("said X"); a listener ("told X", "asked X") is never the subject. This module
looks at a bounded window of tokens around one quote. It must not resolve names or pronouns.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.summarise.attribution.roles import ANONYMOUS, NOT_PEOPLE, OUTLETS, ROLES
from bot.summarise.attribution.tags import lemma, upos
from bot.summarise.attribution.verbs import (
    AMBIGUOUS,
    FORMS,
    INVERTED,
    LISTENER,
    NAMING,
    PASSIVE_SPEAKER,
    SPEECH,
    WEAK,
)

if TYPE_CHECKING:
    from spacy.tokens import Token

    from bot.summarise.attribution.article import Article, Site

_WINDOW = 400  # characters before or after a quote that its attribution may span
_AFTER_TOKENS = 30
# Dependencies along which a quote's clause climbs to the verb that reports it. A quote under
# a subject, a relative clause or a noun modifier is not what that verb reports.
_BLOCK = frozenset("nsubj nsubjpass csubj relcl acl appos poss compound amod agent".split())
_MODIFIER = frozenset("amod compound poss nmod nummod appos".split())
# How a named thing hangs from a naming verb: "called it “a gift”", "described … as “…”".
_NAMED = frozenset("oprd dobj attr xcomp ccomp acomp npadvmod dep".split())
_MAX_CLIMB = 4
_CLAUSAL = frozenset("ccomp xcomp csubj".split())
_TERMINAL = frozenset(".!?…")
_INVERTED_DEPS = frozenset("dobj attr npadvmod oprd dative".split())
_SOURCES = ROLES | ANONYMOUS | NOT_PEOPLE | OUTLETS  # nouns that can be a source of words


@dataclass(frozen=True, slots=True)
class Clause:
    """A speech verb that attributes a quote, its subject (None when it has none), how it was
    found (``rule``) and how far that finding alone can be trusted (``strength``)."""

    verb: Token
    subject: Token | None
    rule: str
    strength: float
    direct: bool = False  # the quote hangs from the verb itself (“…” is its object)


def is_speech(token: Token, weak: bool = True) -> bool:
    """Whether a token is a speech verb; ``weak``: also one that is speech only in some
    uses ("continued", "posted"), for when the quote hangs from it or follows it."""
    if upos(token) not in ("VERB", "AUX"):
        return token.lower_ in FORMS and token.dep_ == "ROOT"
    low = lemma(token)
    if low == "put":  # "as she put it", not "helped put the issue on the agenda"
        return weak and any(c.lower_ == "it" and c.dep_ == "dobj" for c in token.children)
    return low in SPEECH or token.lower_ in FORMS or (weak and low in WEAK)


def _according(token: Token) -> Token | None:
    """The X of "according to X"."""
    if token.lower_ != "according":
        return None
    for to in token.children:
        if to.lower_ == "to":
            for obj in to.children:
                if obj.dep_ == "pobj":
                    return obj
    return None


def _in_words(token: Token) -> Token | None:
    """The X of "in X's words" / "in the words of X"."""
    if token.lower_ != "words" or token.head.lower_ != "in":
        return None
    for child in token.children:
        if child.dep_ == "poss":
            return child
        if child.dep_ == "prep" and child.lower_ == "of":
            for obj in child.children:
                if obj.dep_ == "pobj":
                    return obj
    return None


def subject_of(article: Article, verb: Token, depth: int = 0) -> Token | None:
    """The speaker's token for a speech verb, or None (a listener is never returned)."""
    according = _according(verb)
    if according is not None:
        return according
    low = lemma(verb)
    for child in verb.children:
        if child.dep_ not in ("nsubj", "nsubjpass") or article.quoted(child):
            continue
        if child.dep_ == "nsubjpass":
            if low in PASSIVE_SPEAKER:
                return child  # "Dahl was quoted as saying"
            return _agent(article, verb)  # "was told by X": X; "she was told": a listener
        if child.lower_ in ("who", "that", "which") and verb.dep_ == "relcl":
            return verb.head  # "Kovalenko, who called it …"
        return child
    agent = _agent(article, verb)
    if agent is not None:
        return agent
    if (
        verb.dep_ == "acl"
        and verb.tag_ != "VBG"  # "signs calling the tariffs …" is a real modifier
        and any(c.dep_ == "dobj" for c in verb.children)
    ):
        # "A spokesman for one of the mills called the surcharges “unavoidable”": the model
        # made the verb a modifier of "mills"; with an object of its own it is the main verb.
        top = verb.head
        while top.head is not top and top.dep_ in ("pobj", "prep", "compound", "amod", "appos"):
            top = top.head
        if top.dep_ in ("ROOT", "nsubj") and upos(top) in ("NOUN", "PROPN"):
            return top
    if (
        depth < 3
        and verb.head is not verb
        and (
            verb.dep_ == "conj"
            or (verb.dep_ in ("advcl", "xcomp", "pcomp", "ccomp") and verb.tag_ in ("VBG", "VB"))
        )
    ):
        # "…, but added", "…, adding": the subject of the speech verb they hang from (or,
        # failing one, of the nearest verb above them with a subject).
        head = verb.head
        fallback: Token | None = None
        for _ in range(4):
            if head.dep_ == "prep" and head.head is not head:
                head = head.head  # "quoted by the radio as saying"
            if is_speech(head):
                found = subject_of(article, head, depth + 1)
                if found is not None:
                    return found
            if fallback is None and upos(head) in ("VERB", "AUX"):
                fallback = subject_of(article, head, depth + 1)
            if head.head is head:
                break
            head = head.head
        if fallback is not None:
            return fallback
    for child in verb.lefts:
        if (
            child.dep_ in ("advmod", "npadvmod", "dep", "nmod")
            and upos(child) == "PROPN"
            and not article.quoted(child)
        ):
            return child  # "Lindqvist, asked about rates, said": the name as a modifier
    if low in INVERTED and low not in LISTENER:
        # “…,” said Dahl: the small model sometimes makes the speaker an object.
        for child in verb.rights:
            if (
                child.dep_ in _INVERTED_DEPS
                and upos(child) in ("PROPN", "NOUN", "PRON", "NUM")
                and not article.quoted(child)
                and child.i == verb.i + 1 + _gap(verb, child)
            ):
                return child
    return None


def _gap(verb: Token, child: Token) -> int:
    """Tokens between a verb and its object that belong to the object's own phrase."""
    return sum(1 for t in child.lefts if t.i > verb.i)


def _agent(article: Article, verb: Token) -> Token | None:
    for child in verb.children:
        if child.dep_ == "agent":
            for obj in child.children:
                if obj.dep_ == "pobj" and not article.quoted(obj):
                    return obj
    return None


def _climb(article: Article, start: Token, first_dep: str) -> tuple[Token, int] | None:
    """The speech verb whose clause holds the quote, walking up from the quote's governor."""
    if first_dep in _MODIFIER:
        if start.lower_ == "as" and start.dep_ == "prep":
            first_dep = "pobj"  # "described … as “productive”", parsed as a modifier of "as"
        elif first_dep == "appos" and start.dep_ == "dobj" and lemma(start.head) in NAMING:
            return start.head, 1  # "called the offer “a good start”": what it was called
        else:
            return None  # the “temporary” tariffs: a word about a noun, not what was said
    current, dep = start, first_dep
    via_prep = via_as = False
    for steps in range(_MAX_CLIMB):
        if article.quoted(current):
            return None  # the quote hangs from another quotation: no reporting verb there
        if is_speech(current) and not _other_sense(current):
            if lemma(current) in NAMING and (via_prep or (dep not in _NAMED and not via_as)):
                return None  # "called for “action”"; "a plant called “Nova”" fails later
            return current, steps
        if _according(current) is not None or current.head is current:
            return None
        if current.dep_ in _BLOCK:
            return None  # a clause inside a subject or a relative clause reports nothing
        if current.dep_ == "prep":
            via_as = via_as or current.lower_ == "as"
            via_prep = via_prep or current.lower_ != "as"
        dep, current = current.dep_, current.head
    return None


def _other_sense(verb: Token) -> bool:
    """An ambiguous speech verb whose subject is a plain thing: "the demand would add …"."""
    if lemma(verb) not in AMBIGUOUS:
        return False
    for child in verb.children:
        if child.dep_ == "nsubj":
            word = lemma(child)
            return upos(child) == "NOUN" and word not in _SOURCES
    return False


def _inside(site: Site, article: Article, token: Token) -> bool:
    return site.open_at <= article.pos(token) < site.close_at


def _own_clause(article: Article, site: Site, verb: Token) -> bool:
    """Whether a verb reports something else than the quote: a clause of its own."""
    for child in verb.children:
        if (
            child.dep_ in _CLAUSAL
            and not _inside(site, article, child)
            and not article.quoted(child)
        ):
            return True
    return False


def _full_sentence(article: Article, site: Site) -> bool:
    inner = article.text[site.start : site.end].rstrip('”’"»“ ')
    return bool(inner) and inner[-1] in _TERMINAL


def find_clause(article: Article, site: Site, prev_close: int, next_open: int) -> Clause | None:
    """The speech verb (and its subject) that attributes the quote at `site`, or None."""
    tokens = article.tokens_in(site.open_at, site.close_at)
    if not tokens:
        return None
    text = article.text
    para_start, para_end = article.paragraphs[site.para]
    sent_start, _ = article.sentence_bounds(site.open_at)
    _, sent_end = article.sentence_bounds(max(site.close_at - 1, site.open_at))
    lo = max(sent_start, prev_close, para_start, site.open_at - _WINDOW)
    hi = min(next_open, para_end, site.close_at + _WINDOW)
    full = _full_sentence(article, site)

    # 1. A speech verb whose clause contains the quotation.
    best: tuple[Token, int] | None = None
    for token in tokens:
        head = token.head
        if token.dep_ == "punct" or head is token or _inside(site, article, head):
            continue  # a quotation mark hangs from anything nearby: only words count
        pos = article.pos(head)
        if not lo <= pos < hi:
            continue
        found = _climb(article, head, token.dep_)
        if found is not None and (best is None or found[1] < best[1]):
            best = found
    if best is not None:
        verb = best[0]
        strength = 0.95
        if article.pos(verb) > site.close_at and full and _own_clause(article, site, verb):
            strength = 0.4  # “We will win.” Dahl said talks would go on: a new sentence
        return Clause(verb, subject_of(article, verb), "governs", strength, best[1] == 0)

    before = [t for t in article.tokens_in(lo, site.open_at) if not article.quoted(t)]
    after: list[Token] = []
    for t in article.tokens_in(site.close_at, hi):
        if article.quoted(t) or len(after) >= _AFTER_TOKENS:
            break
        after.append(t)
        if t.text in _TERMINAL or t.text == ";":
            break

    # 2. "according to X", "in X's words" in the quote's sentence.
    for t in [*before, *after]:
        source = _according(t) or _in_words(t)
        if source is not None and not article.quoted(source):
            return Clause(t, source, "according-to" if t.lower_ == "according" else "in-words", 0.9)

    # 3. A speech verb right after the quote: “…,” she said / said X / X, the minister, told.
    for t in after:
        if is_speech(t):
            subject = subject_of(article, t)
            between = [b for b in after if b.i < t.i]
            if any(_stray_verb(b, subject) for b in between):
                break
            if subject is not None and any(subject.is_ancestor(q) for q in tokens):
                break  # "Hallam, known to staff as “the Admiral”, said": part of the subject
            if subject is None:
                subject = _named_between(between)
            strength = 0.9
            if full and (_own_clause(article, site, t) or article.pos(t) > sent_end):
                strength = 0.4 if _own_clause(article, site, t) else 0.85
            return Clause(t, subject, "after", strength)
        if upos(t) in ("VERB", "AUX") and not _under_subject_phrase(t):
            break

    # 4. A speech verb before it in the sentence: X said: “…” / said that “…” / adding “…”.
    for t in reversed(before):
        if is_speech(t) and lemma(t) not in NAMING:
            gap = text[article.pos(t) + len(t.text) : site.open_at]
            close = len(gap.split()) <= 3 or gap.rstrip().endswith(":")
            if not close and not is_speech(t, weak=False):
                continue  # "posted a loss …": only a real speech verb reaches this far
            return Clause(t, subject_of(article, t), "before", 0.85 if close else 0.7)

    # 5. Any other speech verb in the sentence, the nearest first.
    for t in sorted(
        (
            t
            for t in article.tokens_in(max(sent_start, lo), min(sent_end, hi))
            if not article.quoted(t)
        ),
        key=lambda t: abs(article.pos(t) - site.open_at),
    ):
        if is_speech(t, weak=False) and lemma(t) not in NAMING:
            return Clause(t, subject_of(article, t), "nearest", 0.6)
    return None


def _stray_verb(token: Token, subject: Token | None) -> bool:
    """A verb between a quote and its attribution that is not inside the subject's phrase."""
    if upos(token) not in ("VERB", "AUX"):
        return False
    if subject is None:
        return True
    current = token
    for _ in range(6):
        if current is subject:
            return False
        if current.head is current:
            return True
        current = current.head
    return True


def _under_subject_phrase(token: Token) -> bool:
    """Whether a verb after a quote sits inside a relative clause or appositive ("Bruno
    Estrada, who runs a fleet, said") rather than being the main verb."""
    current = token
    for _ in range(6):
        if current.dep_ in ("relcl", "acl", "appos"):
            return True
        if current.head is current:
            return False
        current = current.head
    return False


def _named_between(between: list[Token]) -> Token | None:
    """The speaker named between a quote and its verb when the parse lost the subject:
    «…», the agency's head, Marit Solberg, said."""
    names = [t for t in between if upos(t) == "PROPN" and t.dep_ != "compound"]
    if names:
        return names[-1]
    nouns = [t for t in between if upos(t) == "NOUN" and t.dep_ not in ("poss", "compound")]
    return nouns[0] if nouns else None
