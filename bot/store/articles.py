"""Sources' fetch state, articles, stories and summaries: what collection writes and every
later stage reads.

Re-runs never duplicate rows: an article is unique per topic and canonical URL, a summary per
article and summariser version.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.models import Article, Summary
from bot.store import schema
from bot.store.db import Database, row_to, utc
from bot.store.embed import embed, to_blob
from bot.store.passages import chunk_passages, record_terms


@dataclass(frozen=True, slots=True)
class NewArticle:
    """An article decided on by the collector, ready to be stored."""

    topic: str
    url: str
    canonical_url: str
    source: str
    title: str
    text: str
    fetched_at: datetime
    content_hash: str
    signature: str
    terms: tuple[str, ...]
    relevance: float
    relevant: bool
    relevance_reason: str
    story_id: int | None
    duplicate_of: int | None
    author: str | None = None
    site_name: str | None = None
    published_at: datetime | None = None
    # (text, float16 embedding blob) of each passage, when already computed (in a worker
    # process); None: chunked and embedded here.
    passages: tuple[tuple[str, bytes], ...] | None = None


@dataclass(frozen=True, slots=True)
class BatchItem:
    """One article of a batch written in one transaction (`Articles.add_articles`).

    An article may refer to an earlier item of the same batch, whose ids are not known yet:
    as a copy of it (`copy_of_item`), or as joining the story it starts (`story_of_item`).
    """

    article: NewArticle
    new_story: bool = False
    copy_of_item: int | None = None
    story_of_item: int | None = None


@dataclass(frozen=True, slots=True)
class Added:
    """Where a stored article ended up."""

    id: int
    story_id: int | None
    duplicate_of: int | None


@dataclass(frozen=True, slots=True)
class SourceState:
    etag: str | None
    last_modified: str | None
    last_checked_at: datetime | None
    last_ok_at: datetime | None
    last_error: str | None
    last_new: int


@dataclass(frozen=True, slots=True)
class SourceRow:
    """One source as `briefbot status` and `/brief sources` show it."""

    topic: str
    key: str
    kind: str
    name: str
    last_checked_at: datetime | None
    last_ok_at: datetime | None
    last_error: str | None
    last_new: int


@dataclass(frozen=True, slots=True)
class RecentArticle:
    """What near-duplicate and story decisions need to know about a stored article."""

    id: int
    story_id: int | None
    duplicate_of: int | None
    signature: str
    terms: frozenset[str]
    relevant: bool
    content_hash: str = ""


class Articles:
    """Sources, articles, stories and summaries of every topic."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def source_state(self, topic: str, key: str) -> SourceState | None:
        t = schema.sources
        async with self.db.engine.connect() as conn:
            row = (
                await conn.execute(sa.select(t).where(t.c.topic == topic, t.c.key == key))
            ).first()
        if row is None:
            return None
        m = row._mapping
        return SourceState(
            m["etag"],
            m["last_modified"],
            m["last_checked_at"],
            m["last_ok_at"],
            m["last_error"],
            m["last_new"],
        )

    async def record_source(
        self,
        *,
        topic: str,
        key: str,
        kind: str,
        name: str,
        checked_at: datetime,
        error: str | None,
        new: int,
        etag: str | None = None,
        last_modified: str | None = None,
        keep_validators: bool = False,
    ) -> None:
        """Record one source's outcome; validators are replaced unless keep_validators."""
        t = schema.sources
        values: dict[str, Any] = {
            "kind": kind,
            "name": name,
            "last_checked_at": checked_at,
            "last_error": error,
            "last_new": new,
        }
        if error is None:
            values["last_ok_at"] = checked_at
            if not keep_validators:
                values.update(etag=etag, last_modified=last_modified)
        async with self.db.engine.begin() as conn:
            await conn.execute(
                self.db.insert_ignore(t, ["topic", "key"]).values(
                    topic=topic, key=key, kind=kind, name=name, last_checked_at=checked_at
                )
            )
            await conn.execute(
                t.update().where(t.c.topic == topic, t.c.key == key).values(**values)
            )

    async def list_sources(self, topic: str | None = None) -> list[SourceRow]:
        t = schema.sources
        query = sa.select(t).order_by(t.c.topic, t.c.id)
        if topic:
            query = query.where(t.c.topic == topic)
        async with self.db.engine.connect() as conn:
            return [row_to(SourceRow, r) for r in await conn.execute(query)]

    async def known_urls(self, topic: str, canonical_urls: Iterable[str]) -> set[str]:
        """Which of these canonical URLs are already stored for the topic."""
        urls = list(dict.fromkeys(canonical_urls))
        found: set[str] = set()
        t = schema.articles
        async with self.db.engine.connect() as conn:
            for i in range(0, len(urls), 500):
                chunk = urls[i : i + 500]
                rows = await conn.execute(
                    sa.select(t.c.canonical_url).where(
                        t.c.topic == topic, t.c.canonical_url.in_(chunk)
                    )
                )
                found.update(r[0] for r in rows)
        return found

    async def article_by_hash(self, topic: str, content_hash: str) -> RecentArticle | None:
        t = schema.articles
        async with self.db.engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.select(*_recent_columns(t))
                    .where(t.c.topic == topic, t.c.content_hash == content_hash)
                    .order_by(t.c.id)
                    .limit(1)
                )
            ).first()
        return _recent(row) if row else None

    async def recent_articles(self, topic: str, since: datetime) -> list[RecentArticle]:
        """Articles fetched since a time, for near-duplicate and story grouping decisions."""
        t = schema.articles
        async with self.db.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(*_recent_columns(t))
                .where(t.c.topic == topic, t.c.fetched_at >= since)
                .order_by(t.c.id)
            )
            return [_recent(r) for r in rows]

    async def add_article(
        self, article: NewArticle, *, new_story: bool = False
    ) -> tuple[int, int | None] | None:
        """Insert an article (and, if new_story, the story it starts) in one transaction.

        Returns (article id, story id), or None when its canonical URL is already stored; then
        nothing is written, so a re-run or a race never leaves an empty story behind.
        """
        (added,) = await self.add_articles([BatchItem(article, new_story=new_story)])
        return None if added is None else (added.id, added.story_id)

    async def add_articles(self, items: Sequence[BatchItem]) -> list[Added | None]:
        """Insert a batch of articles, the stories they start, their passages and the stories'
        last-seen times in one transaction (a handful of statements, whatever its size).

        Returns, item by item, where each article went, or None when its canonical URL was
        already stored (or came earlier in the batch): nothing is written for it, and a story
        is only created when one of its articles is. References to an item that was not
        stored fall back: a copy of it becomes an original, and the first stored article of
        the story it would have started starts it instead.
        """
        if not items:
            return []
        t, s = schema.articles, schema.stories
        rows: list[dict[str, Any]] = []
        first: dict[tuple[str, str], int] = {}
        for i, item in enumerate(items):
            a = item.article
            if first.setdefault((a.topic, a.canonical_url), i) == i:
                rows.append(_article_row(a))
        async with self.db.engine.begin() as conn:
            stored = await conn.execute(
                self.db.insert_ignore(t, ["topic", "canonical_url"]).returning(
                    t.c.id, t.c.topic, t.c.canonical_url
                ),
                rows,
            )
            by_url = {(r[1], r[2]): int(r[0]) for r in stored}
            ids: list[int | None] = [
                by_url.get((it.article.topic, it.article.canonical_url))
                if first[(it.article.topic, it.article.canonical_url)] == i
                else None
                for i, it in enumerate(items)
            ]
            originals = _originals(items, ids)
            groups = _story_groups(items, ids)
            creators = sorted({creator for creator, _ in groups.values()})
            story_ids: dict[int, int] = {}
            if creators:
                last_seen: dict[int, datetime] = {}
                for creator, member in groups.values():
                    at = items[member].article.fetched_at
                    last_seen[creator] = max(last_seen.get(creator, at), at)
                rows = [
                    {
                        "topic": items[c].article.topic,
                        "title": items[c].article.title,
                        "terms": " ".join(sorted(items[c].article.terms)),
                        "first_seen_at": items[c].article.fetched_at,
                        "last_seen_at": last_seen[c],
                    }
                    for c in creators
                ]
                story_ids = dict(zip(creators, await _insert_ids(conn, s, rows), strict=True))
            results: list[Added | None] = []
            fixes: list[dict[str, Any]] = []
            seen: dict[int, datetime] = {}
            for i, (item, article_id) in enumerate(zip(items, ids, strict=True)):
                if article_id is None:
                    results.append(None)
                    continue
                a = item.article
                story_id = story_ids[groups[i][0]] if i in groups else a.story_id
                duplicate_of = originals[i]
                if story_id != a.story_id or duplicate_of != a.duplicate_of:
                    fixes.append({"_id": article_id, "_story": story_id, "_dup": duplicate_of})
                if i not in groups and story_id is not None:
                    seen[story_id] = max(seen.get(story_id, a.fetched_at), a.fetched_at)
                results.append(Added(article_id, story_id, duplicate_of))
            if fixes:
                await conn.execute(
                    t.update()
                    .where(t.c.id == sa.bindparam("_id"))
                    .values(story_id=sa.bindparam("_story"), duplicate_of=sa.bindparam("_dup")),
                    fixes,
                )
            if seen:
                await conn.execute(
                    s.update()
                    .where(s.c.id == sa.bindparam("_id"), s.c.last_seen_at < sa.bindparam("_at"))
                    .values(last_seen_at=sa.bindparam("_at")),
                    [{"_id": k, "_at": v} for k, v in sorted(seen.items())],
                )
            passages = [
                {
                    "article_id": added.id,
                    "topic": item.article.topic,
                    "seq": seq,
                    "title": item.article.title,
                    "text": text,
                    "at": item.article.published_at or item.article.fetched_at,
                    "embedding": blob,
                }
                for item, added in zip(items, results, strict=True)
                if added is not None
                for seq, (text, blob) in enumerate(_passages(item.article))
            ]
            if passages:
                await conn.execute(schema.passages.insert(), passages)
                await record_terms(conn, [r.id for r in results if r is not None])
        return results

    async def story_of(self, article_id: int) -> int | None:
        t = schema.articles
        async with self.db.engine.connect() as conn:
            value = (
                await conn.execute(sa.select(t.c.story_id).where(t.c.id == article_id))
            ).scalar_one_or_none()
        return int(value) if value is not None else None

    async def articles_in_window(
        self, topic: str, start: datetime, end: datetime, *, relevant_only: bool = True
    ) -> list[Article]:
        """Articles collected in [start, end], oldest first."""
        t = schema.articles
        query = (
            sa.select(t)
            .where(t.c.topic == topic, t.c.fetched_at >= start, t.c.fetched_at <= end)
            .order_by(t.c.fetched_at, t.c.id)
        )
        if relevant_only:
            query = query.where(t.c.relevant == sa.true())
        async with self.db.engine.connect() as conn:
            return [_article(r) for r in await conn.execute(query)]

    async def last_fetched_at(self, topic: str) -> datetime | None:
        """When the topic's newest relevant article was collected (None: never)."""
        t = schema.articles
        query = sa.select(sa.func.max(t.c.fetched_at)).where(
            t.c.topic == topic, t.c.relevant == sa.true()
        )
        async with self.db.engine.connect() as conn:
            value = (await conn.execute(query)).scalar()
        return utc(value) if value is not None else None

    async def articles_by_id(self, ids: Iterable[int]) -> dict[int, Article]:
        wanted = list(set(ids))
        if not wanted:
            return {}
        t = schema.articles
        async with self.db.engine.connect() as conn:
            rows = await conn.execute(sa.select(t).where(t.c.id.in_(wanted)))
            return {a.id: a for a in map(_article, rows)}

    async def story_first_seen(self, story_ids: Iterable[int]) -> dict[int, datetime]:
        ids = list(set(story_ids))
        if not ids:
            return {}
        s = schema.stories
        async with self.db.engine.connect() as conn:
            rows = await conn.execute(sa.select(s.c.id, s.c.first_seen_at).where(s.c.id.in_(ids)))
            return {int(r[0]): r[1] for r in rows}

    async def get_summary(
        self, article_id: int, summariser: str, prompt_version: str
    ) -> Summary | None:
        t = schema.summaries
        async with self.db.engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.select(t.c.payload).where(
                        t.c.article_id == article_id,
                        t.c.summariser == summariser,
                        t.c.prompt_version == prompt_version,
                    )
                )
            ).first()
        return Summary.from_dict(json.loads(row[0])) if row else None

    async def get_summaries(
        self, article_ids: Iterable[int], summariser: str, prompt_version: str
    ) -> dict[int, Summary]:
        """Stored summaries of several articles by one summariser version, in one query."""
        ids = list(set(article_ids))
        t = schema.summaries
        found: dict[int, Summary] = {}
        async with self.db.engine.connect() as conn:
            for i in range(0, len(ids), 500):
                rows = await conn.execute(
                    sa.select(t.c.article_id, t.c.payload).where(
                        t.c.article_id.in_(ids[i : i + 500]),
                        t.c.summariser == summariser,
                        t.c.prompt_version == prompt_version,
                    )
                )
                found.update((r[0], Summary.from_dict(json.loads(r[1]))) for r in rows)
        return found

    async def save_summaries(self, summaries: Mapping[int, Summary], at: datetime) -> None:
        """Store several summaries in one transaction (each once per article and version)."""
        if not summaries:
            return
        t = schema.summaries
        rows = [
            {
                "article_id": article_id,
                "summariser": summary.summariser,
                "prompt_version": summary.prompt_version,
                "created_at": at,
                "payload": json.dumps(summary.to_dict(), ensure_ascii=False),
                "prompt_tokens": summary.prompt_tokens or None,
                "completion_tokens": summary.completion_tokens or None,
            }
            for article_id, summary in summaries.items()
        ]
        async with self.db.engine.begin() as conn:
            await conn.execute(
                self.db.insert_ignore(t, ["article_id", "summariser", "prompt_version"]), rows
            )


def _article_row(article: NewArticle) -> dict[str, Any]:
    return {
        "topic": article.topic,
        "url": article.url,
        "canonical_url": article.canonical_url,
        "source": article.source,
        "title": article.title,
        "author": article.author,
        "site_name": article.site_name,
        "published_at": article.published_at,
        "fetched_at": article.fetched_at,
        "text": article.text,
        "content_hash": article.content_hash,
        "signature": article.signature,
        "terms": " ".join(sorted(article.terms)),
        "relevance": article.relevance,
        "relevant": article.relevant,
        "relevance_reason": article.relevance_reason,
        "story_id": article.story_id,
        "duplicate_of": article.duplicate_of,
    }


def _originals(items: Sequence[BatchItem], ids: Sequence[int | None]) -> list[int | None]:
    """Each item's original: its own `duplicate_of`, or the id of the batch item it copies
    (None when that one was not stored: the copy is then an original itself)."""
    out: list[int | None] = []
    for item in items:
        j = item.copy_of_item
        out.append(item.article.duplicate_of if j is None else ids[j])
    return out


def _story_groups(
    items: Sequence[BatchItem], ids: Sequence[int | None]
) -> dict[int, tuple[int, int]]:
    """For each stored item in a story started within the batch: (the item that creates the
    story, itself). The creator is the first stored item of the group, in batch order."""
    root: list[int | None] = []
    for i, item in enumerate(items):
        j = item.story_of_item
        root.append(i if item.new_story else (root[j] if j is not None and j < i else None))
    creator: dict[int, int] = {}
    groups: dict[int, tuple[int, int]] = {}
    for i, r in enumerate(root):
        if r is not None and ids[i] is not None:
            groups[i] = (creator.setdefault(r, i), i)
    return groups


async def _insert_ids(
    conn: AsyncConnection, table: sa.Table, rows: list[dict[str, Any]]
) -> list[int]:
    """Insert rows into a table keyed by an integer id; their ids, in the rows' order.

    SQLite gives each inserted row the largest rowid + 1, in the order inserted, and the
    transaction holds the write lock, so the ids in ascending order are the rows' order: the
    rows go in a few multi-row statements. (Asking SQLAlchemy for the rows' order instead
    made it insert them one statement per row on SQLite.) Elsewhere SQLAlchemy keeps the
    order itself.
    """
    if conn.dialect.name == "sqlite":
        created = await conn.execute(table.insert().returning(table.c.id), rows)
        return sorted(int(r[0]) for r in created)
    created = await conn.execute(
        table.insert().returning(table.c.id, sort_by_parameter_order=True), rows
    )
    return [int(r[0]) for r in created]


def _passages(article: NewArticle) -> list[tuple[str, bytes]]:
    if article.passages is not None:
        return list(article.passages)
    chunks = chunk_passages(article.text)
    vectors = embed([f"{article.title}. {chunk}" for chunk in chunks])
    return [(c, to_blob(v)) for c, v in zip(chunks, vectors, strict=True)]


def _article(row: sa.Row[Any]) -> Article:
    m = row._mapping
    return Article(
        id=m["id"],
        topic=m["topic"],
        url=m["url"],
        canonical_url=m["canonical_url"],
        title=m["title"],
        text=m["text"],
        source=m["source"],
        fetched_at=m["fetched_at"],
        content_hash=m["content_hash"],
        author=m["author"],
        published_at=m["published_at"],
        site_name=m["site_name"],
        relevance=m["relevance"],
        relevant=bool(m["relevant"]),
        story_id=m["story_id"],
        duplicate_of=m["duplicate_of"],
        terms=frozenset((m["terms"] or "").split()),
    )


def _recent_columns(t: sa.Table) -> tuple[sa.Column[Any], ...]:
    """What `RecentArticle` is read from."""
    return (
        t.c.id,
        t.c.story_id,
        t.c.duplicate_of,
        t.c.signature,
        t.c.terms,
        t.c.relevant,
        t.c.content_hash,
    )


def _recent(row: Any) -> RecentArticle:
    m = row._mapping
    return RecentArticle(
        id=m["id"],
        story_id=m["story_id"],
        duplicate_of=m["duplicate_of"],
        signature=m["signature"],
        terms=frozenset(m["terms"].split()),
        relevant=bool(m["relevant"]),
        content_hash=m.get("content_hash", ""),
    )
