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
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

from bot.answer.roles import DETERMINERS, ROLE_WORDS, Wanted, fold, named_speaker, words_of
from bot.answer.sentences import STOPWORDS, stems
from bot.models import SourceRef
from bot.store.quotes import StoredQuote
from bot.text.markdown import md_escape, md_source_line
from bot.text.when import local_time


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
        wanted = Wanted.of(person) if person and person.strip() else None
        # Who holds a role is read from all the coverage ("Commission spokeswoman Ines
        # Lachaud" yesterday), whatever window the quotes are asked for.
        stored = [
            q
            for q in await self.store.quotes(
                topic, since=None if wanted is not None else since, until=until
            )
            if q.speaker and named_speaker(q.speaker)
        ]
        chosen, ambiguous = (stored, ()) if wanted is None else wanted.select(stored)
        if since is not None:
            chosen = [q for q in chosen if any(s.at >= since for s in q.sources)]
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


# ----------------------------------------------------------------------------- questions

_VERBS = (
    r"say|says|said|saying|comment|comments|commented|commenting|react|reacts|reacted|"
    r"reacting|respond|responds|responded|tell|tells|told|claim|claimed|argue|"
    r"argued|warn|warned|speak|spoke|spoken|add|added|reply|replied|mention|mentioned|"
    r"announce|announced|write|wrote|written|tweet|tweeted|quote|quoted|declare|declared|"
    r"describe|described|insist|insisted|admit|admitted|explain|explained|deny|denied|"
    r"acknowledge|acknowledged|concede|conceded|urge|urged|criticise|"
    r"criticised|criticize|criticized|welcome|welcomed|defend|defended|dismiss|dismissed|"
    r"justify|justifies|justified|explain|explained"
)
SPEECH_VERBS = tuple(_VERBS.split("|"))  # the verbs of a "what did X say" question
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
        r"(?:(?:did|does|do|has|have|had|is|was|were|will|would|could|can)\s+|['’]s\s+)"
        r"(?P<who>.+?)\s+" + _ADVERBS + rf"(?:{_VERBS})\b",
        re.IGNORECASE,
    ),
    re.compile(
        r"\b(?:comments?|quotes?|statements?|remarks?|reactions?|responses?|words)\s+"
        r"(?:from|by|of)\s+(?P<who>.+?)" + _UNTIL,
        re.IGNORECASE,
    ),
    re.compile(r"\bsaid\s+by\s+(?P<who>.+?)" + _UNTIL, re.IGNORECASE),
    re.compile(
        r"^(?:what(?:\s+(?:were|are|was|is)|['’]s)\s+)?(?P<who>.+?)['’]s\s+"
        r"(?:comments?|remarks?|statements?|quotes?|words|reaction|response|line|stance|"
        r"message|verdict)\b",
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


# "whats the minister's response": "what's", typed without its apostrophe
_APOSTROPHE_LEFT_OUT = re.compile(r"\b(what|who|how|where|when)s\b", re.IGNORECASE)


def person_of(question: str) -> str | None:
    """The person (a name or a role phrase) whose statements a question asks about, or None
    when it does not ask what someone said (pure)."""
    text = _APOSTROPHE_LEFT_OUT.sub(r"\1's", " ".join(question.split()).strip())
    for pattern in _ASKS:
        match = pattern.search(text)
        if match is None:
            continue
        who = match.group("who").strip(" ,;:'\"“”")
        words = words_of(who)
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


# "Who said the plant is plan A, B and C?", "Who called the offer opportunistic?"
_WHO_SAID = re.compile(
    r"^\s*(?:and\s+)?who (?:said|says|called|described|warned|told|argued|insisted|claimed|"
    r"complained|declared)\b(?P<words>.+?)[?.!]*\s*$",
    re.IGNORECASE,
)
SAID_ENOUGH = 0.6  # the share of the question's words a quote must hold to be the one asked


def words_asked(question: str) -> str | None:
    """The words a "who said …?" question quotes or paraphrases; None for other questions."""
    m = _WHO_SAID.match(question)
    return m.group("words") if m else None


def who_said(words: str, quotes: Sequence[FoundQuote]) -> FoundQuote | None:
    """The stored quote that says the words asked about (most of them, in its own words),
    when exactly one quote says them best; None when none does, or two speakers tie."""
    asked = stems(words) - STOPWORDS
    if not asked:
        return None
    scored = sorted(
        ((len(asked & stems(q.text)) / len(asked), q) for q in quotes),
        key=lambda x: -x[0],
    )
    if not scored or scored[0][0] < SAID_ENOUGH:
        return None
    best, quote = scored[0]
    rivals = {q.speaker for share, q in scored if share == best}
    return quote if len(rivals) == 1 else None
