"""Who said what: the stored verified quotes of a person, found by name, surname or the role
the articles give them, newest first.

Matching is conservative, because a quote given to the wrong person is worse than none:

- a full name matches a speaker with the same first and last name; a speaker the article only
  names by surname matches when that very article gives the full name and no other person
  with that surname;
- a surname alone matches when the coverage quotes only one person of that surname; with two
  (Sabine and Petr Ostrova) it matches nobody and says who it could be;
- a role ("the trade commissioner", "Heliant's chief executive") matches a speaker only when an
  article ties it to that speaker's name ("Trade Commissioner Sabine Ostrova", "Mirela Sandu,
  Heliant's chief executive,"), never through a "former", "deputy" or "vice" the query does
  not say; a role tied to two people matches nobody.

`person_of` reads the person a question asks about. Nothing here writes to the store or knows
a chat platform; renderers get a `QuoteList`.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.models import SourceRef
from bot.store.quotes import StoredQuote
from bot.text.markdown import md_escape, md_source_line
from bot.text.match import normalise_for_match
from bot.text.when import local_time

# Words that make a phrase a role rather than a name (head nouns and parts of titles).
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
_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*", re.UNICODE)
_CLAUSE_END = re.compile(r"[.!?;:\"“”()\n]|\s[-–—]\s")


@dataclass(frozen=True, slots=True)
class FoundQuote:
    """A verbatim quote, who said it (as the article names them), when, and where."""

    text: str
    speaker: str
    at: datetime
    sources: tuple[SourceRef, ...]


@dataclass(frozen=True, slots=True)
class QuoteList:
    """The quotes found for a person (None: anyone), newest first.

    `ambiguous` lists the people a surname or role could mean when it means several."""

    person: str | None
    quotes: tuple[FoundQuote, ...]
    found: bool
    ambiguous: tuple[str, ...] = ()
    topic: str | None = None
    since: datetime | None = None
    until: datetime | None = None
    # The IANA zone its dates are shown in.
    timezone: str = "UTC"


class QuoteSource(Protocol):
    """The part of the store quotes come from (`bot.store.quotes.Quotes`)."""

    async def quotes(
        self, topic: str | None, *, since: datetime | None, until: datetime | None
    ) -> list[StoredQuote]: ...


class QuoteFinder:
    """Finds a person's stored verified quotes in a topic's coverage."""

    def __init__(self, store: QuoteSource, *, now: Callable[[], datetime]) -> None:
        self.store = store
        self.now = now

    async def find(
        self,
        topic: str | None,
        person: str | None,
        *,
        since: datetime | None,
        until: datetime | None,
        limit: int = 10,
    ) -> QuoteList:
        """The person's quotes (everyone's when person is None) in [since, until], newest first;
        until defaults to now."""
        until = until or self.now()
        stored = [
            q
            for q in await self.store.quotes(topic, since=since, until=until)
            if q.speaker and _named(q.speaker)
        ]
        wanted = Wanted.of(person) if person and person.strip() else None
        chosen, ambiguous = (stored, ()) if wanted is None else wanted.select(stored)
        quotes = _numbered(chosen[: max(limit, 0)])
        return QuoteList(
            person=person.strip() if person and person.strip() else None,
            quotes=quotes,
            found=bool(quotes),
            ambiguous=ambiguous,
            topic=topic,
            since=since,
            until=until,
        )


def _numbered(quotes: Sequence[StoredQuote]) -> tuple[FoundQuote, ...]:
    """Quotes with their sources numbered in order of first appearance."""
    numbers: dict[int, int] = {}
    out = []
    for q in quotes:
        refs = []
        for s in q.sources:
            n = numbers.setdefault(s.article_id, len(numbers) + 1)
            refs.append(SourceRef(n, s.article_id, s.title, s.url, s.site, s.at))
        out.append(FoundQuote(q.text, q.speaker or "", q.at, tuple(refs)))
    return tuple(out)


# ----------------------------------------------------------------------------- matching


def fold(text: str) -> str:
    """Case, accents, curly apostrophes and spacing made uniform, for comparing names."""
    decomposed = unicodedata.normalize("NFKD", normalise_for_match(text))
    return "".join(c for c in decomposed if not unicodedata.combining(c)).casefold()


def _words(text: str) -> list[str]:
    return _TOKEN.findall(text)


def _possessive(word: str) -> str | None:
    """`Heliant's` → `Heliant` (None when the word is not possessive)."""
    for mark in ("'s", "’s"):
        if word.endswith(mark) and len(word) > len(mark):
            return word[: -len(mark)]
    return None


def _name_tokens(name: str) -> tuple[str, ...]:
    """A person's name as folded words, without honorifics (`Dr Sabine Ostrova` → sabine,
    ostrova)."""
    words = [fold(w) for w in _words(name)]
    return tuple(w for w in words if w not in HONORIFICS)


def _named(speaker: str) -> bool:
    """A speaker given by name (not "a spokeswoman for the ministry")."""
    words = _words(speaker)
    return bool(words) and fold(words[0]) not in DETERMINERS and words[0][:1].isupper()


@dataclass(frozen=True, slots=True)
class Wanted:
    """Whom a query means: a name, a role (with the organisation it belongs to), or both."""

    name: tuple[str, ...]
    role: tuple[str, ...]
    org: tuple[str, ...]

    @classmethod
    def of(cls, query: str) -> Wanted:
        words = _words(query.strip().rstrip("?.!,"))
        while words and fold(words[0]) in DETERMINERS:
            words = words[1:]
        if words and _possessive(words[-1]) is not None:  # "Ostrova's"
            words[-1] = _possessive(words[-1]) or words[-1]
        for i, word in enumerate(words[:-1]):
            owner = _possessive(word)
            if owner is not None:  # "Heliant's chief executive"
                org = (*(fold(w) for w in words[:i]), fold(owner))
                return cls((), tuple(fold(w) for w in words[i + 1 :]), org)
        folded = [fold(w) for w in words]
        if "of" in folded[1:-1] and any(w in ROLE_WORDS for w in folded[: folded.index("of")]):
            at = folded.index("of")  # "chief executive of Heliant"
            org = tuple(w for w in folded[at + 1 :] if w not in DETERMINERS)
            return cls((), tuple(folded[:at]), org)
        if not any(w in ROLE_WORDS for w in folded):
            return cls(_name_tokens(" ".join(words)), (), ())
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


def _first_names(text: str, surname: str) -> set[str]:
    """The first names the text gives people with this surname (folded)."""
    found = set()
    for words in _sentences_words(text):
        folded = [fold(w) for w in words]
        for i, w in enumerate(folded):
            if w != surname or i == 0:
                continue
            before, low = words[i - 1], folded[i - 1]
            if before[:1].isupper() and low not in ROLE_WORDS | HONORIFICS | DETERMINERS:
                found.add(low)
    return found


def _sentences_words(text: str) -> list[list[str]]:
    return [_words(part) for part in re.split(r"(?<=[.!?])\s+|\n+", text) if part.strip()]


def _tied_anywhere(texts: Iterable[str], speaker: str, wanted: Wanted) -> bool:
    """Whether some text gives the speaker the wanted role (or the speaker *is* the role)."""
    spoken = [fold(w) for w in _words(speaker)]
    while spoken and spoken[0] in DETERMINERS:
        spoken = spoken[1:]
    if wanted.role and _role_at(spoken, 0, wanted) == len(spoken):
        return True
    return any(_tied(text, speaker, wanted) for text in texts)


def _tied(text: str, speaker: str, wanted: Wanted) -> bool:
    """Whether the text puts the wanted role right next to the speaker's name: before it
    ("Trade Commissioner Sabine Ostrova") or as an appositive after it ("Mirela Sandu,
    Heliant's chief executive,")."""
    names = _name_tokens(speaker)
    if not names or not wanted.role:
        return False
    plain = normalise_for_match(text)
    forms = [speaker]
    if len(names) > 1 and _first_names(text, names[-1]) <= {names[0]}:
        forms.append(_words(speaker)[-1])  # later mentions by surname are hers too
    for form in forms:
        pattern = r"(?<!\w)" + r"\s+".join(re.escape(w) for w in form.split()) + r"(?!\w)"
        for m in re.finditer(pattern, plain, re.IGNORECASE):
            if _role_before(plain[: m.start()], plain[m.end() :], wanted):
                return True
            if _role_after(plain[m.end() :], wanted):
                return True
    return False


def _clause_before(text: str) -> str:
    cut = max((m.end() for m in _CLAUSE_END.finditer(text[-200:])), default=0)
    return text[-200:][cut:]


def _role_at(words: Sequence[str], at: int, wanted: Wanted) -> int:
    """Where the role (with its organisation, in any of its usual forms) ends if it starts at
    `at` in folded words; -1 when it does not."""
    role, org, n = list(wanted.role), list(wanted.org), len(wanted.role)
    if org:
        # "Heliant's chief executive", "Heliant chief executive"
        k = len(org)
        head = [_possessive(w) or w for w in words[at : at + k]]
        if head == org and list(words[at + k : at + k + n]) == role:
            return at + k + n
        # "chief executive of (the) Heliant"
        if list(words[at : at + n]) == role and at + n < len(words):
            rest = at + n
            if words[rest] in JOINERS:
                rest += 1
                if rest < len(words) and words[rest] in DETERMINERS:
                    rest += 1
                if list(words[rest : rest + k]) == org:
                    return rest + k
        return -1
    # "Heliant chief executive" asked, "Heliant's chief executive" written
    return at + n if [_possessive(w) or w for w in words[at : at + n]] == role else -1


def _role_before(before: str, after: str, wanted: Wanted) -> bool:
    """`… Trade Commissioner Sabine Ostrova` or `The trade commissioner, Sabine Ostrova, …`."""
    clause = _clause_before(before)
    comma = clause.rstrip().endswith(",")
    words = [fold(w) for w in _words(clause)]
    for start in range(len(words)):
        if _role_at(words, start, wanted) != len(words):
            continue
        lead = words[:start]
        if lead and lead[-1] in MODIFIERS:
            return False
        if not comma:
            return True
        # "X, Name" is an appositive only at the start of a sentence and closed by a comma:
        # "Unlike the trade commissioner, Ilse Marrow said…" is not one.
        return all(w in DETERMINERS for w in lead) and after.lstrip().startswith(",")
    return False


def _role_after(after: str, wanted: Wanted) -> bool:
    """`Mirela Sandu, Heliant's chief executive, said` / `…, the chief executive of Heliant.`"""
    stripped = after.lstrip()
    if not stripped.startswith(","):
        return False
    phrase = re.split(r"[,.;:!?\"“”()\n]|\s[-–—]\s", stripped[1:], maxsplit=1)[0]
    raw = _words(phrase)
    words = [fold(w) for w in raw]
    for start in range(len(words)):
        end = _role_at(words, start, wanted)
        if end < 0:
            continue
        lead = list(zip(raw[:start], words[:start], strict=True))
        if any(low in MODIFIERS for _, low in lead):
            return False
        # before the role: "the", "Heliant's", "EU" and the like, never a verb ("who replaced")
        if not all(low in DETERMINERS or w[:1].isupper() for w, low in lead):
            return False
        tail = words[end:]
        return not tail or (tail[0] in JOINERS and not wanted.org)
    return False


# ----------------------------------------------------------------------------- questions

_VERBS = (
    r"say|says|said|saying|comment|comments|commented|commenting|react|reacts|reacted|"
    r"reacting|respond|responds|responded|tell|tells|told|state|stated|claim|claimed|argue|"
    r"argued|warn|warned|speak|spoke|spoken|add|added|reply|replied|mention|mentioned|"
    r"announce|announced|write|wrote|written|tweet|tweeted|quote|quoted"
)
_ADVERBS = r"(?:(?:actually|just|ever|already|publicly|recently|really|also|now|yet|exactly)\s+)*"
# Where the person's name or role ends: the topic or time the question goes on with.
_UNTIL = (
    r"(?=\s+(?:on|about|regarding|over|this|today|yesterday|since|in|after|before|last|"
    r"so far|at|during)\b|[?.!,]|$)"
)
_ASKS = [
    re.compile(
        r"^(?:(?:so|and|but|ok|okay)[, ]+)?(?:what|how|when|why|where|whom?)?\s*"
        r"(?:else\s+|exactly\s+)?"
        r"(?:did|does|do|has|have|had|is|was|were|will|would|could|can)\s+(?P<who>.+?)\s+"
        + _ADVERBS
        + rf"(?:{_VERBS})\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:comments?|quotes?|statements?|remarks?|reactions?|responses?|words)\s+"
        r"(?:from|by|of)\s+(?P<who>.+?)" + _UNTIL,
        re.IGNORECASE,
    ),
    re.compile(r"\bsaid\s+by\s+(?P<who>.+?)" + _UNTIL, re.IGNORECASE),
    re.compile(
        r"^(?:what\s+(?:were|are|was|is)\s+)?(?P<who>.+?)['’]s\s+"
        r"(?:comments?|remarks?|statements?|quotes?|words|reaction|response)\b",
        re.IGNORECASE,
    ),
]
# What a question may ask about that is not a person.
_NOT_PEOPLE = frozenset(
    """i you we he she they it him her them anyone anybody someone somebody everyone everybody
    nobody people this that these those there who what which report article story statement
    study document draft rule ruling law bill deal data survey text briefing coverage news
    press media paper source sources""".split()
)


def person_of(question: str) -> str | None:
    """The person (a name or a role phrase) whose statements a question asks about, or None
    when it does not ask what someone said (pure)."""
    text = " ".join(question.split()).strip()
    for pattern in _ASKS:
        match = pattern.search(text)
        if match is None:
            continue
        who = match.group("who").strip(" ,;:'\"“”")
        words = _words(who)
        if not words or len(words) > 7:
            continue
        core = [fold(w) for w in words if fold(w) not in DETERMINERS]
        if not core or all(w in _NOT_PEOPLE for w in core) or core[-1] in _NOT_PEOPLE:
            continue
        if len(words) == 1 and not words[0][:1].isupper() and core[0] not in ROLE_WORDS:
            continue  # "what did it say", "did anyone comment"
        return who
    return None


# ----------------------------------------------------------------------------- renderings


def no_quote_text(quotes: QuoteList) -> str:
    """The one line for an empty list (plain text: the caller escapes it for its markup)."""
    if quotes.ambiguous:
        return (
            f"“{quotes.person}” could mean {' or '.join(quotes.ambiguous)}: "
            "ask for one of them by name."
        )
    if quotes.person:
        return f"No quote from {quotes.person} in the coverage."
    return "No quotes in the coverage."


def quotes_to_markdown(quotes: QuoteList) -> str:
    """Markdown: each quote verbatim with its speaker and date, then its sources."""
    if not quotes.quotes:
        return md_escape(no_quote_text(quotes))
    head = f"Quotes from {quotes.person}" if quotes.person else "Latest quotes"
    lines = [f"## {md_escape(head)}", ""]
    for q in quotes.quotes:
        lines.append(
            f"> “{md_escape(q.text)}”  \n> — {md_escape(q.speaker)}, "
            f"{local_time(q.at, quotes.timezone)}"
        )
        lines.append("")
        lines += [
            md_source_line(r.n, r.title, r.url, r.site, r.published_at, quotes.timezone)
            for r in q.sources
        ]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"


def quotes_to_dict(quotes: QuoteList) -> dict[str, Any]:
    """The JSON form (times in ISO 8601 UTC)."""
    return {
        "person": quotes.person,
        "found": quotes.found,
        "ambiguous": list(quotes.ambiguous),
        "topic": quotes.topic,
        "quotes": [
            {
                "text": q.text,
                "speaker": q.speaker,
                "at": q.at.isoformat(),
                "sources": [
                    {
                        "n": r.n,
                        "article_id": r.article_id,
                        "title": r.title,
                        "url": r.url,
                        "site": r.site,
                        "published_at": r.published_at.isoformat() if r.published_at else None,
                    }
                    for r in q.sources
                ],
            }
            for q in quotes.quotes
        ],
    }
