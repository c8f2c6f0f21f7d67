"""ArticleStore: every read and write of the database, behind one async class.

Other stages never write SQL. Writes that may be repeated (re-running a command, a retry) are
idempotent through unique constraints and "insert, ignore on conflict", so re-runs never
duplicate rows. Works on SQLite (default) and is kept to constructs PostgreSQL also runs.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.errors import StoreError
from bot.models import Article, Subscription, Summary
from bot.store import migrations, schema
from bot.store.passages import chunk_passages


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


@dataclass(frozen=True, slots=True)
class SourceState:
    etag: str | None
    last_modified: str | None
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


@dataclass(frozen=True, slots=True)
class PassageHit:
    """A passage found by full-text search; lower `rank` is better (BM25, as FTS5 gives it)."""

    id: int
    article_id: int
    title: str
    text: str
    at: datetime
    rank: float


@dataclass(frozen=True, slots=True)
class Turn:
    role: str
    text: str
    at: datetime
    citations: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class StoredBriefing:
    id: int
    topic: str
    briefing_date: str
    created_at: datetime
    window_start: datetime
    window_end: datetime
    story_ids: tuple[int, ...]
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class DeliveryClaim:
    """The outcome of claiming a day's delivery to a channel.

    new: nobody tried before, post it. resumed: an earlier attempt did not finish (a crash, an
    error); look for its message before posting again. done: already posted. busy: another
    worker holds a fresh claim."""

    id: int
    state: Literal["new", "resumed", "done", "busy"]
    attempts: int
    claimed_at: datetime
    message_ref: str | None = None


# PostgreSQL retrieval: a term in fewer passages than RARE picks candidates; at most
# CANDIDATES passages are ranked per question.
RARE = 2000
CANDIDATES = 5000


def create_engine(url: str) -> AsyncEngine:
    """An async engine for the URL (SQLite files get their folder created)."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        if path and path != ":memory:":
            from pathlib import Path

            Path(path).parent.mkdir(parents=True, exist_ok=True)
        engine = create_async_engine(url, connect_args={"timeout": 30})

        @sa.event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

        return engine
    return create_async_engine(url, pool_pre_ping=True)


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
    )


class ArticleStore:
    """The database: sources' fetch state, articles, stories, summaries, briefings."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @classmethod
    def from_url(cls, url: str) -> ArticleStore:
        return cls(create_engine(url))

    async def close(self) -> None:
        await self.engine.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def _insert_ignore(self, table: sa.Table, conflict: Sequence[str]) -> Any:
        """INSERT … ON CONFLICT DO NOTHING for the engine's dialect."""
        if self.dialect == "postgresql":
            return postgresql.insert(table).on_conflict_do_nothing(index_elements=list(conflict))
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=list(conflict))

    def _raw_time(self, value: datetime) -> Any:
        """A time as a raw SQL parameter: SQLite compares the stored text, PostgreSQL wants a
        naive UTC datetime."""
        if self.dialect == "postgresql":
            return value.astimezone(UTC).replace(tzinfo=None)
        return _naive(value)

    # ------------------------------------------------------------------ schema

    async def migrate(self) -> list[int]:
        """Apply pending migrations; returns the versions applied."""
        try:
            async with self.engine.begin() as conn:
                return await conn.run_sync(migrations.migrate)
        except SQLAlchemyError as exc:
            raise StoreError(f"could not migrate the database ({type(exc).__name__})") from exc
        except OSError as exc:
            raise StoreError(f"could not open the database ({exc.strerror})") from exc

    async def schema_version(self) -> int:
        async with self.engine.begin() as conn:
            versions = await conn.run_sync(migrations.applied_versions)
        return max(versions, default=0)

    # ------------------------------------------------------------------ sources

    async def source_state(self, topic: str, key: str) -> SourceState | None:
        t = schema.sources
        async with self.engine.connect() as conn:
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
        async with self.engine.begin() as conn:
            await conn.execute(
                self._insert_ignore(t, ["topic", "key"]).values(
                    topic=topic, key=key, kind=kind, name=name, last_checked_at=checked_at
                )
            )
            await conn.execute(
                t.update().where(t.c.topic == topic, t.c.key == key).values(**values)
            )

    async def list_sources(self, topic: str | None = None) -> list[dict[str, Any]]:
        t = schema.sources
        query = sa.select(t).order_by(t.c.topic, t.c.id)
        if topic:
            query = query.where(t.c.topic == topic)
        async with self.engine.connect() as conn:
            return [dict(r._mapping) for r in await conn.execute(query)]

    # ------------------------------------------------------------------ articles

    async def known_urls(self, topic: str, canonical_urls: Iterable[str]) -> set[str]:
        """Which of these canonical URLs are already stored for the topic."""
        urls = list(dict.fromkeys(canonical_urls))
        found: set[str] = set()
        t = schema.articles
        async with self.engine.connect() as conn:
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
        async with self.engine.connect() as conn:
            row = (
                await conn.execute(
                    sa.select(
                        t.c.id,
                        t.c.story_id,
                        t.c.duplicate_of,
                        t.c.signature,
                        t.c.terms,
                        t.c.relevant,
                    )
                    .where(t.c.topic == topic, t.c.content_hash == content_hash)
                    .order_by(t.c.id)
                    .limit(1)
                )
            ).first()
        return _recent(row) if row else None

    async def recent_articles(self, topic: str, since: datetime) -> list[RecentArticle]:
        """Articles fetched since a time, for near-duplicate and story grouping decisions."""
        t = schema.articles
        async with self.engine.connect() as conn:
            rows = await conn.execute(
                sa.select(
                    t.c.id,
                    t.c.story_id,
                    t.c.duplicate_of,
                    t.c.signature,
                    t.c.terms,
                    t.c.relevant,
                    t.c.content_hash,
                )
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
        values = {
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
        t, s = schema.articles, schema.stories
        async with self.engine.begin() as conn:
            row = (
                await conn.execute(
                    self._insert_ignore(t, ["topic", "canonical_url"])
                    .values(**values)
                    .returning(t.c.id)
                )
            ).first()
            if row is None:
                return None
            article_id = int(row[0])
            story_id = article.story_id
            if new_story:
                story_id = (
                    await conn.execute(
                        s.insert()
                        .values(
                            topic=article.topic,
                            title=article.title,
                            terms=values["terms"],
                            first_seen_at=article.fetched_at,
                            last_seen_at=article.fetched_at,
                        )
                        .returning(s.c.id)
                    )
                ).scalar_one()
                await conn.execute(t.update().where(t.c.id == article_id).values(story_id=story_id))
            elif article.story_id is not None:
                await conn.execute(
                    s.update()
                    .where(s.c.id == article.story_id, s.c.last_seen_at < article.fetched_at)
                    .values(last_seen_at=article.fetched_at)
                )
            chunks = chunk_passages(article.text)
            if chunks:
                await conn.execute(
                    schema.passages.insert(),
                    [
                        {
                            "article_id": article_id,
                            "topic": article.topic,
                            "seq": i,
                            "title": article.title,
                            "text": chunk,
                            "at": article.published_at or article.fetched_at,
                        }
                        for i, chunk in enumerate(chunks)
                    ],
                )
        return article_id, story_id

    async def story_of(self, article_id: int) -> int | None:
        t = schema.articles
        async with self.engine.connect() as conn:
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
        async with self.engine.connect() as conn:
            return [_article(r) for r in await conn.execute(query)]

    async def articles_by_id(self, ids: Iterable[int]) -> dict[int, Article]:
        wanted = list(set(ids))
        if not wanted:
            return {}
        t = schema.articles
        async with self.engine.connect() as conn:
            rows = await conn.execute(sa.select(t).where(t.c.id.in_(wanted)))
            return {a.id: a for a in map(_article, rows)}

    async def story_first_seen(self, story_ids: Iterable[int]) -> dict[int, datetime]:
        ids = list(set(story_ids))
        if not ids:
            return {}
        s = schema.stories
        async with self.engine.connect() as conn:
            rows = await conn.execute(sa.select(s.c.id, s.c.first_seen_at).where(s.c.id.in_(ids)))
            return {int(r[0]): r[1] for r in rows}

    async def count(self, table: str, topic: str | None = None) -> int:
        t = schema.metadata.tables[table]
        query = sa.select(sa.func.count()).select_from(t)
        if topic is not None and "topic" in t.c:
            query = query.where(t.c.topic == topic)
        async with self.engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())

    # ------------------------------------------------------------------ summaries

    async def get_summary(
        self, article_id: int, summariser: str, prompt_version: str
    ) -> Summary | None:
        t = schema.summaries
        async with self.engine.connect() as conn:
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
        async with self.engine.connect() as conn:
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
        async with self.engine.begin() as conn:
            await conn.execute(
                self._insert_ignore(t, ["article_id", "summariser", "prompt_version"]), rows
            )

    # ------------------------------------------------------------------ retrieval

    async def search_passages(
        self,
        topic: str | None,
        terms: Sequence[str],
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
    ) -> list[PassageHit]:
        """Passages matching any of the terms, best first (BM25, titles weighted up), from
        relevant articles of the topic, optionally within a time range."""
        words = [w for w in (re.sub(r"[^\w]", "", t) for t in terms) if w]
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in dict.fromkeys(words))
        conditions = ["a.relevant = 1"]
        params: dict[str, Any] = {"match": match, "limit": limit}
        if topic is not None:
            conditions.append("p.topic = :topic")
            params["topic"] = topic
        if since is not None:
            conditions.append("p.at >= :since")
            params["since"] = self._raw_time(since)
        if until is not None:
            conditions.append("p.at <= :until")
            params["until"] = self._raw_time(until)
        if self.dialect == "postgresql":
            return await self._search_postgres(words, conditions, params)
        # SQLite: rank inside FTS5 first (it keeps only the best candidates), then filter:
        # joining before ranking makes SQLite score every matching passage of every topic.
        params["candidates"] = max(limit * 25, 500)
        sql = (
            "SELECT p.id, p.article_id, p.title, p.text, p.at, f.rank FROM ("
            "SELECT rowid, rank FROM passage_fts WHERE passage_fts MATCH :match "
            "AND rank MATCH 'bm25(2.0, 1.0)' ORDER BY rank LIMIT :candidates) f "
            "JOIN passages p ON p.id = f.rowid JOIN articles a ON a.id = p.article_id "
            f"WHERE {' AND '.join(conditions)} ORDER BY f.rank LIMIT :limit"
        )
        async with self.engine.connect() as conn:
            rows = (await conn.execute(sa.text(sql), params)).all()
        return [PassageHit(r[0], r[1], r[2], r[3], _utc(r[4]), float(r[5])) for r in rows]

    async def _search_postgres(
        self, words: Sequence[str], conditions: list[str], params: dict[str, Any]
    ) -> list[PassageHit]:
        """BM25-like ranking on PostgreSQL: ts_rank per term (term frequency, title weighted
        up) times the term's inverse document frequency, which ts_rank alone lacks, so a rare
        word the question hinges on outweighs common ones.

        Only candidates are ranked, as FTS5 does on SQLite: passages with one of the rare
        terms when the question has any, else passages with all of its (common) terms.
        Document frequencies are counted up to RARE only, which is all the decision needs."""
        terms = list(dict.fromkeys(w.lower() for w in words))[:12]
        queries = {f"q{i}": term for i, term in enumerate(terms)}
        matches = {k: f"p.search @@ to_tsquery('english', :{k})" for k in queries}
        counts = ", ".join(
            f"(SELECT count(*) FROM (SELECT 1 FROM passages p WHERE {m} LIMIT {RARE}) s)"
            for m in matches.values()
        )
        conditions = ["a.relevant" if c == "a.relevant = 1" else c for c in conditions]
        values = {k: v for k, v in params.items() if k != "match"}
        async with self.engine.connect() as conn:
            total = (
                await conn.execute(
                    sa.text(
                        "SELECT greatest(reltuples::bigint, 1) FROM pg_class "
                        "WHERE oid = 'passages'::regclass"
                    )
                )
            ).scalar_one()
            frequencies = (await conn.execute(sa.text(f"SELECT {counts}"), queries)).one()
            if total <= 1:
                total = (await conn.execute(sa.text("SELECT count(*) FROM passages"))).scalar()
            total = max(int(total or 1), max(frequencies, default=1))
            weights = {
                f"w{i}": math.log((total - df + 0.5) / (df + 0.5) + 1.0)
                for i, df in enumerate(frequencies)
            }
            rare = [matches[f"q{i}"] for i, df in enumerate(frequencies) if df < RARE]
            score = " + ".join(
                f":w{i} * ts_rank(p.search, to_tsquery('english', :q{i}))"
                for i in range(len(terms))
            )

            async def ranked(candidates: str) -> list[Any]:
                sql = (
                    f"SELECT p.id, p.article_id, p.title, p.text, p.at, -10 * ({score}) AS rank "
                    f"FROM (SELECT * FROM passages p WHERE {candidates} LIMIT {CANDIDATES}) p "
                    f"JOIN articles a ON a.id = p.article_id WHERE {' AND '.join(conditions)} "
                    "ORDER BY rank, p.id LIMIT :limit"
                )
                return list(
                    (await conn.execute(sa.text(sql), {**values, **queries, **weights})).all()
                )

            if rare:
                rows = await ranked("(" + " OR ".join(rare) + ")")
            else:
                rows = await ranked("(" + " AND ".join(matches.values()) + ")")
                if len(rows) < int(params["limit"]):
                    rows = await ranked("(" + " OR ".join(matches.values()) + ")")
        return [PassageHit(r[0], r[1], r[2], r[3], _utc(r[4]), float(r[5])) for r in rows]

    # ------------------------------------------------------------------ conversations

    async def add_turn(
        self, conversation: str, role: str, text: str, at: datetime, citations: Sequence[int] = ()
    ) -> None:
        async with self.engine.begin() as conn:
            await conn.execute(
                schema.conversation_turns.insert().values(
                    conversation=conversation,
                    role=role,
                    text=text,
                    at=at,
                    citations=json.dumps(list(citations)),
                )
            )

    async def turns(self, conversation: str, *, last: int) -> list[Turn]:
        """The conversation's last turns, oldest first."""
        t = schema.conversation_turns
        async with self.engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.select(t.c.role, t.c.text, t.c.at, t.c.citations)
                    .where(t.c.conversation == conversation)
                    .order_by(t.c.id.desc())
                    .limit(last)
                )
            ).all()
        return [Turn(r[0], r[1], r[2], tuple(json.loads(r[3]))) for r in reversed(rows)]

    # ------------------------------------------------------------------ LLM usage

    async def record_llm_call(
        self,
        *,
        at: datetime,
        purpose: str,
        model: str,
        prompt: str,
        prompt_tokens: int,
        completion_tokens: int,
        ok: bool,
        topic: str | None = None,
        briefing_date: str | None = None,
    ) -> None:
        """Record one call to the language model and the tokens it used."""
        async with self.engine.begin() as conn:
            await conn.execute(
                schema.llm_calls.insert().values(
                    at=at,
                    purpose=purpose,
                    model=model,
                    prompt=prompt,
                    prompt_tokens=prompt_tokens,
                    completion_tokens=completion_tokens,
                    ok=ok,
                    topic=topic,
                    briefing_date=briefing_date,
                )
            )

    async def llm_usage(self, since: datetime) -> list[dict[str, Any]]:
        """LLM calls since a time: one row per call (stats group them)."""
        t = schema.llm_calls
        async with self.engine.connect() as conn:
            rows = await conn.execute(sa.select(t).where(t.c.at >= since).order_by(t.c.at))
            return [dict(r._mapping) for r in rows]

    # ------------------------------------------------------------------ briefings

    async def briefing_of(self, topic: str, briefing_date: str) -> StoredBriefing | None:
        """The topic's briefing of a date, if one was made."""
        latest = await self.last_briefing(topic, before_date=_next_day(briefing_date))
        return latest if latest and latest.briefing_date == briefing_date else None

    async def last_briefing(
        self, topic: str, *, before_date: str | None = None
    ) -> StoredBriefing | None:
        """The newest briefing of the topic, or the newest dated before `before_date`."""
        t = schema.briefings
        query = sa.select(t).where(t.c.topic == topic)
        if before_date is not None:
            query = query.where(t.c.briefing_date < before_date)
        query = query.order_by(t.c.briefing_date.desc()).limit(1)
        async with self.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        m = row._mapping
        return StoredBriefing(
            id=m["id"],
            topic=m["topic"],
            briefing_date=m["briefing_date"],
            created_at=m["created_at"],
            window_start=m["window_start"],
            window_end=m["window_end"],
            story_ids=tuple(json.loads(m["story_ids"])),
            payload=json.loads(m["payload"]),
        )

    async def save_briefing(
        self,
        *,
        topic: str,
        briefing_date: str,
        created_at: datetime,
        window_start: datetime,
        window_end: datetime,
        story_ids: Sequence[int],
        payload: dict[str, Any],
        degraded: bool,
    ) -> int:
        """Store the topic's briefing for a date; re-running the same day replaces it."""
        t = schema.briefings
        values = {
            "created_at": created_at,
            "window_start": window_start,
            "window_end": window_end,
            "story_ids": json.dumps(list(story_ids)),
            "payload": json.dumps(payload, ensure_ascii=False),
            "degraded": degraded,
        }
        dialect_insert = postgresql.insert if self.dialect == "postgresql" else sqlite.insert
        statement = (
            dialect_insert(t)
            .values(topic=topic, briefing_date=briefing_date, **values)
            .on_conflict_do_update(index_elements=["topic", "briefing_date"], set_=values)
            .returning(t.c.id)
        )
        async with self.engine.begin() as conn:
            return int((await conn.execute(statement)).scalar_one())

    # ------------------------------------------------------------------ deliveries

    async def claim_delivery(
        self,
        *,
        topic: str,
        platform: str,
        channel: str,
        delivery_date: str,
        now: datetime,
        lease: timedelta,
    ) -> DeliveryClaim:
        """Claim the day's delivery of a topic to a channel (unique per topic, channel and
        date). A claim older than `lease` that never completed can be taken over."""
        t = schema.deliveries
        insert = self._insert_ignore(t, ["topic", "platform", "channel", "delivery_date"])
        async with self.engine.begin() as conn:
            inserted = (
                await conn.execute(
                    insert.values(
                        topic=topic,
                        platform=platform,
                        channel=channel,
                        delivery_date=delivery_date,
                        status="claimed",
                        attempts=1,
                        claimed_at=now,
                    ).returning(t.c.id)
                )
            ).scalar()
            if inserted is not None:
                return DeliveryClaim(int(inserted), "new", 1, now)
            row = (
                (
                    await conn.execute(
                        sa.select(t).where(
                            t.c.topic == topic,
                            t.c.platform == platform,
                            t.c.channel == channel,
                            t.c.delivery_date == delivery_date,
                        )
                    )
                )
                .one()
                ._mapping
            )
            if row["status"] == "posted":
                return DeliveryClaim(
                    row["id"], "done", row["attempts"], row["claimed_at"], row["message_ref"]
                )
            if row["claimed_at"] > now - lease:
                return DeliveryClaim(row["id"], "busy", row["attempts"], row["claimed_at"])
            # Take the stale claim over only if nobody else did in the meantime.
            taken = await conn.execute(
                t.update()
                .where(t.c.id == row["id"], t.c.claimed_at == row["claimed_at"])
                .where(t.c.status != "posted")
                .values(claimed_at=now, attempts=t.c.attempts + 1, status="claimed")
            )
            if taken.rowcount != 1:
                return DeliveryClaim(row["id"], "busy", row["attempts"], row["claimed_at"])
            return DeliveryClaim(row["id"], "resumed", row["attempts"] + 1, now)

    async def complete_delivery(
        self, claim_id: int, *, message_ref: str, briefing_id: int | None, now: datetime
    ) -> None:
        t = schema.deliveries
        async with self.engine.begin() as conn:
            await conn.execute(
                t.update()
                .where(t.c.id == claim_id)
                .values(
                    status="posted",
                    message_ref=message_ref,
                    briefing_id=briefing_id,
                    completed_at=now,
                )
            )

    async def fail_delivery(self, claim_id: int) -> None:
        """Mark a claim failed; it is retried once its lease runs out."""
        t = schema.deliveries
        async with self.engine.begin() as conn:
            await conn.execute(
                t.update().where(t.c.id == claim_id, t.c.status != "posted").values(status="failed")
            )

    async def deliveries(
        self, *, topic: str | None = None, date: str | None = None, last: int | None = None
    ) -> list[dict[str, Any]]:
        """Deliveries (of a topic, of a local date, or the last few), oldest first."""
        t = schema.deliveries
        query = sa.select(t).order_by(t.c.id)
        if topic is not None:
            query = query.where(t.c.topic == topic)
        if date is not None:
            query = query.where(t.c.delivery_date == date)
        if last is not None:
            query = sa.select(t).order_by(t.c.id.desc()).limit(last).subquery().select()
            query = query.order_by(query.selected_columns.id)
        async with self.engine.connect() as conn:
            return [dict(r._mapping) for r in await conn.execute(query)]

    async def delivery(self, delivery_id: int) -> dict[str, Any] | None:
        t = schema.deliveries
        async with self.engine.connect() as conn:
            row = (await conn.execute(sa.select(t).where(t.c.id == delivery_id))).first()
        return dict(row._mapping) if row else None

    async def release_delivery(self, delivery_id: int, *, now: datetime, lease: timedelta) -> bool:
        """Make an unfinished delivery claimable at once (an operator's retry); False when it
        was already posted."""
        t = schema.deliveries
        async with self.engine.begin() as conn:
            done = await conn.execute(
                t.update()
                .where(t.c.id == delivery_id, t.c.status != "posted")
                .values(status="failed", claimed_at=now - lease - timedelta(seconds=1))
            )
        return bool(done.rowcount)

    async def delivery_topic(self, platform: str, channel: str, message_ref: str) -> str | None:
        """The topic of a briefing posted as `message_ref` in a channel (for thread replies)."""
        t = schema.deliveries
        async with self.engine.connect() as conn:
            return (
                await conn.execute(
                    sa.select(t.c.topic)
                    .where(
                        t.c.platform == platform,
                        t.c.channel == channel,
                        t.c.message_ref == message_ref,
                    )
                    .limit(1)
                )
            ).scalar()

    # ------------------------------------------------------------------ subscriptions

    async def subscribe(self, subscription: Subscription, *, now: datetime, by: str | None) -> bool:
        """Add or update a chat subscription; True when it is new."""
        t = schema.subscriptions
        values = {"at": subscription.at, "timezone": subscription.timezone}
        async with self.engine.begin() as conn:
            updated = await conn.execute(
                t.update()
                .where(
                    t.c.platform == subscription.platform,
                    t.c.channel == subscription.channel,
                    t.c.topic == subscription.topic,
                )
                .values(**values)
            )
            if updated.rowcount:
                return False
            await conn.execute(
                self._insert_ignore(t, ["platform", "channel", "topic"]).values(
                    platform=subscription.platform,
                    channel=subscription.channel,
                    topic=subscription.topic,
                    created_at=now,
                    created_by=by,
                    **values,
                )
            )
            return True

    async def unsubscribe(self, platform: str, channel: str, topic: str | None = None) -> list[str]:
        """Remove a channel's chat subscriptions (one topic's or all); returns the topics."""
        t = schema.subscriptions
        where = [t.c.platform == platform, t.c.channel == channel]
        if topic is not None:
            where.append(t.c.topic == topic)
        async with self.engine.begin() as conn:
            topics = list((await conn.execute(sa.select(t.c.topic).where(*where))).scalars())
            await conn.execute(t.delete().where(*where))
        return topics

    async def subscriptions(self, platform: str | None = None) -> list[Subscription]:
        t = schema.subscriptions
        query = sa.select(t).order_by(t.c.id)
        if platform is not None:
            query = query.where(t.c.platform == platform)
        async with self.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [
            Subscription(r.topic, r.platform, r.channel, r.at, r.timezone, origin="chat")
            for r in rows
        ]

    # ------------------------------------------------------------------ conversation references

    async def save_reference(
        self, platform: str, conversation: str, reference: Mapping[str, Any], now: datetime
    ) -> None:
        """Remember how to reach a conversation (the newest reference wins)."""
        t = schema.conversation_refs
        values = {"reference": json.dumps(dict(reference)), "updated_at": now}
        async with self.engine.begin() as conn:
            updated = await conn.execute(
                t.update()
                .where(t.c.platform == platform, t.c.conversation == conversation)
                .values(**values)
            )
            if not updated.rowcount:
                await conn.execute(
                    self._insert_ignore(t, ["platform", "conversation"]).values(
                        platform=platform, conversation=conversation, **values
                    )
                )

    async def reference(self, platform: str, conversation: str) -> dict[str, Any] | None:
        t = schema.conversation_refs
        async with self.engine.connect() as conn:
            raw = (
                await conn.execute(
                    sa.select(t.c.reference).where(
                        t.c.platform == platform, t.c.conversation == conversation
                    )
                )
            ).scalar()
        return dict(json.loads(raw)) if raw else None

    # ------------------------------------------------------------------ figures

    async def figures(self) -> dict[str, list[tuple[Any, ...]]]:
        """Counts for monitoring, grouped (the last value of each row is the number)."""
        a, src, sm = schema.articles, schema.sources, schema.summaries
        d, llm = schema.deliveries, schema.llm_calls
        queries = {
            "articles": sa.select(a.c.topic, a.c.source, sa.func.count()).group_by(
                a.c.topic, a.c.source
            ),
            "sources_failing": sa.select(src.c.topic, sa.func.count())
            .where(src.c.last_error.is_not(None))
            .group_by(src.c.topic),
            "summaries": sa.select(sm.c.summariser, sa.func.count()).group_by(sm.c.summariser),
            "deliveries": sa.select(d.c.platform, d.c.status, sa.func.count()).group_by(
                d.c.platform, d.c.status
            ),
            "delivery_retries": sa.select(d.c.platform, sa.func.sum(d.c.attempts - 1)).group_by(
                d.c.platform
            ),
            "llm_prompt_tokens": sa.select(
                llm.c.purpose, sa.func.sum(llm.c.prompt_tokens)
            ).group_by(llm.c.purpose),
            "llm_completion_tokens": sa.select(
                llm.c.purpose, sa.func.sum(llm.c.completion_tokens)
            ).group_by(llm.c.purpose),
        }
        async with self.engine.connect() as conn:
            return {
                name: [tuple(row) for row in await conn.execute(query)]
                for name, query in queries.items()
            }

    # ------------------------------------------------------------------ run claims

    async def claim_run(self, name: str, holder: str, *, now: datetime, lease: timedelta) -> bool:
        """Claim a scheduled run for `lease` (one replica at a time): True when it is free,
        never claimed, or its previous holder's lease (or rest period) has run out."""
        t = schema.run_claims
        async with self.engine.begin() as conn:
            inserted = (
                await conn.execute(
                    self._insert_ignore(t, ["name"])
                    .values(name=name, holder=holder, until=now + lease, started_at=now)
                    .returning(t.c.name)
                )
            ).scalar()
            if inserted is not None:
                return True
            taken = await conn.execute(
                t.update()
                .where(t.c.name == name, t.c.until <= now)
                .values(holder=holder, until=now + lease, started_at=now, finished_at=None)
            )
            return bool(taken.rowcount == 1)

    async def finish_run(
        self, name: str, holder: str, *, now: datetime, next_after: timedelta
    ) -> None:
        """Mark a run done; nobody claims it again before `next_after` has passed."""
        t = schema.run_claims
        async with self.engine.begin() as conn:
            await conn.execute(
                t.update()
                .where(t.c.name == name, t.c.holder == holder)
                .values(until=now + next_after, finished_at=now)
            )

    async def runs(self) -> list[dict[str, Any]]:
        t = schema.run_claims
        async with self.engine.connect() as conn:
            return [dict(r._mapping) for r in await conn.execute(sa.select(t).order_by(t.c.name))]

    # ------------------------------------------------------------------ chat events

    async def claim_event(self, event_id: str, now: datetime) -> bool:
        """True the first time an event id is seen (by any replica)."""
        t = schema.event_claims
        async with self.engine.begin() as conn:
            inserted = await conn.execute(
                self._insert_ignore(t, ["event_id"])
                .values(event_id=event_id, claimed_at=now)
                .returning(t.c.event_id)
            )
            return inserted.scalar() is not None

    async def forget_events(self, before: datetime) -> int:
        t = schema.event_claims
        async with self.engine.begin() as conn:
            return (await conn.execute(t.delete().where(t.c.claimed_at < before))).rowcount


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


def _next_day(day: str) -> str:
    from datetime import date, timedelta

    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()


def _naive(value: datetime) -> str:
    """A time as the store keeps it (naive UTC) for raw SQL parameters."""
    return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def _utc(value: Any) -> datetime:
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed
