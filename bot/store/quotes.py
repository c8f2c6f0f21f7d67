"""The stored verified quotes of a topic's relevant articles, read from their summaries.

Every summary keeps its article's quotes (verbatim, with a speaker or none). This module lists
them for a time window, newest first: one summary per article (the newest, whatever summariser
or prompt version wrote it), each quote checked again to be word for word in its article, and
a quote carried by several syndicated copies listed once with every copy as a source. It reads
only; deciding whose quotes a question wants is the answer stage's job.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.models import Summary
from bot.store import schema
from bot.store.db import Database
from bot.text.match import is_verbatim, normalise_for_match, quote_needle


@dataclass(frozen=True, slots=True)
class QuoteSource:
    """An article carrying a quote; `text` is kept to read how the article names the speaker."""

    article_id: int
    title: str
    url: str
    site: str | None
    at: datetime  # published, else fetched
    text: str


@dataclass(frozen=True, slots=True)
class StoredQuote:
    """A verbatim quote and every stored article carrying it (oldest first)."""

    text: str
    speaker: str | None
    sources: tuple[QuoteSource, ...]

    @property
    def at(self) -> datetime:
        """When it was first reported: its earliest source's time."""
        return self.sources[0].at


class Quotes:
    """Quotes of stored summaries (the `summaries` payloads) over one database."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def quotes(
        self, topic: str | None, *, since: datetime | None, until: datetime | None
    ) -> list[StoredQuote]:
        """Quotes of the topic's (or every topic's) relevant articles published (else fetched)
        in [since, until], newest first; within one article, in the article's order."""
        t, s = schema.articles, schema.summaries
        when = sa.func.coalesce(t.c.published_at, t.c.fetched_at)
        query = (
            sa.select(
                t.c.id,
                t.c.title,
                t.c.url,
                t.c.site_name,
                t.c.published_at,
                t.c.fetched_at,
                t.c.text,
                s.c.payload,
            )
            .join(s, s.c.article_id == t.c.id)
            .where(t.c.relevant == sa.true())
            # the newest summary of each article comes first
            .order_by(t.c.id, s.c.created_at.desc(), s.c.id.desc())
        )
        if topic:
            query = query.where(t.c.topic == topic)
        if since is not None:
            query = query.where(when >= since)
        if until is not None:
            query = query.where(when <= until)
        newest: dict[int, tuple[QuoteSource, Summary]] = {}
        async with self.db.engine.connect() as conn:
            for row in await conn.execute(query):
                m = row._mapping
                if m["id"] in newest:
                    continue
                newest[m["id"]] = (_source(m), Summary.from_dict(json.loads(m["payload"])))
        return _merged(newest.values())


def _source(m: Any) -> QuoteSource:
    return QuoteSource(
        article_id=int(m["id"]),
        title=m["title"],
        url=m["url"],
        site=m["site_name"],
        at=m["published_at"] or m["fetched_at"],
        text=m["text"],
    )


def _merged(found: Iterable[tuple[QuoteSource, Summary]]) -> list[StoredQuote]:
    """One entry per (quote text, speaker): syndicated copies become sources of one quote.
    A quote whose text is not in its article (a stale or tampered payload) is left out."""
    ordered = sorted(found, key=lambda pair: (pair[0].at, pair[0].article_id))
    first: dict[tuple[str, str], tuple[str, str | None, int]] = {}
    carried: dict[tuple[str, str], list[QuoteSource]] = {}
    for source, summary in ordered:
        for position, quote in enumerate(summary.quotes):
            if not quote.text.strip() or not is_verbatim(quote.text, source.text):
                continue
            key = (
                quote_needle(quote.text).casefold(),
                normalise_for_match(quote.speaker or "").casefold(),
            )
            first.setdefault(key, (quote.text, quote.speaker, position))
            sources = carried.setdefault(key, [])
            if all(s.article_id != source.article_id for s in sources):
                sources.append(source)
    quotes = [
        (first[key][2], StoredQuote(first[key][0], first[key][1], tuple(carried[key])))
        for key in first
    ]
    # Newest first; quotes first reported by one article keep that article's order.
    quotes.sort(key=lambda pq: (-pq[1].at.timestamp(), -pq[1].sources[0].article_id, pq[0]))
    return [q for _, q in quotes]
