"""The store on a real SQLite file: migrations, idempotent writes, windows, FTS."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from bot.models import KeyPoint, Quote, Summary
from bot.store import migrations, schema
from bot.store.repository import ArticleStore, NewArticle

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


async def test_migrations_apply_once_and_match_schema(store: ArticleStore) -> None:
    assert await store.migrate() == []  # already applied by the fixture
    assert await store.schema_version() == migrations.latest_version()
    async with store.engine.connect() as conn:
        names = await conn.run_sync(lambda c: set(sa.inspect(c).get_table_names()))
        columns = await conn.run_sync(
            lambda c: {col["name"] for col in sa.inspect(c).get_columns("passages")}
        )
    assert set(schema.metadata.tables) <= names
    if store.dialect == "sqlite":
        assert {"article_fts", "passage_fts"} <= names
    else:
        assert "search" in columns  # the tsvector PostgreSQL searches


async def test_reopening_an_existing_file_keeps_data(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'db.sqlite'}"
    first = ArticleStore.from_url(url)
    await first.migrate()
    await first.add_article(article(1), new_story=True)
    await first.close()
    second = ArticleStore.from_url(url)
    assert await second.migrate() == []
    assert await second.count("articles") == 1
    await second.close()


async def test_adding_the_same_url_twice_stores_one_row_and_one_story(store: ArticleStore) -> None:
    first = await store.add_article(article(1), new_story=True)
    again = await store.add_article(article(1, url="https://m.news.test/a/1"), new_story=True)
    assert first is not None and again is None
    assert await store.count("articles") == 1
    assert await store.count("stories") == 1  # no empty story left behind by the retry


async def test_story_membership_and_last_seen(store: ArticleStore) -> None:
    a = await store.add_article(article(1), new_story=True)
    assert a is not None
    a_id, story = a
    assert story is not None and await store.story_of(a_id) == story
    b = await store.add_article(article(2, story_id=story))
    assert b is not None and b[1] == story and await store.story_of(b[0]) == story
    first_seen = await store.story_first_seen([story])
    assert first_seen[story] == T0 + timedelta(minutes=1)


async def test_window_excludes_irrelevant_and_out_of_window(store: ArticleStore) -> None:
    await store.add_article(article(1), new_story=True)
    await store.add_article(article(2, relevant=False))
    await store.add_article(article(3, fetched_at=T0 - timedelta(days=2)), new_story=True)
    got = await store.articles_in_window("steel", T0, T0 + timedelta(hours=1))
    assert [a.title for a in got] == ["Steel article 1"]
    everything = await store.articles_in_window(
        "steel", T0 - timedelta(days=3), T0 + timedelta(hours=1), relevant_only=False
    )
    assert len(everything) == 3
    assert got[0].fetched_at.tzinfo is not None


async def test_known_urls_and_hash_lookup(store: ArticleStore) -> None:
    await store.add_article(article(1), new_story=True)
    known = await store.known_urls("steel", ["https://news.test/a/1", "https://news.test/a/9"])
    assert known == {"https://news.test/a/1"}
    assert await store.known_urls("other-topic", ["https://news.test/a/1"]) == set()
    found = await store.article_by_hash("steel", "hash1")
    assert found is not None and found.terms == frozenset({"steel", "tariff"})


async def test_summary_stored_once_per_article_and_version(store: ArticleStore) -> None:
    added = await store.add_article(article(1), new_story=True)
    assert added is not None
    a = added[0]
    summary = Summary(
        (KeyPoint("Talks resumed.", (0,)),),
        (Quote("We are close", "Marta Kovalenko", 1),),
        "offline",
        "offline-1",
    )
    await store.save_summaries({a: summary}, T0)
    await store.save_summaries({a: summary}, T0)  # a re-run
    assert await store.count("summaries") == 1
    assert await store.get_summary(a, "offline", "offline-1") == summary
    assert await store.get_summary(a, "offline", "offline-2") is None


async def test_briefing_of_a_day_is_replaced_not_duplicated(store: ArticleStore) -> None:
    common = {"window_start": T0, "window_end": T0, "story_ids": [1], "degraded": False}
    first = await store.save_briefing(
        topic="steel", briefing_date="2026-11-24", created_at=T0, payload={"v": 1}, **common
    )
    second = await store.save_briefing(
        topic="steel", briefing_date="2026-11-24", created_at=T0, payload={"v": 2}, **common
    )
    assert first == second and await store.count("briefings") == 1
    latest = await store.last_briefing("steel")
    assert latest is not None and latest.payload == {"v": 2}
    assert await store.last_briefing("steel", before_date="2026-11-24") is None


async def test_source_state_keeps_validators_on_not_modified(store: ArticleStore) -> None:
    await store.record_source(
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
    await store.record_source(
        topic="steel",
        key="feed:x",
        kind="feed",
        name="X",
        checked_at=T0,
        error=None,
        new=0,
        keep_validators=True,
    )
    state = await store.source_state("steel", "feed:x")
    assert state is not None and state.etag == '"v1"' and state.last_new == 0
    await store.record_source(
        topic="steel", key="feed:x", kind="feed", name="X", checked_at=T0, error="HTTP 500", new=0
    )
    state = await store.source_state("steel", "feed:x")
    assert state is not None and state.last_error == "HTTP 500" and state.etag == '"v1"'
    assert len(await store.list_sources()) == 1


async def test_full_text_index_follows_articles(store: ArticleStore) -> None:
    if store.dialect != "sqlite":
        pytest.skip("the article-level FTS5 index is SQLite's; PostgreSQL searches passages")
    await store.add_article(
        article(1, text="Kovalenko spoke about aluminium quotas."), new_story=True
    )
    async with store.engine.connect() as conn:
        rows = (
            await conn.exec_driver_sql(
                "SELECT rowid FROM article_fts WHERE article_fts MATCH 'aluminium'"
            )
        ).all()
    assert len(rows) == 1


async def test_summaries_in_bulk(store: ArticleStore) -> None:
    ids = []
    for n in range(3):
        added = await store.add_article(article(n), new_story=True)
        assert added is not None
        ids.append(added[0])
    one = Summary((KeyPoint("A point.", (0,)),), (), "offline", "offline-1")
    await store.save_summaries({ids[0]: one, ids[1]: one}, T0)
    await store.save_summaries({ids[0]: one}, T0)  # a re-run adds nothing
    assert await store.count("summaries") == 2
    got = await store.get_summaries(ids, "offline", "offline-1")
    assert set(got) == {ids[0], ids[1]} and got[ids[0]] == one


async def test_passages_are_indexed_with_the_article(store: ArticleStore) -> None:
    text = " ".join(f"Sentence number {i} about steel quotas and tariffs." for i in range(40))
    first = await store.add_article(article(1, text=text), new_story=True)
    second = await store.add_article(
        article(2, text="Kovalenko spoke about aluminium quotas today."), new_story=True
    )
    assert first and second and await store.count("passages") > 2
    hits = await store.search_passages("steel", ["aluminium", "kovalenko"])
    assert {h.article_id for h in hits} == {second[0]}
    both = await store.search_passages("steel", ["quotas"])
    assert {h.article_id for h in both} == {first[0], second[0]}
    assert await store.search_passages("other", ["aluminium"]) == []
    later = await store.search_passages("steel", ["aluminium"], since=T0 + timedelta(hours=1))
    assert later == []
    assert await store.search_passages("steel", ["!!", ""]) == []  # nothing to match


async def test_irrelevant_articles_are_not_retrieved(store: ArticleStore) -> None:
    await store.add_article(article(1, text="Harbour City won the football match.", relevant=False))
    assert await store.search_passages("steel", ["football"]) == []


async def test_migration_backfills_passages_for_existing_articles(tmp_path: Path) -> None:
    import sqlalchemy as sa

    from bot.store import migrations as m

    url = f"sqlite+aiosqlite:///{tmp_path / 'old.db'}"
    old = ArticleStore.from_url(url)
    async with old.engine.begin() as conn:  # a database from before migration 4
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
    assert await old.migrate() == [4, 5, 6, 7, 8]
    hits = await old.search_passages("steel", ["whitcombe"])
    assert [h.title for h in hits] == ["Old article"]
    async with old.engine.connect() as conn:
        assert (
            await conn.execute(sa.select(sa.func.count()).select_from(schema.passages))
        ).scalar() == 1
    await old.close()


async def test_conversation_turns_keep_the_last_ones(store: ArticleStore) -> None:
    for i in range(5):
        await store.add_turn("c", "user", f"question {i}", T0 + timedelta(minutes=i), [i])
    turns = await store.turns("c", last=2)
    assert [t.text for t in turns] == ["question 3", "question 4"]
    assert turns[-1].citations == (4,)
    assert await store.turns("other", last=5) == []


# ---------------------------------------------------------------------- chat state, both backends


async def test_delivery_claims(store: ArticleStore) -> None:
    lease = timedelta(minutes=10)
    args = {"topic": "t", "platform": "slack", "channel": "C1", "delivery_date": "2026-11-24"}
    first = await store.claim_delivery(**args, now=T0, lease=lease)
    assert first.state == "new"
    assert (await store.claim_delivery(**args, now=T0, lease=lease)).state == "busy"
    later = T0 + timedelta(minutes=11)
    taken = await store.claim_delivery(**args, now=later, lease=lease)
    assert (taken.state, taken.attempts) == ("resumed", 2)
    assert (await store.claim_delivery(**args, now=later, lease=lease)).state == "busy"
    await store.complete_delivery(taken.id, message_ref="1.2", briefing_id=None, now=later)
    done = await store.claim_delivery(**args, now=later + lease * 3, lease=lease)
    assert (done.state, done.message_ref) == ("done", "1.2")
    assert await store.delivery_topic("slack", "C1", "1.2") == "t"


async def test_event_claims_subscriptions_and_references(store: ArticleStore) -> None:
    from bot.models import Subscription

    assert await store.claim_event("Ev1", T0) is True
    assert await store.claim_event("Ev1", T0) is False
    assert await store.forget_events(T0 + timedelta(seconds=1)) == 1
    sub = Subscription("t", "slack", "C1", "08:00", "UTC", origin="chat")
    assert await store.subscribe(sub, now=T0, by="U1") is True
    assert await store.subscribe(replace(sub, at="09:00"), now=T0, by="U1") is False
    assert [s.at for s in await store.subscriptions("slack")] == ["09:00"]
    assert await store.unsubscribe("slack", "C1") == ["t"]
    await store.save_reference("teams", "19:x", {"service_url": "a"}, T0)
    await store.save_reference("teams", "19:x", {"service_url": "b"}, T0)
    assert await store.reference("teams", "19:x") == {"service_url": "b"}


async def test_run_claims_are_leases(store: ArticleStore) -> None:
    lease = timedelta(minutes=5)
    assert await store.claim_run("collect:t", "a", now=T0, lease=lease) is True
    assert await store.claim_run("collect:t", "b", now=T0, lease=lease) is False
    await store.finish_run("collect:t", "a", now=T0, next_after=timedelta(minutes=30))
    assert (
        await store.claim_run("collect:t", "b", now=T0 + timedelta(minutes=1), lease=lease) is False
    )
    assert await store.claim_run("collect:t", "b", now=T0 + timedelta(minutes=31), lease=lease)
    # A holder that dies is taken over once its lease runs out.
    later = T0 + timedelta(minutes=31)
    assert await store.claim_run("collect:t", "c", now=later + lease / 2, lease=lease) is False
    assert await store.claim_run("collect:t", "c", now=later + lease * 2, lease=lease) is True
