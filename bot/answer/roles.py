"""Whom a "who said" query means and whether an article ties that person to a speaker: the
matching rules of `bot.answer.quotes`, pure functions of text (no store, no platform).

Matching is conservative, because a quote given to the wrong person is worse than none: a
role matches a speaker only when an article puts it right next to the speaker's name, never
through a "former", "deputy" or "vice" the query does not say.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from bot.answer.sentences import same_name
from bot.store.quotes import StoredQuote
from bot.text.match import normalise_for_match

ROLE_WORDS = frozenset(
    """minister secretary commissioner premier president chancellor chief executive ceo cfo
    coo cto officer director governor mayor spokesperson spokesman spokeswoman chair chairman
    chairwoman chairperson head leader ambassador envoy negotiator representative senator
    congressman congresswoman lawmaker mp mep prime vice deputy general treasurer attorney
    judge justice founder boss adviser advisor official commander manager regulator counsel
    speaker councillor councilor administrator inspector ombudsman rapporteur professor owner
    partner economist analyst king queen prince princess emir sultan bishop archbishop
    cardinal secretary-general president-elect""".split()
)
# Words before a role that make it another role ("former", "deputy", "vice"…).
MODIFIERS = frozenset(
    """former ex vice deputy assistant associate acting shadow interim under junior then
    late previous incoming future would-be co joint outgoing retired sacked ousted""".split()
)
HONORIFICS = frozenset("mr mrs ms miss mx dr prof sir dame lord lady".split())
DETERMINERS = frozenset("the a an its their his her".split())
JOINERS = frozenset("of at for with".split())
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*(?:(?<=s)['’](?!\w))?", re.UNICODE)
_CLAUSE_END = re.compile(r"[.!?;:\"“”()\n]|\s[-–—]\s")


# The same names and articles are read for every question: kept rather than folded again.
@lru_cache(maxsize=1 << 16)
def fold(text: str) -> str:
    """Case, accents, curly apostrophes and spacing made uniform, for comparing names."""
    decomposed = unicodedata.normalize("NFKD", normalise_for_match(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def words_of(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _possessive(word: str) -> str | None:
    """`Heliant's` → `Heliant`, `metalworkers'` → `metalworkers` (None when the word is not
    possessive)."""
    for mark in ("'s", "’s", "s'", "s’"):
        if word.endswith(mark) and len(word) > len(mark):
            return word[: -len(mark)] + ("s" if mark[0] == "s" else "")
    return None


def _name_tokens(name: str) -> tuple[str, ...]:
    """A person's name as folded words, without honorifics (`Dr Sabine Ostrova` → sabine,
    ostrova)."""
    words = [fold(w) for w in words_of(name)]
    return tuple(w for w in words if w not in HONORIFICS)


def named_speaker(speaker: str) -> bool:
    """A speaker given by name (not "a spokeswoman for the ministry")."""
    words = words_of(speaker)
    return bool(words) and fold(words[0]) not in DETERMINERS and words[0][:1].isupper()


@dataclass(frozen=True, slots=True)
class Wanted:
    """Whom a query means: a name, a role (with the organisation it belongs to), or both."""

    name: tuple[str, ...]
    role: tuple[str, ...]
    org: tuple[str, ...]
    # The role as the article of an organisation gives it, with no organisation at all
    # ("Industry Minister Piotr Halvorsen" in a Kestrian story, not "leader of the union").
    alone: bool = False

    @classmethod
    def of(cls, query: str) -> Wanted:
        words = words_of(query.strip().rstrip("?.!,"))
        while words and fold(words[0]) in DETERMINERS:
            words = words[1:]
        if words and _possessive(words[-1]) is not None:  # "Ostrova's"
            words[-1] = _possessive(words[-1]) or words[-1]
        for i, word in enumerate(words[:-1]):
            owner = _possessive(word)
            if owner is None:
                continue
            before = [fold(w) for w in words[:i]]
            if "of" in before[1:] and any(w in ROLE_WORDS for w in before[: before.index("of")]):
                # "the head of Kestria's mining council": the head, of the council
                at = before.index("of")
                org = (*before[at + 1 :], fold(owner), *(fold(w) for w in words[i + 1 :]))
                return cls((), tuple(before[:at]), tuple(w for w in org if w not in DETERMINERS))
            # "Heliant's chief executive"
            return cls((), tuple(fold(w) for w in words[i + 1 :]), (*before, fold(owner)))
        folded = [fold(w) for w in words]
        if any(tuple(folded) in pair for pair in _SAME_ROLE):
            return cls((), tuple(folded), ())  # "the head of state": one office, no organisation
        if "of" in folded[1:-1] and any(w in ROLE_WORDS for w in folded[: folded.index("of")]):
            at = folded.index("of")  # "chief executive of Heliant"
            org = tuple(w for w in folded[at + 1 :] if w not in DETERMINERS)
            return cls((), tuple(folded[:at]), org)
        if not any(w in ROLE_WORDS for w in folded):
            return cls(_name_tokens(" ".join(words)), (), ())
        if folded[-1] in ROLE_WORDS and words[0][:1].isupper() and folded[0] not in ROLE_WORDS:
            # "the Corvex boss", "the Commission spokeswoman": the organisation, then the role
            at = next(i for i, w in enumerate(folded) if w in ROLE_WORDS)
            if all(w[:1].isupper() for w in words[:at]):
                return cls((), tuple(folded[at:]), tuple(folded[:at]))
        # "Trade Commissioner Sabine Ostrova": the capitalised non-role words at the end
        cut = len(words)
        while cut > 0 and words[cut - 1][:1].isupper() and folded[cut - 1] not in ROLE_WORDS:
            cut -= 1
        return cls(_name_tokens(" ".join(words[cut:])), tuple(folded[:cut]), ())

    def select(self, quotes: Sequence[StoredQuote]) -> tuple[list[StoredQuote], tuple[str, ...]]:
        """The quotes of this person, or none and the people it could mean."""
        texts = _texts(quotes)
        if self.name:
            chosen = [q for q in quotes if self._by_name(q)]
            people = _people(q.speaker or "" for q in chosen)
            if len(people) > 1 and self.role:
                tied = [p for p in people.values() if _tied_anywhere(texts, p, self)]
                keep = {_key(_name_tokens(p)) for p in tied}
                chosen = [q for q in chosen if _key(_name_tokens(q.speaker or "")) in keep]
                people = _people(q.speaker or "" for q in chosen)
            if len(people) > 1 and len(self.name) == 1:
                return [], tuple(sorted(people.values()))
            return chosen, ()
        tied_people: dict[tuple[str, ...], str] = {}
        chosen = []
        for q in quotes:
            speaker = q.speaker or ""
            tokens = _name_tokens(speaker)
            # A surname alone is looked up only in the articles carrying the quote.
            where = texts if len(tokens) > 1 else [s.text for s in q.sources]
            if _tied_anywhere(where, speaker, self):
                chosen.append(q)
                tied_people.setdefault(_key(tokens), speaker)
        people = _people(tied_people.values())
        if len(people) > 1:
            return [], tuple(sorted(people.values()))
        return chosen, ()

    def _by_name(self, quote: StoredQuote) -> bool:
        spoken = _name_tokens(quote.speaker or "")
        if not spoken:
            return False
        if len(self.name) == 1:
            return spoken[-1] == self.name[0]
        if len(spoken) > 1:
            return spoken[0] == self.name[0] and spoken[-1] == self.name[-1]
        # The article named the speaker by surname only: the same article must give the full
        # name asked for, and no one else of that surname.
        return spoken[0] == self.name[-1] and all(
            _first_names(s.text, spoken[0]) == {self.name[0]} for s in quote.sources
        )


def _key(tokens: tuple[str, ...]) -> tuple[str, ...]:
    return (tokens[0], tokens[-1]) if len(tokens) > 1 else tokens


def _people(speakers: Iterable[str]) -> dict[tuple[str, ...], str]:
    """Distinct people among speakers (first and last name); a bare surname counts only when
    no full name with it is among them."""
    full: dict[tuple[str, ...], str] = {}
    bare: dict[tuple[str, ...], str] = {}
    for speaker in speakers:
        tokens = _name_tokens(speaker)
        if tokens:
            (full if len(tokens) > 1 else bare).setdefault(_key(tokens), speaker)
    surnames = {k[-1] for k in full}
    return {**full, **{k: v for k, v in bare.items() if k[0] not in surnames}}


def _texts(quotes: Iterable[StoredQuote]) -> list[str]:
    seen: dict[int, str] = {}
    for q in quotes:
        for s in q.sources:
            seen.setdefault(s.article_id, s.text)
    return list(seen.values())


@lru_cache(maxsize=1 << 12)
def _first_names(text: str, surname: str) -> frozenset[str]:
    """The first names the text gives people with this surname (folded)."""
    found = set()
    for words, folded in _sentence_words(text):
        for i, w in enumerate(folded):
            if w != surname or i == 0:
                continue
            before, low = words[i - 1], folded[i - 1]
            if before[:1].isupper() and low not in ROLE_WORDS | HONORIFICS | DETERMINERS:
                found.add(low)
    return frozenset(found)


@lru_cache(maxsize=1 << 10)
def _sentence_words(text: str) -> tuple[tuple[tuple[str, ...], tuple[str, ...]], ...]:
    """Each sentence's words, as written and folded."""
    parts = (tuple(words_of(p)) for p in re.split(r"(?<=[.!?])\s+|\n+", text) if p.strip())
    return tuple((words, tuple(fold(w) for w in words)) for words in parts)


@lru_cache(maxsize=1 << 10)
def _plain(text: str) -> str:
    return normalise_for_match(text)


def _tied_anywhere(texts: Iterable[str], speaker: str, wanted: Wanted) -> bool:
    """Whether some text gives the speaker the wanted role (or the speaker *is* the role).

    A role asked with its organisation ("Kestria's industry minister") is also tied by an
    article that names the organisation and gives the speaker the bare role ("Industry
    Minister Piotr Halvorsen"), provided no mention of the speaker gives the role to another
    organisation ("Valdoran Industry Minister …")."""
    texts = list(texts)
    spoken = [fold(w) for w in words_of(speaker)]
    while spoken and spoken[0] in DETERMINERS:
        spoken = spoken[1:]
    if wanted.role and _role_at(spoken, 0, wanted) == len(spoken):
        return True
    if any(_leads(text, speaker, wanted) for text in texts):
        return True
    if not wanted.org:
        return False
    roles = [wanted.role]
    if tuple(role_words(wanted.role)) == ("head",) and _BODIES & set(wanted.org):
        roles.append(("chair",))  # "the head of the Water Commission": its chair
    bare = [Wanted(wanted.name, role, (), alone=True) for role in roles]
    # read once, used twice
    leads_in = [(text, [lead for b in bare for lead in _leads(text, speaker, b)]) for text in texts]
    if any(
        lead
        and not all(w in DETERMINERS for w in lead)
        and not _same_words(lead[-1:], wanted.org[-1:])
        for _, leads in leads_in
        for lead in leads
    ):
        return False  # "Quillon chief executive Theo Rasmark" somewhere: not Cindral's
    for text, leads in leads_in:
        if (
            leads
            and _mentions(text, wanted.org)
            and all(
                all(w in DETERMINERS for w in lead)
                or _same_words(lead[-len(wanted.org) :], wanted.org)
                # "the commission's chair" in an article naming the Water Commission
                or (lead[:1] == ["the"] and _same_words(lead[-1:], wanted.org[-1:]))
                for lead in leads
            )
        ):
            return True
    return False


def _leads(text: str, speaker: str, wanted: Wanted) -> list[list[str]]:
    """Each place the text puts the wanted role right next to the speaker's name, before it
    ("Trade Commissioner Sabine Ostrova") or as an appositive after it ("Mirela Sandu,
    Heliant's chief executive,"), as the folded words that come before the role there."""
    names = _name_tokens(speaker)
    if not names or not wanted.role:
        return []
    plain = _plain(text)
    forms = [speaker]
    if len(names) > 1 and _first_names(text, names[-1]) <= {names[0]}:
        forms.append(words_of(speaker)[-1])  # later mentions by surname are hers too
    found = []
    for form in forms:
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in form.split()) + r"(?!\w)"
        for m in re.finditer(pattern, plain, re.IGNORECASE):
            for lead in (
                _role_before(plain[: m.start()], plain[m.end() :], wanted),
                _role_after(plain[m.end() :], wanted),
            ):
                if lead is not None:
                    found.append(lead)
    return found


def _clause_before(text: str) -> str:
    cut = max((m.end() for m in _CLAUSE_END.finditer(text[-200:])), default=0)
    return text[-200:][cut:]


# One office, said in several ways: words folded to one ("lead negotiator" is the "chief
# negotiator"; a union's "leader" its "head"; a "chairwoman" its "chair"), and whole roles
# that are the same.
_ROLE_FOLD = {
    "lead": "chief", "top": "chief", "leader": "head", "chairman": "chair",
    "chairwoman": "chair", "chairperson": "chair", "boss": "head",
}  # fmt: skip
_SAME_ROLE = (
    (("head", "of", "state"), ("president",)),
    (("ceo",), ("chief", "executive")),
    (("head",), ("chief", "executive")),
    (("head", "of", "government"), ("prime", "minister")),
)
# A role asked more broadly than written (a "spokesperson" may be a spokesman, not the reverse).
_NARROWER = ((("spokesperson",), ("spokesman",)), (("spokesperson",), ("spokeswoman",)))
# Organisations whose head is their chair, not a chief executive.
_BODIES = frozenset(
    "commission council union board authority committee federation association agency "
    "regulator guild party assembly parliament tribunal court".split()
)
# Verbs that make the subject the head of what follows ("…, who chairs the Mining Council").
_HEADS = frozenset("chairs chaired heads headed leads led runs ran".split())


def role_words(words: Sequence[str]) -> list[str]:
    """Folded words with an office's synonyms folded to one word (one word for one word)."""
    return [_ROLE_FOLD.get(w, w) for w in words]


def _forms(role: Sequence[str], org: Sequence[str] = ()) -> list[tuple[str, ...]]:
    """The ways of saying a role ("lead negotiator": chief negotiator, head negotiator); the
    head of a commission, council or union is also its chair (a firm's is its chief)."""
    base = tuple(role_words(role))
    forms = [base]
    if base == ("head",) and _BODIES & set(org):
        forms.append(("chair",))
    for a, b in _SAME_ROLE:
        for x, y in ((a, b), (b, a)):
            if base == x:
                forms.append(y)
            elif x != ("head",):  # within a longer role: "the Brekka CEO"
                for i in range(1, len(base) - len(x) + 1):
                    if base[i : i + len(x)] == x:
                        forms.append((*base[:i], *y, *base[i + len(x) :]))
    if base == ("chair",):
        # a chairman may be written as the head ("head of the Mining Council"), but a head or
        # boss is not the chairman: a firm's chairman is not its chief executive
        forms.append(("head",))
    forms += [narrow for broad, narrow in _NARROWER if base == broad]
    if len(base) > 1 and base[0] in ("chief", "head"):
        forms.append(("head" if base[0] == "chief" else "chief", *base[1:]))
    return list(dict.fromkeys(forms))


def _same_words(a: Sequence[str], b: Sequence[str]) -> bool:
    return len(a) == len(b) and all(same_name(x, y) for x, y in zip(a, b, strict=True))


def _mentions(text: str, org: Sequence[str]) -> bool:
    """Whether a text names the organisation (each of its words, or their adjectives)."""
    words = {fold(w) for w in words_of(text)}
    return all(any(same_name(o, w) for w in words) for o in org)


def _role_at(words: Sequence[str], at: int, wanted: Wanted) -> int:
    """Where the role (with its organisation, in any of its usual forms) ends if it starts at
    `at` in folded words; -1 when it does not."""
    words = role_words([_possessive(w) or w for w in words])
    org = list(wanted.org)
    for role in _forms(wanted.role, wanted.org):
        n = len(role)
        if org:
            # "Heliant's chief executive", "Heliant chief executive", "Kestrian President"
            k = len(org)
            if _same_words(words[at : at + k], org) and tuple(words[at + k : at + k + n]) == role:
                return at + k + n
            # "chief executive of (the) Heliant"
            if tuple(words[at : at + n]) == role and at + n < len(words):
                rest = at + n
                if words[rest] in JOINERS:
                    rest += 1
                    if rest < len(words) and words[rest] in DETERMINERS:
                        rest += 1
                    # "leader of the Kestrian Metalworkers' Union" for "the metalworkers' leader"
                    for skip in range(3):
                        if _same_words(words[rest + skip : rest + skip + k], org):
                            return rest + skip + k
            continue
        # "Heliant chief executive" asked, "Heliant's chief executive" written
        if tuple(words[at : at + n]) == role:
            return at + n
    return -1


def _role_before(before: str, after: str, wanted: Wanted) -> list[str] | None:
    """`… Trade Commissioner Sabine Ostrova` or `The trade commissioner, Sabine Ostrova, …`:
    the words before the role, or None when the role is not there."""
    clause = _clause_before(before)
    comma = clause.rstrip().endswith(",")
    words = [fold(w) for w in words_of(clause)]
    for start in range(len(words)):
        if _role_at(words, start, wanted) != len(words):
            continue
        lead = words[:start]
        if lead and lead[-1] in MODIFIERS:
            return None
        if not comma:
            return lead
        # "X, Name" is an appositive only at the start of a sentence and closed by a comma:
        # "Unlike the trade commissioner, Ilse Marrow said…" is not one.
        if all(w in DETERMINERS for w in lead) and after.lstrip().startswith(","):
            return lead
        return None
    return None


def _role_after(after: str, wanted: Wanted) -> list[str] | None:
    """`Mirela Sandu, Heliant's chief executive, said` / `…, the chief executive of Heliant.` /
    `…, who chairs the Mining Council,`: the words before the role, or None."""
    stripped = after.lstrip()
    if not stripped.startswith(","):
        return None
    phrase = re.split(r"[,.;:!?\"“”()\n]|\s[-–—]\s", stripped[1:], maxsplit=1)[0]
    raw = words_of(phrase)
    words = [fold(w) for w in raw]
    if len(words) > 2 and words[0] == "who" and words[1] in _HEADS and wanted.org:
        org = [w for w in words[2:] if w not in DETERMINERS]
        heads = any(f in (("head",), ("chief", "executive")) for f in _forms(wanted.role))
        return [] if heads and _same_words(org, wanted.org) else None
    for start in range(len(words)):
        end = _role_at(words, start, wanted)
        if end < 0:
            continue
        lead = list(zip(raw[:start], words[:start], strict=True))
        if any(low in MODIFIERS for _, low in lead):
            return None
        # before the role: "the", "Heliant's", "EU" and the like, never a verb ("who replaced")
        # … or a possessive ("the commission's chair")
        if not all(
            low in DETERMINERS or w[:1].isupper() or w.endswith(("'s", "’s")) for w, low in lead
        ):
            return None
        # after it: nothing, "of …" for a role asked without its organisation, or the rest of
        # the organisation's name ("chief executive of Corvex Semiconductors")
        tail = raw[end:]
        if wanted.alone:
            return words[:start] if not tail else None
        if not tail or (fold(tail[0]) in JOINERS and not wanted.org):
            return words[:start]
        if wanted.org and all(w[:1].isupper() for w in tail):
            return words[:start]
        return None
    return None
