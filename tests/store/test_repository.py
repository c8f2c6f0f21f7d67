"""The store on a real SQLite file: migrations, idempotent writes, windows, FTS."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.models import KeyPoint, Quote, Summary
from bot.store import Store, migrations, schema
from bot.store.articles import NewArticle

T0 = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)


def article(n: int, **changes: object) -> NewArticle:
    base = NewArticle(
        topic="steel",
        url=f"https://news.test/a/{n}?utm_source=x",
        canonical_url=f"https://news.test/a/{n}",
        source="News",
        title=f"Steel article {n}",
        text=f"Body of steel article number {n} about tariffs and quotas.",
        fetched_at=T0 + timedelta(minutes=n),
        content_hash=f"hash{n}",
        signature="sig",
        terms=("steel", "tariff"),
        relevance=0.8,
        relevant=True,
        relevance_reason="matches 'steel'",
        story_id=None,
        duplicate_of=None,
    )
    return replace(base, **changes)  # type: ignore[arg-type]


async def test_migrations_apply_once_and_match_schema(store: Store) -> None:
    assert await store.db.migrate() == []  # already applied by the fixture
    assert await store.db.schema_version() == migrations.latest_version()
    async with store.db.engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
        columns = await conn.run_sync(
            lambda c: {col["name"] for col in sa.inspect(c).get_columns("passages")}
        )
    assert set(schema.metadata.tables) <= names
    if store.db.dialect == "sqlite":
        assert {"article_fts", "passage_fts"} <= names
    else:
        assert "search" in columns  # the tsvector PostgreSQL searches


async def test_reopening_an_existing_file_keeps_data(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"
    first = Store.from_url(url)
    await first.db.migrate()
    await first.articles.add_article(article(1), new_story=True)
    await first.close()
    second = Store.from_url(url)
    assert await second.db.migrate() == []
    assert await second.db.count("articles") == 1
    await second.close()


async def test_adding_the_same_url_twice_stores_one_row_and_one_story(store: Store) -> None:
    first = await store.articles.add_article(article(1), new_story=True)
    again = await store.articles.add_article(
        article(1, url="https://m.news.test/a/1"), new_story=True
    )
    assert first is not None and again is None
    assert await store.db.count("articles") == 1
    assert await store.db.count("stories") == 1  # no empty story left behind by the retry


async def test_story_membership_and_last_seen(store: Store) -> None:
    a = await store.articles.add_article(article(1), new_story=True)
    assert a is not None
    a_id, story = a
    assert story is not None and await store.articles.story_of(a_id) == story
    b = await store.articles.add_article(article(2, story_id=story))
    assert b is not None and b[1] == story and await store.articles.story_of(b[0]) == story
    first_seen = await store.articles.story_first_seen([story])
    assert first_seen[story] == T0 + timedelta(minutes=1)


async def test_window_excludes_irrelevant_and_out_of_window(store: Store) -> None:
    await store.articles.add_article(article(1), new_story=True)
    await store.articles.add_article(article(2, relevant=False))
    await store.articles.add_article(article(3, fetched_at=T0 - timedelta(days=2)), new_story=True)
    got = await store.articles.articles_in_window("steel", T0, T0 + timedelta(hours=1))
    assert [a.title for a in got] == ["Steel article 1"]
    everything = await store.articles.articles_in_window(
        "steel", T0 - timedelta(days=3), T0 + timedelta(hours=1), relevant_only=False
    )
    assert len(everything) == 3
    assert got[0].fetched_at.tzinfo is not None


async def test_known_urls_and_hash_lookup(store: Store) -> None:
    await store.articles.add_article(article(1), new_story=True)
    known = await store.articles.known_urls(
        "steel", ["https://news.test/a/1", "https://news.test/a/9"]
    )
    assert known == {"https://news.test/a/1"}
    assert await store.articles.known_urls("other-topic", ["https://news.test/a/1"]) == set()
    found = await store.articles.article_by_hash("steel", "hash1")
    assert found is not None and found.terms == frozenset({"steel", "tariff"})


async def test_summary_stored_once_per_article_and_version(store: Store) -> None:
    added = await store.articles.add_article(article(1), new_story=True)
    assert added is not None
    a = added[0]
    summary = Summary(
        (KeyPoint("Talks resumed.", (0,)),),
        (Quote("We are close", "Marta Kovalenko", 1),),
        "offline",
        "offline-1",
    )
    await store.articles.save_summaries({a: summary}, T0)
    await store.articles.save_summaries({a: summary}, T0)  # a re-run
    assert await store.db.count("summaries") == 1
    assert await store.articles.get_summary(a, "offline", "offline-1") == summary
    assert await store.articles.get_summary(a, "offline", "offline-2") is None


async def test_briefing_of_a_day_is_replaced_not_duplicated(store: Store) -> None:
    common = {"window_start": T0, "window_end": T0, "story_ids": [1], "degraded": False}
    first = await store.deliveries.save_briefing(
        topic="steel", briefing_date="2026-11-24", created_at=T0, payload={"v": 1}, **common
    )
    second = await store.deliveries.save_briefing(
        topic="steel", briefing_date="2026-11-24", created_at=T0, payload={"v": 2}, **common
    )
    assert first == second and await store.db.count("briefings") == 1
    latest = await store.deliveries.last_briefing("steel")
    assert latest is not None and latest.payload == {"v": 2}
    assert await store.deliveries.last_briefing("steel", before_date="2026-11-24") is None


async def test_source_state_keeps_validators_on_not_modified(store: Store) -> None:
    await store.articles.record_source(
        topic="steel",
        key="feed:x",
        kind="feed",
        name="X",
        checked_at=T0,
        error=None,
        new=3,
        etag='"v1"',
        last_modified="Mon, 23 Nov 2026 08:00:00 GMT",
    )
    await store.articles.record_source(
        topic="steel",
        key="feed:x",
        kind="feed",
        name="X",
        checked_at=T0,
        error=None,
        new=0,
        keep_validators=True,
    )
    state = await store.articles.source_state("steel", "feed:x")
    assert state is not None and state.etag == '"v1"' and state.last_new == 0
    await store.articles.record_source(
        topic="steel", key="feed:x", kind="feed", name="X", checked_at=T0, error="HTTP 500", new=0
    )
    state = await store.articles.source_state("steel", "feed:x")
    assert state is not None and state.last_error == "HTTP 500" and state.etag == '"v1"'
    assert len(await store.articles.list_sources()) == 1


async def test_full_text_index_follows_articles(store: Store) -> None:
    if store.db.dialect != "sqlite":
        pytest.skip("the article-level FTS5 index is SQLite's; PostgreSQL searches passages")
    await store.articles.add_article(
        article(1, text="Kovalenko spoke about aluminium quotas."), new_story=True
    )
    async with store.db.engine.connect() as conn:
        rows = (
            await conn.exec_driver_sql(
                "SELECT rowid FROM article_fts WHERE article_fts MATCH 'aluminium'"
            )
        ).all()
    assert len(rows) == 1


async def test_summaries_in_bulk(store: Store) -> None:
    ids = []
    for n in range(3):
        added = await store.articles.add_article(article(n), new_story=True)
        assert added is not None
        ids.append(added[0])
    one = Summary((KeyPoint("A point.", (0,)),), (), "offline", "offline-1")
    await store.articles.save_summaries({ids[0]: one, ids[1]: one}, T0)
    await store.articles.save_summaries({ids[0]: one}, T0)  # a re-run adds nothing
    assert await store.db.count("summaries") == 2
    got = await store.articles.get_summaries(ids, "offline", "offline-1")
    assert set(got) == {ids[0], ids[1]} and got[ids[0]] == one


async def test_passages_are_indexed_with_the_article(store: Store) -> None:
    text = " ".join(f"Sentence number {i} about steel quotas and tariffs." for i in range(40))
    first = await store.articles.add_article(article(1, text=text), new_story=True)
    second = await store.articles.add_article(
        article(2, text="Kovalenko spoke about aluminium quotas today."), new_story=True
    )
    assert first and second and await store.db.count("passages") > 2
    hits = await store.search.search_passages("steel", ["aluminium", "kovalenko"])
    assert {h.article_id for h in hits} == {second[0]}
    both = await store.search.search_passages("steel", ["quotas"])
    assert {h.article_id for h in both} == {first[0], second[0]}
    assert await store.search.search_passages("other", ["aluminium"]) == []
    later = await store.search.search_passages(
        "steel", ["aluminium"], since=T0 + timedelta(hours=1)
    )
    assert later == []
    assert await store.search.search_passages("steel", ["!!", ""]) == []  # nothing to match


async def test_irrelevant_articles_are_not_retrieved(store: Store) -> None:
    await store.articles.add_article(
        article(1, text="Harbour City won the football match.", relevant=False)
    )
    assert await store.search.search_passages("steel", ["football"]) == []


async def test_migration_backfills_passages_for_existing_articles(tmp_path: Path) -> None:
    import sqlalchemy as sa

    from bot.store import migrations as m

    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    old = Store.from_url(url)
    async with old.db.engine.begin() as conn:  # a database from before migration 4
        await conn.run_sync(m.applied_versions)
        for version, name, apply in m.MIGRATIONS[:3]:
            await conn.run_sync(apply)
            await conn.execute(
                schema.schema_migrations.insert().values(version=version, name=name, applied_at=T0)
            )
        await conn.execute(
            schema.articles.insert().values(
                topic="steel",
                url="https://a.test/1",
                canonical_url="https://a.test/1",
                source="s",
                title="Old article",
                text="Kovalenko met Whitcombe in Brussels.",
                fetched_at=T0,
                content_hash="h",
                signature="",
                terms="",
                relevance=1,
                relevant=True,
                relevance_reason="",
            )
        )
    assert await old.db.migrate() == list(range(4, m.latest_version() + 1))
    hits = await old.search.search_passages("steel", ["whitcombe"])
    assert [h.title for h in hits] == ["Old article"]
    async with old.db.engine.connect() as conn:
        rows = (await conn.execute(sa.select(schema.passages.c.embedding))).all()
    # one passage, with its meaning computed by migration 9
    assert len(rows) == 1 and rows[0][0] is not None and len(rows[0][0]) == 2 * 256
    await old.close()


async def test_conversation_turns_keep_the_last_ones(store: Store) -> None:
    for i in range(5):
        await store.chat.add_turn("c", "user", f"question {i}", T0 + timedelta(minutes=i), [i])
    turns = await store.chat.turns("c", last=2)
    assert [t.text for t in turns] == ["question 3", "question 4"]
    assert turns[-1].citations == (4,)
    assert await store.chat.turns("other", last=5) == []


# ---------------------------------------------------------------------- chat state, both backends


async def test_delivery_claims(store: Store) -> None:
    lease = timedelta(minutes=10)
    args = {"topic": "t", "platform": "slack", "channel": "C1", "delivery_date": "2026-11-24"}
    first = await store.deliveries.claim_delivery(**args, now=T0, lease=lease)
    assert first.state == "new"
    assert (await store.deliveries.claim_delivery(**args, now=T0, lease=lease)).state == "busy"
    later = T0 + timedelta(minutes=11)
    taken = await store.deliveries.claim_delivery(**args, now=later, lease=lease)
    assert (taken.state, taken.attempts) == ("resumed", 2)
    assert (await store.deliveries.claim_delivery(**args, now=later, lease=lease)).state == "busy"
    await store.deliveries.complete_delivery(
        taken.id, message_ref="1.2", briefing_id=None, now=later
    )
    done = await store.deliveries.claim_delivery(**args, now=later + lease * 3, lease=lease)
    assert (done.state, done.message_ref) == ("done", "1.2")
    assert await store.deliveries.delivery_topic("slack", "C1", "1.2") == "t"


async def test_event_claims_subscriptions_and_references(store: Store) -> None:
    from bot.models import Subscription

    assert await store.chat.claim_event("Ev1", T0) is True
    assert await store.chat.claim_event("Ev1", T0) is False
    assert await store.chat.forget_events(T0 + timedelta(seconds=1)) == 1
    sub = Subscription("t", "slack", "C1", "08:00", "UTC", origin="chat")
    assert await store.deliveries.subscribe(sub, now=T0, by="U1") is True
    assert await store.deliveries.subscribe(replace(sub, at="09:00"), now=T0, by="U1") is False
    assert [s.at for s in await store.deliveries.subscriptions("slack")] == ["09:00"]
    assert await store.deliveries.unsubscribe("slack", "C1") == ["t"]
    await store.chat.save_reference("teams", "19:x", {"service_url": "a"}, T0)
    await store.chat.save_reference("teams", "19:x", {"service_url": "b"}, T0)
    assert await store.chat.reference("teams", "19:x") == {"service_url": "b"}


async def test_run_claims_are_leases(store: Store) -> None:
    lease = timedelta(minutes=5)
    assert await store.ops.claim_run("collect:t", "a", now=T0, lease=lease) is True
    assert await store.ops.claim_run("collect:t", "b", now=T0, lease=lease) is False
    await store.ops.finish_run("collect:t", "a", now=T0, next_after=timedelta(minutes=30))
    assert (
        await store.ops.claim_run("collect:t", "b", now=T0 + timedelta(minutes=1), lease=lease)
        is False
    )
    assert await store.ops.claim_run("collect:t", "b", now=T0 + timedelta(minutes=31), lease=lease)
    # A holder that dies is taken over once its lease runs out.
    later = T0 + timedelta(minutes=31)
    assert await store.ops.claim_run("collect:t", "c", now=later + lease / 2, lease=lease) is False
    assert await store.ops.claim_run("collect:t", "c", now=later + lease * 2, lease=lease) is True
