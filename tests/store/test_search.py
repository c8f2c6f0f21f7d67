"""Full-text retrieval on both backends: "at least k of n terms" matching, the stored term
frequencies, the recency-bounded first pass and its fallback, and the ranking against an
exhaustive one."""

from __future__ import annotations

import math
import random
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.store import Store
from bot.store.articles import BatchItem, NewArticle
from bot.store.db import utc
from bot.store.passages import record_terms, recount_statements
from bot.store.search import PassageSearch
from tests.databases import PG_DSN, postgres_schema

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
VOCABULARY = [f"w{i}x" for i in range(60)]


def article(n: int, text: str, title: str | None = None) -> NewArticle:
    return NewArticle(
        topic="steel",
        url=f"https://news.test/s/{n}",
        canonical_url=f"https://news.test/s/{n}",
        source="News",
        title=title or f"Report {n}",
        text=text,
        fetched_at=T0 + timedelta(minutes=n),
        content_hash=f"hash{n}",
        signature="sig",
        terms=("steel",),
        relevance=0.8,
        relevant=True,
        relevance_reason="",
        story_id=None,
        duplicate_of=None,
    )


def corpus(count: int, seed: int = 5) -> list[NewArticle]:
    """Articles of words drawn with Zipf's law from a small vocabulary: some terms in most
    passages, others in a few."""
    rng = random.Random(seed)
    weights = [1 / (r + 1) for r in range(len(VOCABULARY))]
    items = []
    for n in range(count):
        sentences = [
            " ".join(rng.choices(VOCABULARY, weights, k=rng.randint(6, 14))).capitalize() + "."
            for _ in range(rng.randint(2, 12))
        ]
        title = " ".join(rng.choices(VOCABULARY, weights, k=3))
        items.append(article(n, " ".join(sentences), title=title))
    return items


async def frequencies(store: Store) -> dict[str, int]:
    async with store.db.engine.connect() as conn:
        rows = (await conn.execute(sa.text("SELECT term, passages FROM passage_terms"))).all()
    return {r[0]: r[1] for r in rows}


async def recounted(store: Store) -> dict[str, int]:
    """The frequencies counted afresh from the full-text index (then put back)."""
    async with store.db.engine.connect() as conn:
        kept = await frequencies(store)
        for statement in recount_statements(store.db.dialect):
            await conn.exec_driver_sql(statement)
        rows = (await conn.execute(sa.text("SELECT term, passages FROM passage_terms"))).all()
        await conn.rollback()
    assert await frequencies(store) == kept
    return {r[0]: r[1] for r in rows}


async def test_term_frequencies_follow_inserts_and_deletes(store: Store) -> None:
    await store.articles.add_articles(
        [BatchItem(a, new_story=True) for a in corpus(30)]  # one batch, as collected
    )
    added = await store.articles.add_article(article(40, "Tariffs on steel. Steel quotas rose."))
    assert added is not None
    counted = await frequencies(store)
    assert counted == await recounted(store)
    assert counted[""] == await store.db.count("passages")
    assert counted["steel"] >= 1 and "tariffs" not in counted  # index terms, stemmed

    async with store.db.engine.begin() as conn:  # delete two articles' passages
        doomed = [1, added[0]]
        await record_terms(conn, doomed, sign=-1)  # SQLite; PostgreSQL's trigger does it
        await conn.execute(
            sa.text("DELETE FROM passages WHERE article_id IN :ids").bindparams(
                sa.bindparam("ids", expanding=True)
            ),
            {"ids": doomed},
        )
    after = await frequencies(store)
    assert after == await recounted(store)
    assert after[""] == await store.db.count("passages") < counted[""]
    assert "steel" not in after  # no passage holds it any more


async def test_passages_must_hold_k_of_the_n_terms(store: Store) -> None:
    texts = {
        1: "Kovalenko raised aluminium quotas at the summit.",  # 3 of 3
        2: "Kovalenko raised aluminium prices.",  # 2 of 3
        3: "Kovalenko spoke.",  # 1 of 3
        4: "Nothing relevant here.",
    }
    for n, text in texts.items():
        await store.articles.add_article(article(n, text))
    found = await store.search.search_passages("steel", ["kovalenko", "aluminium", "quotas"])
    assert [h.text for h in found] == [texts[1], texts[2]]  # 2 of 3 needed, more ranks first
    every = await store.search.search_passages(
        "steel", ["kovalenko", "aluminium", "quotas"], at_least=3
    )
    assert [h.text for h in every] == [texts[1]]
    anyone = await store.search.search_passages(
        "steel", ["kovalenko", "aluminium", "quotas"], at_least=1
    )
    assert [h.text for h in anyone][:2] == [texts[1], texts[2]] and len(anyone) == 3
    # a term no passage holds does not count against the others
    assert [h.text for h in await store.search.search_passages("steel", ["quotas", "zzyzx"])] == [
        texts[1]
    ]


async def test_old_passages_are_found_through_the_fallback(store: Store) -> None:
    await store.articles.add_article(article(1, "The furnace relining at Dunkirk was delayed."))
    for n in range(2, 12):
        await store.articles.add_article(article(n, f"Tariff talks, round {n}, in Brussels."))
    search = PassageSearch(store.db, recent=5)  # only the five newest passages at first
    old = await search.search_passages("steel", ["furnace", "relining", "dunkirk"], limit=5)
    assert [h.article_id for h in old] == [1]
    # the first pass is bounded: when the newest passages are enough, older ones are not read
    talks = await search.search_passages("steel", ["tariff", "talks"], limit=3)
    assert len(talks) == 3 and min(h.article_id for h in talks) >= 7
    wider = await search.search_passages("steel", ["tariff", "talks"], limit=20)
    assert len(wider) == 10  # too few in the first pass: all of them
    # new passages holding two of the three terms do not hide an old one holding all three
    await store.articles.add_article(article(20, "Dunkirk furnace repairs, Brussels says."))
    for n in range(21, 27):
        await store.articles.add_article(article(n, f"Furnace relining, part {n}."))
    both = await search.search_passages("steel", ["furnace", "relining", "dunkirk"], limit=3)
    assert both[0].article_id == 1


async def test_ranking_equals_the_exhaustive_ranking(store: Store) -> None:
    await store.articles.add_articles([BatchItem(a, new_story=True) for a in corpus(80, seed=9)])
    rng = random.Random(3)
    for _ in range(25):
        terms = rng.sample(VOCABULARY[:40], rng.randint(1, 6))
        got = await store.search.search_passages("steel", terms, limit=15)
        expected = await exhaustive(store, terms)
        # the same passages in the same order, but for ties (scores equal to 1e-6 may
        # differ in the last bits between the two computations, and so swap)
        assert len(got) == min(15, len(expected)), terms
        for hit, (_, score) in zip(got, expected, strict=False):
            assert math.isclose(-hit.rank, score, rel_tol=1e-6), terms
        assert {i for i, s in expected if s > expected_floor(expected)} <= {h.id for h in got}


def expected_floor(expected: list[tuple[int, float]], n: int = 15) -> float:
    """Passages scoring above the nth's (less a hair) are all among the first n."""
    return expected[n - 1][1] * (1 + 1e-6) if len(expected) > n else -math.inf


async def exhaustive(store: Store, terms: list[str], share: float = 0.6) -> list[tuple[int, float]]:
    """Every passage holding SHARE of the terms, scored the slow way: SQLite's own bm25() over
    a query of all the terms; on PostgreSQL BM25 in Python from the tsvectors, counts made
    now."""
    known = [t for t in terms if await store.db.count("passages") and await holds(store, t)]
    if not known:
        return []
    k = math.ceil(share * len(known))
    async with store.db.engine.connect() as conn:
        if store.db.dialect == "sqlite":
            rows = (
                await conn.execute(
                    sa.text(
                        "SELECT rowid, -bm25(passage_fts, 2.0, 1.0) FROM passage_fts "
                        "WHERE passage_fts MATCH :q"
                    ),
                    {"q": " OR ".join(f'"{t}"' for t in known)},
                )
            ).all()
            scores = {int(r[0]): float(r[1]) for r in rows}
        else:  # BM25 without its length term, titles (weight A) counted twice
            total = await store.db.count("passages")
            scores = {}
            for t in known:
                df = await holds(store, t, count=True)
                idf = max(math.log((total - df + 0.5) / (df + 0.5)), 1e-6)
                rows = (
                    await conn.execute(
                        sa.text(
                            "SELECT id, u.weights FROM passages, unnest(search) u "
                            "WHERE u.lexeme = (tsvector_to_array(to_tsvector('english', :t)))[1]"
                        ),
                        {"t": t},
                    )
                ).all()
                for i, weights in rows:
                    f = sum(2.0 if w == "A" else 1.0 for w in weights)
                    scores[i] = scores.get(i, 0.0) + idf * f * 2.2 / (f + 1.2)
        held = {}
        for t in known:
            for r in (await conn.execute(sa.text(held_sql(store)), {"t": t})).all():
                held[int(r[0])] = held.get(int(r[0]), 0) + 1
    ranked = [(i, s) for i, s in scores.items() if held.get(i, 0) >= k]
    return sorted(ranked, key=lambda x: (-x[1], x[0]))


def held_sql(store: Store) -> str:
    if store.db.dialect == "sqlite":
        return "SELECT rowid FROM passage_fts WHERE passage_fts MATCH '\"' || :t || '\"'"
    return "SELECT id FROM passages WHERE search @@ to_tsquery('english', :t)"


async def holds(store: Store, term: str, *, count: bool = False) -> int:
    """Whether (or in how many passages) the index holds the term, counted now."""
    async with store.db.engine.connect() as conn:
        rows = (await conn.execute(sa.text(held_sql(store)), {"t": term})).all()
    return len(rows) if count else int(bool(rows))


async def test_crowded_terms_rank_the_passages_holding_them_all(store: Store) -> None:
    """Terms so common that many passages hold them all: those passages are ranked (by the
    same score), the others not read."""
    await store.articles.add_articles([BatchItem(a, new_story=True) for a in corpus(60, seed=4)])
    common = VOCABULARY[:3]
    search = PassageSearch(store.db, crowded=1)
    got = await search.search_passages("steel", common, limit=10)
    expected = await exhaustive(store, common, share=1.0)
    assert got and len(got) == min(10, len(expected))
    for hit, (_, score) in zip(got, expected, strict=False):
        assert math.isclose(-hit.rank, score, rel_tol=1e-6)
    assert {i for i, s in expected if s > expected_floor(expected, 10)} <= {h.id for h in got}
    fewer = await store.search.search_passages("steel", common, limit=200)
    assert len(fewer) > len(expected)  # uncrowded, two of the three are enough


async def test_migration_counts_the_terms_of_passages_already_stored(tmp_path: Path) -> None:
    from bot.store import migrations, schema

    old = Store.from_url(f"sqlite+aiosqlite:///{tmp_path / 'old.db'}")
    async with old.db.engine.begin() as conn:  # a database from before migration 12
        await conn.run_sync(migrations.applied_versions)
        for version, name, apply in migrations.MIGRATIONS[:11]:
            await conn.run_sync(apply)
            await conn.execute(
                schema.schema_migrations.insert().values(version=version, name=name, applied_at=T0)
            )
        for n, text in ((1, "Kovalenko met Whitcombe in Brussels."), (2, "Whitcombe left.")):
            await conn.execute(
                schema.articles.insert().values(
                    id=n,
                    topic="steel",
                    url=f"https://a.test/{n}",
                    canonical_url=f"https://a.test/{n}",
                    source="s",
                    title="Old article",
                    text=text,
                    fetched_at=T0,
                    content_hash=f"h{n}",
                    signature="",
                    terms="",
                    relevance=1,
                    relevant=True,
                    relevance_reason="",
                )
            )
            await conn.execute(
                schema.passages.insert().values(
                    article_id=n, topic="steel", seq=0, title="Old article", text=text, at=T0
                )
            )
    assert await old.db.migrate() == list(range(12, migrations.latest_version() + 1))
    counted = await frequencies(old)
    assert counted == await recounted(old)
    assert counted["whitcomb"] == 2 and counted[""] == 2  # porter's spelling, two passages
    assert [h.article_id for h in await old.search.search_passages("steel", ["kovalenko"])] == [1]
    await old.close()


@pytest.mark.skipif(not PG_DSN, reason="BRIEFBOT_TEST_POSTGRES_DSN is not set")
async def test_migration_keeps_the_tsvectors_of_passages_already_stored_in_line() -> None:
    """PostgreSQL: a passage stored before migration 14 had its tsvector out of line (in the
    TOAST table, read again for every candidate); the migration rewrites it into the row."""
    from sqlalchemy.ext.asyncio import create_async_engine

    from bot.store import Database, migrations, schema

    rng = random.Random(2)
    words = ["".join(rng.choices("bdfgklmnprstvz", k=3)) + w for w in ("ala", "ovo") * 200]
    text = " ".join(words) + "."  # ~2.9 kB, its tsvector ~3.5 kB: over the 2 kB a row keeps
    async with postgres_schema() as (url, name):
        engine = create_async_engine(url, connect_args={"server_settings": {"search_path": name}})
        old = Store.over(Database(engine))
        async with old.db.engine.begin() as conn:  # a database from before migration 14
            await conn.run_sync(migrations.applied_versions)
            for version, label, apply in migrations.MIGRATIONS[:13]:
                await conn.run_sync(apply)
                await conn.execute(
                    schema.schema_migrations.insert().values(
                        version=version, name=label, applied_at=T0
                    )
                )
        await old.articles.add_article(article(1, text, title="Old article"))
        async with old.db.engine.begin() as conn:  # no vector: it would go out of line now
            await conn.execute(sa.text("UPDATE passages SET embedding = NULL"))
        assert await out_of_line(old) > 0
        assert await old.db.migrate() == list(range(14, migrations.latest_version() + 1))
        assert await out_of_line(old) == 0
        async with old.db.engine.connect() as conn:
            storage = dict(
                (
                    await conn.execute(
                        sa.text(
                            "SELECT attname, CAST(attstorage AS text) FROM pg_attribute "
                            "WHERE attrelid = CAST('passages' AS regclass) "
                            "AND attname IN ('search', 'text', 'embedding')"
                        )
                    )
                ).all()
            )
        assert storage == {"search": "m", "text": "m", "embedding": "e"}
        hits = await old.search.search_passages("steel", [words[0], words[5], words[9]])
        assert [h.article_id for h in hits] == [1]
        await old.close()


async def out_of_line(store: Store) -> int:
    """Values of the passages table held out of line (in its TOAST table)."""
    async with store.db.engine.connect() as conn:
        toast = (
            await conn.execute(
                sa.text(
                    "SELECT CAST(reltoastrelid AS regclass) FROM pg_class "
                    "WHERE oid = CAST('passages' AS regclass)"
                )
            )
        ).scalar_one()
        return int(
            (await conn.execute(sa.text(f"SELECT count(DISTINCT chunk_id) FROM {toast}"))).scalar()
            or 0
        )


async def test_search_by_meaning_sees_passages_stored_after_its_first_search(store: Store) -> None:
    from dataclasses import replace

    from bot.store.embed import embed

    await store.articles.add_article(article(1, "The harbour cranes were repaired on Monday."))
    search = store.search
    assert await search.similar("steel", embed(["harbour cranes"])[0], limit=5)
    # Another topic's passage first (the newest id is then not this topic's), then this one's.
    await store.articles.add_article(replace(article(2, "Ferries ran late."), topic="ports"))
    await store.articles.add_article(article(3, "Smelters cut their output of aluminium."))
    hits = await search.similar("steel", embed(["aluminium smelters output"])[0], limit=1)
    assert [h.article_id for h in hits] == [3]
    vectors = await search.vectors_of("steel", [h.id for h in hits])
    assert list(vectors) == [hits[0].id]
    # Nothing new: the same vectors, read again from memory.
    assert [h.id for h in await search.similar("steel", embed(["aluminium"])[0], limit=1)] == [
        hits[0].id
    ]


async def test_vectors_of_passages_the_search_by_meaning_does_not_hold_are_read(
    store: Store,
) -> None:
    """The engine asks for the vectors of every passage it ranks: those the search by meaning
    does not hold in memory (stored since it last read them, another topic's) are read from
    the database as stored; a passage stored without one is left out, for the engine to
    compute."""
    from dataclasses import replace

    import numpy as np

    from bot.store.embed import embed, from_blobs

    await store.articles.add_article(article(1, "The harbour cranes were repaired on Monday."))
    search = store.search
    assert await search.similar("steel", embed(["harbour cranes"])[0], limit=5)
    await store.articles.add_article(article(2, "Smelters cut their output of aluminium."))
    await store.articles.add_article(replace(article(3, "Ferries ran late."), topic="ports"))
    await store.articles.add_article(article(4, "Mills laid off workers."))
    async with store.db.engine.begin() as conn:
        await conn.execute(sa.text("UPDATE passages SET embedding = NULL WHERE article_id = 4"))
        rows = (
            await conn.execute(
                sa.text("SELECT id, article_id, title, text, embedding FROM passages ORDER BY id")
            )
        ).all()
    assert [r[1] for r in rows] == [1, 2, 3, 4]
    vectors = await search.vectors_of("steel", [r[0] for r in rows])
    assert sorted(vectors) == [r[0] for r in rows[:3]]
    for r in rows[:3]:
        assert np.array_equal(vectors[r[0]], from_blobs([r[4]])[0])
        # as stored: the passage's own vector, to float16's precision
        fresh = embed([f"{r[2]}. {r[3]}"])[0]
        assert float(vectors[r[0]] @ fresh) > 0.999
    assert await search.vectors_of("steel", []) == {}


async def test_vectors_of_passages_found_by_words_come_with_them_on_postgresql(
    store: Store,
) -> None:
    """PostgreSQL reads the stored vectors of the passages a search by words returns with
    their rows: the engine's vectors_of right after needs no statement of its own for them."""
    import numpy as np

    from bot.store.embed import embed, from_blobs

    await store.articles.add_article(article(1, "The harbour cranes were repaired on Monday."))
    search = store.search
    assert await search.similar("steel", embed(["harbour cranes"])[0], limit=5)
    # stored after the last search by meaning: not among the vectors it holds
    await store.articles.add_article(article(2, "Smelters cut their output of aluminium."))
    hits = await search.search_passages("steel", ["smelters", "aluminium"], limit=5)
    assert [h.article_id for h in hits] == [2]
    statements: list[str] = []

    @sa.event.listens_for(store.db.engine.sync_engine, "before_cursor_execute")
    def _seen(*args: object) -> None:
        statements.append(str(args[2]))

    vectors = await search.vectors_of("steel", [h.id for h in hits])
    async with store.db.engine.connect() as conn:
        blob = await conn.execute(sa.text("SELECT embedding FROM passages WHERE article_id = 2"))
        stored = from_blobs([blob.scalar_one()])[0]
    assert np.array_equal(vectors[hits[0].id], stored)
    if store.db.dialect == "postgresql":
        assert statements == ["SELECT embedding FROM passages WHERE article_id = 2"]


async def test_search_by_meaning_equals_the_exhaustive_cosine_ranking(store: Store) -> None:
    """Every stored vector of the topic's relevant passages scored against the question's,
    best first, within the time range asked for: what search by meaning returns."""
    import numpy as np

    from bot.store.embed import embed, from_blobs

    await store.articles.add_articles([BatchItem(a, new_story=True) for a in corpus(40)])
    async with store.db.engine.connect() as conn:
        rows = (await conn.execute(sa.text("SELECT id, at, embedding FROM passages"))).all()
    ids = [r[0] for r in rows]
    at = [utc(r[1]) for r in rows]
    matrix = from_blobs([r[2] for r in rows])
    rng = random.Random(3)
    for _ in range(6):
        vector = embed([" ".join(rng.sample(VOCABULARY, 3))])[0]
        scores = matrix @ vector
        since = T0 + timedelta(minutes=rng.randint(0, 20))
        for low in (None, since):
            got = await store.search.similar("steel", vector, since=low, limit=10)
            kept = [i for i in range(len(ids)) if low is None or at[i] >= low]
            best = sorted(kept, key=lambda i: -scores[i])[:10]
            assert [h.id for h in got] == [ids[i] for i in best]
            assert np.allclose([-h.rank for h in got], [scores[i] for i in best], atol=1e-5)
