"""One pass over an article: every quotation, who said it, how sure, and which rule said so.

For each quotation in reading order: skip what is not speech (scare quotes, titles,
nicknames: short quotes with no speech verb around them, or after "so-called", "titled" …);
find the speech verb and subject that attribute it (``clause``) and resolve that subject
(``resolve``); failing that, carry the speaker forward — a quote left open at a paragraph's
end goes on in the next, a quote with no speech verb takes the previous quote's speaker in
its paragraph (or the previous paragraph's when it opens one) unless a new named subject
comes between, and a quote that opens its sentence speaks for whoever spoke in the sentence
before. Below ``CONFIDENCE_BAR`` the speaker is None. It must not edit the quote text: every
quote is an exact slice of the article.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.models import Sentence
from bot.summarise.attribution.article import Article, Site
from bot.summarise.attribution.clause import Clause, find_clause, is_speech, subject_of
from bot.summarise.attribution.model import load_pipeline
from bot.summarise.attribution.people import People
from bot.summarise.attribution.resolve import Resolution, Resolver
from bot.summarise.attribution.subjects import Ref, classify
from bot.summarise.attribution.tags import lemma, upos
from bot.summarise.attribution.verbs import FORMS, NAMING

if TYPE_CHECKING:
    from spacy.language import Language
    from spacy.tokens import Token

CONFIDENCE_BAR = 0.5
_SHORT = 3  # a quote of this many words or fewer must be shown to be speech
_TITLE_WORDS = 6  # a quote this short with every long word capitalised is a title
_TERM_WORDS = 6  # what an organisation "calls" in this few words is its term, not speech
_COINING = frozenset("call dub term brand label".split())  # not "describe": that reports words
_INTRO = 400  # characters before a quote that its introduction may take
_CLOSE = 0.85  # how sure a verb must be before a short quote counts as speech
_GAP = 600  # characters between two quotes beyond which a voice does not carry on
_OPENERS = re.compile('[“«„‘"]')
# A quote right after these is a word being mentioned or a title, not speech.
_MENTION = re.compile(
    r"(?:\bso[- ]called|\bthe[ \t]+(?:words?|term|phrase|label|slogan|nickname|motto|title|"
    r"headline|hashtag|motion|song|album|film|book|novel|programme|show|series|play)"
    r"|\bknown(?:[ \t]+\w+){0,3}?[ \t]+as|\bnicknamed|\btitled|\bentitled|\bheadlined"
    r"|\bheaded|\blabell?ed|\bmarked|\bstamped|\bcaptioned|\b(?:code[- ]?)?named"
    r"|\bbranded[ \t]+as)[ \t]*,?$",
    re.IGNORECASE,
)
_FUNCTION_WORDS = frozenset(
    """with for to of by at from on in about against like than into onto over under between
    among toward towards and or nor but as because while when after before that which who
    since though although if until across during through without within amid despite is was
    were are be been has had have will would could should may might can he she they it we
    said says added told outside inside near around behind beside beyond past along upon
    onto via per today yesterday tonight again instead too also then now""".split()
)
_NON_SPACE = re.compile(r"\S")
_NEXT_WORD = re.compile(r"[ \t]*([^\W\d_][\w'’\-]*)")


@dataclass(frozen=True, slots=True)
class Attribution:
    """A quotation (``text == article[start:end]``), its speaker or None, how sure (0–1),
    the rule that decided, and the speaker before the confidence bar (for a later check)."""

    start: int
    end: int
    text: str
    speaker: str | None
    confidence: float
    reason: str
    candidate: str | None = None


@dataclass(slots=True)
class _Result:
    site: Site
    speaker: str | None
    person: int | None
    confidence: float
    reason: str
    settled: bool  # attributed from its own sentence (even to nobody), not carried
    subject: int = -1  # offset of the subject that named the speaker, when one did


def analyse(
    text: str, sentences: Sequence[Sentence] | None = None, nlp: Language | None = None
) -> list[tuple[Site, Attribution]]:
    """Every quotation in the text with its attribution, in order of appearance."""
    if not _OPENERS.search(text):
        return []  # nothing to attribute: do not even load the model
    article = Article(text, sentences, nlp if nlp is not None else load_pipeline())
    if not article.sites:
        return []
    return _Pass(article).run()


class _Pass:
    def __init__(self, article: Article) -> None:
        self.article = article
        self.people = People(article)
        self.resolver = Resolver(article, self.people)
        self.results: list[_Result] = []

    def run(self) -> list[tuple[Site, Attribution]]:
        article, text = self.article, self.article.text
        sites = article.sites
        for k, site in enumerate(sites):
            quote = text[site.start : site.end]
            if not any(c.isalpha() for c in quote):
                continue
            if _MENTION.search(text, max(0, site.open_at - 40), site.open_at):
                continue  # "the so-called “rent brake”", "a book titled “…”"
            prev_close = sites[k - 1].close_at if k else 0
            next_open = sites[k + 1].open_at if k + 1 < len(sites) else len(text)
            clause = find_clause(article, site, prev_close, next_open)
            spoken = clause is not None and clause.direct and lemma(clause.verb) not in NAMING
            if (_title(quote) and not spoken) or (
                len(quote.split()) <= _SHORT and not self._speech(site, clause)
            ):
                continue  # a scare quote, a title or a nickname
            if self._coined_term(quote, clause):
                continue  # "what the union calls a “work to rule”": a term, not speech
            result = self._attribute(site, clause)
            self.results.append(result)
            if result.person is not None and result.confidence >= CONFIDENCE_BAR:
                self.resolver.spoke(site.open_at, result.person)
        self._fill_open_quotes()
        out: list[tuple[Site, Attribution]] = []
        seen: set[str] = set()
        for r in self.results:
            quote = text[r.site.start : r.site.end]
            key = quote.rstrip(".!?…;:").rstrip()
            if key in seen:
                continue  # the same words quoted again
            seen.add(key)
            speaker = r.speaker if r.confidence >= CONFIDENCE_BAR else None
            attribution = Attribution(
                r.site.start,
                r.site.end,
                quote,
                speaker,
                round(min(max(r.confidence, 0.0), 1.0), 3),
                r.reason,
                r.speaker,
            )
            out.append((r.site, attribution))
        return out

    # --- is it speech? -----------------------------------------------------------------------

    def _speech(self, site: Site, clause: Clause | None) -> bool:
        if self._opens_sentence(site) and self._ends_sentence(site):
            return True  # “Not one crown.” stands as a sentence of its own
        if not self.article.tokens_in(site.open_at, site.close_at):
            # Not parsed (hostile input beyond the budget): a speech verb written nearby.
            text = self.article.text
            near = (
                text[max(0, site.open_at - 40) : site.open_at + 0]
                + " "
                + text[site.close_at : site.close_at + 40]
            )
            return any(w.strip(".,;:") in FORMS for w in near.lower().split())
        if self._after_colon(site):
            return True  # "Dahl had one word for the plan: “reckless.”"
        if clause is None or clause.rule == "nearest" or clause.strength < _CLOSE:
            return False
        if clause.subject is None and not (clause.direct and lemma(clause.verb) not in NAMING):
            return False  # "a plant called “Nova”"; but "banners reading “Born here”"
        return self._ends_phrase(site)

    def _coined_term(self, quote: str, clause: Clause | None) -> bool:
        """A naming verb ("call", "dub", "term") whose subject is no person: an institution's
        or a group's name for something, shown in quotation marks."""
        if clause is None or clause.subject is None or lemma(clause.verb) not in _COINING:
            return False
        if len(quote.split()) > _TERM_WORDS:
            return False
        ref = classify(self.article, self.people, clause.subject)
        return ref.kind in ("thing", "anonymous") or (ref.kind == "pronoun" and ref.word == "they")

    def _after_colon(self, site: Site) -> bool:
        start, _ = self.article.sentence_bounds(site.open_at)
        start = max(start, site.open_at - _INTRO)  # bounded: a sentence may be a megabyte
        return self.article.text[start : site.open_at].rstrip().endswith(":")

    def _ends_phrase(self, site: Site) -> bool:
        """Whether a short quote ends its phrase: "as “constructive” in a statement", but
        not the scare quote in "the “melt and pour” rule"."""
        text = self.article.text
        inner_end = site.close_at - 1 if site.closed else site.close_at
        if text[site.open_at + 1 : inner_end].rstrip()[-1:] in ",.;:!?…—–-":
            return True  # “Nobody was hurt,” a spokeswoman said
        following = _NEXT_WORD.match(text, site.close_at, min(len(text), site.close_at + 40))
        if following is None:
            return True
        word = following.group(1)
        return not word[:1].islower() or word in _FUNCTION_WORDS

    def _ends_sentence(self, site: Site) -> bool:
        inner = self.article.text[site.start : site.end].rstrip()
        return inner[-1:] in ".!?…"

    def _opens_sentence(self, site: Site) -> bool:
        text = self.article.text
        para_start, _ = self.article.paragraphs[site.para]
        before = text[max(para_start, site.open_at - 80) : site.open_at].rstrip()
        return not before or before[-1] in ".!?…" or before[-2:] in (".”", '."', "?”", "!”")

    def _opens_paragraph(self, site: Site) -> bool:
        para_start, _ = self.article.paragraphs[site.para]
        # The first non-space character, not a strip of the prefix: a paragraph may be huge.
        return _NON_SPACE.search(self.article.text, para_start, site.open_at) is None

    # --- attribution -------------------------------------------------------------------------

    def _attribute(self, site: Site, clause: Clause | None) -> _Result:
        own: _Result | None = None
        if clause is not None and clause.subject is not None:
            own = self._from_clause(site, clause)
            if clause.strength >= CONFIDENCE_BAR:
                return own
        elif clause is not None and any(c.dep_ == "nsubjpass" for c in clause.verb.children):
            # "Dahl was told: “…”": the sentence names a listener; the speaker is unknown.
            return _Result(
                site, None, None, 0.6, f"{clause.rule} '{clause.verb.text}': a listener", True
            )
        carried = self._carry(site)
        if carried is not None:
            return carried
        if own is not None:
            return own
        return _Result(site, None, None, 0.0, "no attribution found", False)

    def _from_clause(self, site: Site, clause: Clause) -> _Result:
        assert clause.subject is not None
        article = self.article
        ref = classify(article, self.people, clause.subject)
        if any(c.dep_ == "conj" and upos(c) in ("PROPN", "NOUN") for c in clause.subject.children):
            # "Maas and Ostrowski said in a joint statement": no one person said it.
            ref = Ref("anonymous")
        res = self.resolver.resolve(ref, clause.subject, article.pos(clause.subject), site.open_at)
        confidence = res.confidence * clause.strength if res.speaker else res.confidence
        reason = f"{clause.rule} '{clause.verb.text}': {res.reason}"
        at = article.pos(clause.subject)
        return _Result(site, res.speaker, res.person, confidence, reason, True, at)

    def _carry(self, site: Site) -> _Result | None:
        """A speaker for a quote with no speech verb of its own, from the quotes and the
        sentences before it; None when nothing carries over."""
        prev = self.results[-1] if self.results else None
        opens_paragraph = self._opens_paragraph(site)
        after_paragraph = prev is not None and prev.site.para == site.para - 1
        if prev is not None and after_paragraph and not prev.site.closed and opens_paragraph:
            # “… (left open at the paragraph's end) / “…: the same voice goes on.
            return self._inherit(site, prev, prev.confidence, "continues an open quote")
        if (
            prev is not None
            and prev.site.para == site.para
            and not self._broken(prev.site.close_at, site.open_at, prev)
            and not self._someone_else_next(site, prev)
        ):
            return self._inherit(site, prev, min(prev.confidence, 0.9) * 0.95, "carried on")
        if self._opens_sentence(site):
            lead = self._lead_in(site, across=opens_paragraph)
            if lead is not None:
                return lead
        colon = self._colon_intro(site)
        if colon is not None:
            return colon
        if prev is not None and after_paragraph and opens_paragraph:
            _, end = self.article.paragraphs[prev.site.para]
            if not self._broken(prev.site.close_at, end, prev) and not self._someone_else_next(
                site, prev
            ):
                confidence = min(prev.confidence, 0.9) * 0.8
                return self._inherit(site, prev, confidence, "carried from the paragraph before")
        return None

    def _inherit(self, site: Site, prev: _Result, confidence: float, how: str) -> _Result:
        # Name the rule that first found the speaker, not the whole chain (which on hostile
        # input would grow with every quote).
        origin = prev.reason.rpartition(" <- ")[2]
        return _Result(site, prev.speaker, prev.person, confidence, f"{how} <- {origin}", False)

    def _broken(self, start: int, end: int, prev: _Result) -> bool:
        """Whether a new subject between two quotes means the voice may have changed."""
        if end - start > _GAP:
            return True
        article = self.article
        gender = self.people.gender(prev.person) if prev.person is not None else None
        for token in article.tokens_in(start, end):
            if token.dep_ not in ("nsubj", "nsubjpass") or article.quoted(token):
                continue
            if article.pos(token) == prev.subject:
                continue  # the previous quote's own attribution: “…,” a spokeswoman said.
            ref = classify(article, self.people, token)
            if ref.kind == "person":
                if ref.person != prev.person:
                    return True
            elif ref.kind == "pronoun":
                if ref.word == "they" or (gender is not None and ref.word != _pronoun(gender)):
                    return True
            elif ref.kind in ("anonymous", "description"):
                if token.head.dep_ == "ROOT" or is_speech(token.head, weak=False):
                    return True  # not "according to two people who attended"
            elif ref.kind == "role":
                res = self.resolver.resolve(ref, token, article.pos(token), start)
                if res.person != prev.person:
                    return True
            elif is_speech(token.head, weak=False):
                return True  # "The report said …": a new source of words
        return False

    def _someone_else_next(self, site: Site, prev: _Result) -> bool:
        """Whether the sentence after an unattributed quote is about another named person:
        `“It is a mistake.” Haddad left the meeting.` — the voice may be Haddad's."""
        article = self.article
        _, para_end = article.paragraphs[site.para]
        _, end = article.sentence_bounds(max(site.close_at - 1, site.open_at))
        if end <= site.close_at + 1 and end < para_end:
            _, end = article.sentence_bounds(min(end + 1, para_end - 1))
        for token in article.tokens_in(site.close_at, min(end, site.close_at + _GAP)):
            if token.dep_ in ("nsubj", "nsubjpass") and not article.quoted(token):
                ref = classify(article, self.people, token)
                if ref.kind == "person" and ref.person != prev.person:
                    return True
        return False

    def _lead_in(self, site: Site, across: bool) -> _Result | None:
        """A quote that opens its sentence speaks for whoever spoke in the sentence before:
        `Kovalenko said the tone was good. “But tone is not a text.”`"""
        article = self.article
        start, _ = article.sentence_bounds(site.open_at)
        if start <= 0 or (article.para_of(start - 1) != site.para) != across:
            return None
        p_start, p_end = article.sentence_bounds(start - 1)
        tokens = list(article.tokens_in(max(p_start, p_end - 400), p_end))
        if any(article.quoted(t) for t in tokens):
            return None  # that sentence has a quote of its own: carrying on decided
        if across and self.results and self.results[-1].site.para == site.para - 1:
            return None  # the paragraph before quoted someone: carrying on decides
        for verb in reversed(tokens):
            if is_speech(verb):
                subject = subject_of(article, verb)
                if subject is None:
                    continue
                res = self._resolve(subject, site)
                # Across a paragraph break ("She read out her letter. ¶ “I regret …”")
                # the link is weaker.
                weight = 0.75 if across else 0.85
                return self._result(site, res, weight, f"after a sentence where '{verb.text}'")
        if across:
            return None
        for token in tokens:
            if token.dep_ == "nsubj" and token.head.dep_ == "ROOT":
                ref = classify(article, self.people, token)
                if ref.kind in ("person", "pronoun", "role"):
                    res = self._resolve(token, site)
                    # The subject of a verb that is not a speech verb: only just enough.
                    return self._result(site, res, 0.6, "after a sentence about")
                return None
        return None

    def _colon_intro(self, site: Site) -> _Result | None:
        """`Kovalenko had a message for Washington: “…”`: the sentence's subject."""
        article = self.article
        if not self._after_colon(site):
            return None
        start, _ = article.sentence_bounds(site.open_at)
        # The subject highest in the parse (not "he" in "asked whether he would attend"),
        # outside the quote: the parse may hang the intro from the quotation's own verb.
        subjects = sorted(
            (
                t
                for t in article.tokens_in(max(start, site.open_at - _INTRO), site.open_at)
                if t.dep_ == "nsubj" and not article.quoted(t) and not article.quoted(t.head)
            ),
            key=lambda t: (len(list(t.ancestors)), t.i),
        )
        if subjects:
            ref = classify(article, self.people, subjects[0])
            if ref.kind in ("person", "pronoun", "role"):
                return self._result(site, self._resolve(subjects[0], site), 0.65, "colon intro")
        return None

    def _resolve(self, token: Token, site: Site) -> Resolution:
        ref = classify(self.article, self.people, token)
        return self.resolver.resolve(ref, token, self.article.pos(token), site.open_at)

    def _result(self, site: Site, res: Resolution, weight: float, how: str) -> _Result:
        confidence = res.confidence * weight if res.speaker else res.confidence
        return _Result(site, res.speaker, res.person, confidence, f"{how}: {res.reason}", False)

    def _fill_open_quotes(self) -> None:
        """A quote left open at a paragraph's end, unattributed, goes on in the next
        paragraph: it takes the speaker found there."""
        for i in range(len(self.results) - 2, -1, -1):
            r, nxt = self.results[i], self.results[i + 1]
            if (
                r.speaker is None
                and not r.settled
                and not r.site.closed
                and nxt.site.para == r.site.para + 1
                and self._opens_paragraph(nxt.site)
                and nxt.speaker is not None
            ):
                self.results[i] = self._inherit(
                    r.site, nxt, nxt.confidence * 0.95, "an open quote continued by the next"
                )


def _pronoun(gender: str) -> str:
    return "she" if gender == "f" else "he"


def _title(quote: str) -> bool:
    """A name or title in capitals: “The Salt Road”, “Build, Don't Brake”, “Still Standing”."""
    words = [w for w in re.findall(r"[^\W\d_][\w'’\-]*", quote) if len(w) > 3]
    if len(quote.split()) > _TITLE_WORDS or len(words) < 2 or quote.rstrip()[-1:] in ".!?…":
        return False
    return all(w[0].isupper() for w in words)
