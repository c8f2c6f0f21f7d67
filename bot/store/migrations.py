"""Ordered schema migrations, each applied once and recorded in `schema_migrations`.

A migration is a plain function of a synchronous SQLAlchemy connection (run through
`AsyncConnection.run_sync`), so it can branch on the dialect where SQLite and PostgreSQL
differ (full-text search). Never edit a released migration: add a new one at the end.
Migration 1 creates the baseline from `schema.py`; when a later migration alters a table,
freeze that table's version-1 definition inside migration 1 first.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.engine import Connection

from bot.store import schema

Migration = tuple[int, str, Callable[[Connection], None]]


# created by their own migrations
_LATER = {
    "schema_migrations",
    "llm_calls",
    "passages",
    "conversation_turns",
    "subscriptions",
    "event_claims",
    "conversation_refs",
    "run_claims",
    "schedule_mutes",
    "briefing_posts",
    "feedback",
    "passage_terms",
}


def _baseline(conn: Connection) -> None:
    tables = [t for t in schema.metadata.sorted_tables if t.name not in _LATER]
    schema.metadata.create_all(conn, tables=tables)


def _llm_calls(conn: Connection) -> None:
    schema.llm_calls.create(conn, checkfirst=True)


def _sqlite_fts(conn: Connection) -> None:
    """FTS5 index over article titles and text, kept in sync by triggers (SQLite only)."""
    if conn.dialect.name != "sqlite":
        return
    for statement in (
        """CREATE VIRTUAL TABLE IF NOT EXISTS article_fts USING fts5(
               title, text, content='articles', content_rowid='id',
               tokenize='unicode61 remove_diacritics 2')""",
        """CREATE TRIGGER IF NOT EXISTS articles_fts_insert AFTER INSERT ON articles BEGIN
               INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
           END""",
        """CREATE TRIGGER IF NOT EXISTS articles_fts_delete AFTER DELETE ON articles BEGIN
               INSERT INTO article_fts(article_fts, rowid, title, text)
               VALUES ('delete', old.id, old.title, old.text);
           END""",
        """CREATE TRIGGER IF NOT EXISTS articles_fts_update AFTER UPDATE OF title, text
           ON articles BEGIN
               INSERT INTO article_fts(article_fts, rowid, title, text)
               VALUES ('delete', old.id, old.title, old.text);
               INSERT INTO article_fts(rowid, title, text) VALUES (new.id, new.title, new.text);
           END""",
    ):
        conn.exec_driver_sql(statement)


# The passages table as migration 4 created it (migration 9 adds `embedding`); `articles`
# is named only so the foreign key resolves.
_V4 = sa.MetaData()
sa.Table("articles", _V4, sa.Column("id", sa.Integer, primary_key=True))
_PASSAGES_V4 = sa.Table(
    "passages",
    _V4,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
    sa.Column("topic", sa.String(64), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("at", schema.UTCDateTime, nullable=False),
    sa.UniqueConstraint("article_id", "seq", name="uq_passages_article_seq"),
    sa.Index("ix_passages_topic_at", "topic", "at"),
)


def _passages(conn: Connection) -> None:
    """Passages for retrieval (FTS5 with BM25 on SQLite), backfilled from stored articles."""
    from bot.store.passages import chunk_passages

    _PASSAGES_V4.create(conn, checkfirst=True)
    schema.conversation_turns.create(conn, checkfirst=True)
    if conn.dialect.name == "sqlite":
        for statement in (
            """CREATE VIRTUAL TABLE IF NOT EXISTS passage_fts USING fts5(
                   title, text, content='passages', content_rowid='id',
                   tokenize='porter unicode61 remove_diacritics 2')""",
            """CREATE TRIGGER IF NOT EXISTS passages_fts_insert AFTER INSERT ON passages BEGIN
                   INSERT INTO passage_fts(rowid, title, text)
                   VALUES (new.id, new.title, new.text);
               END""",
            """CREATE TRIGGER IF NOT EXISTS passages_fts_delete AFTER DELETE ON passages BEGIN
                   INSERT INTO passage_fts(passage_fts, rowid, title, text)
                   VALUES ('delete', old.id, old.title, old.text);
               END""",
        ):
            conn.exec_driver_sql(statement)
    a = schema.articles
    rows = conn.execute(
        sa.select(a.c.id, a.c.topic, a.c.title, a.c.text, a.c.published_at, a.c.fetched_at)
    ).all()
    for row in rows:
        at = row.published_at or row.fetched_at
        values = [
            {
                "article_id": row.id,
                "topic": row.topic,
                "seq": i,
                "title": row.title,
                "text": text,
                "at": at,
            }
            for i, text in enumerate(chunk_passages(row.text))
        ]
        if values:
            conn.execute(_PASSAGES_V4.insert(), values)


def _chat(conn: Connection) -> None:
    schema.subscriptions.create(conn, checkfirst=True)
    schema.event_claims.create(conn, checkfirst=True)


def _conversation_refs(conn: Connection) -> None:
    schema.conversation_refs.create(conn, checkfirst=True)


def _postgres_search(conn: Connection) -> None:
    """On PostgreSQL, passages get a weighted tsvector (title A, text B) with a GIN index; the
    'english' configuration stems like SQLite's porter tokenizer. SQLite uses FTS5 (above)."""
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(
        """ALTER TABLE passages ADD COLUMN IF NOT EXISTS search tsvector
           GENERATED ALWAYS AS (
               setweight(to_tsvector('english', coalesce(title, '')), 'A')
               || setweight(to_tsvector('english', coalesce(text, '')), 'B')
           ) STORED"""
    )
    conn.exec_driver_sql(
        "CREATE INDEX IF NOT EXISTS ix_passages_search ON passages USING gin (search)"
    )


def _run_claims(conn: Connection) -> None:
    schema.run_claims.create(conn, checkfirst=True)


def _passage_embeddings(conn: Connection) -> None:
    """Passages get their meaning as a vector (bot/store/embed.py), computed now for the
    passages already stored, in batches."""
    from bot.store.embed import embed, to_blob

    kind = "BYTEA" if conn.dialect.name == "postgresql" else "BLOB"
    conn.exec_driver_sql(f"ALTER TABLE passages ADD COLUMN embedding {kind}")
    p = schema.passages
    last = 0
    while True:
        rows = conn.execute(
            sa.select(p.c.id, p.c.title, p.c.text).where(p.c.id > last).order_by(p.c.id).limit(500)
        ).all()
        if not rows:
            return
        vectors = embed([f"{r.title}. {r.text}" for r in rows])
        conn.execute(
            p.update().where(p.c.id == sa.bindparam("pid")).values(embedding=sa.bindparam("vec")),
            [{"pid": r.id, "vec": to_blob(v)} for r, v in zip(rows, vectors, strict=True)],
        )
        last = rows[-1].id


def _mutes_and_posts(conn: Connection) -> None:
    schema.schedule_mutes.create(conn, checkfirst=True)
    schema.briefing_posts.create(conn, checkfirst=True)


def _feedback(conn: Connection) -> None:
    schema.feedback.create(conn, checkfirst=True)


def _passage_terms(conn: Connection) -> None:
    """Term document frequencies for retrieval (bot/store/passages.py): the table, on
    PostgreSQL the triggers that keep it, and the counts of the passages already stored."""
    from bot.store.passages import POSTGRES_TRIGGERS, recount_statements

    schema.passage_terms.create(conn, checkfirst=True)
    if conn.dialect.name == "postgresql":
        for statement in POSTGRES_TRIGGERS:
            conn.exec_driver_sql(statement)
    for statement in recount_statements(conn.dialect.name):
        conn.exec_driver_sql(statement)


# PostgreSQL: the most index entries (in kB) held in the GIN index's pending list. A search
# reads the whole pending list, unsorted: at the default 4 MB (about 2,000 passages) that was
# most of a rare term's search (8 of 9 ms at 100k articles); 64 kB (the least allowed) keeps
# batched inserts and costs a search a few pages.
GIN_PENDING_KB = 64


def _small_gin_pending_list(conn: Connection) -> None:
    """PostgreSQL: the passages' GIN index keeps a short pending list, and the list it has
    now is merged into the index."""
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(
        f"ALTER INDEX ix_passages_search SET (gin_pending_list_limit = {GIN_PENDING_KB})"
    )
    conn.exec_driver_sql("SELECT gin_clean_pending_list('ix_passages_search')")


def _search_in_line(conn: Connection) -> None:
    """PostgreSQL: a passage's tsvector is kept in its row, its vector out of it; the rows
    stored so far are rewritten so.

    Ranking reads the tsvector of every candidate. A row of ~2 kB (text, tsvector, a 512-byte
    vector) is over the size at which PostgreSQL moves its largest value out of line, which
    was the tsvector: each candidate read it from the TOAST table, once per use, about half
    of a slow question's time (3,310 candidates at 100k articles: ~140 -> ~75 ms of CPU).
    The vector is read once per passage, when search by meaning first holds it (60k of them:
    ~0.15 s more), and does not compress: it goes out of line first, uncompressed; the text
    stays (it would go before the vector, being larger). CLUSTER rewrites the rows (an
    UPDATE keeps the out-of-line values where they are); the table is not left clustered."""
    if conn.dialect.name != "postgresql":
        return
    conn.exec_driver_sql(
        "ALTER TABLE passages ALTER COLUMN search SET STORAGE MAIN, "
        "ALTER COLUMN text SET STORAGE MAIN, ALTER COLUMN embedding SET STORAGE EXTERNAL"
    )
    conn.exec_driver_sql("CLUSTER passages USING passages_pkey")
    conn.exec_driver_sql("ALTER TABLE passages SET WITHOUT CLUSTER")


MIGRATIONS: list[Migration] = [
    (1, "baseline tables", _baseline),
    (2, "full-text index over articles", _sqlite_fts),
    (3, "LLM calls and their tokens", _llm_calls),
    (4, "passages for retrieval, conversations", _passages),
    (5, "chat subscriptions and handled events", _chat),
    (6, "conversation references for proactive posts", _conversation_refs),
    (7, "PostgreSQL text search over passages", _postgres_search),
    (8, "run claims shared by replicas", _run_claims),
    (9, "passage embeddings for meaning-aware retrieval", _passage_embeddings),
    (10, "muted file schedules, briefing posts answered in their threads", _mutes_and_posts),
    (11, "feedback on answers and briefings", _feedback),
    (12, "term document frequencies of passages", _passage_terms),
    (13, "a short pending list for the passages' text index", _small_gin_pending_list),
    (14, "the passages' tsvectors kept in their rows", _search_in_line),
]


def applied_versions(conn: Connection) -> set[int]:
    """Versions already applied (creating the bookkeeping table if needed)."""
    schema.schema_migrations.create(conn, checkfirst=True)
    rows = conn.execute(sa.select(schema.schema_migrations.c.version))
    return {int(r[0]) for r in rows}


MIGRATION_LOCK = 7_402_117  # any constant that no other application uses for its lock


def migrate(conn: Connection) -> list[int]:
    """Apply every pending migration in order; returns the versions applied now.

    Replicas starting together take turns: PostgreSQL holds an advisory lock for the
    transaction; SQLite's write lock does the same once the first statement writes."""
    if conn.dialect.name == "postgresql":
        conn.exec_driver_sql(f"SELECT pg_advisory_xact_lock({MIGRATION_LOCK})")
    done = applied_versions(conn)
    applied = []
    for version, name, apply in MIGRATIONS:
        if version in done:
            continue
        apply(conn)
        conn.execute(
            schema.schema_migrations.insert().values(
                version=version, name=name, applied_at=datetime.now(UTC)
            )
        )
        applied.append(version)
    return applied


def latest_version() -> int:
    return MIGRATIONS[-1][0]
