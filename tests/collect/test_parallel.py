"""Collection on every core: the one-pass analysis equals the separate functions, a batch
stores what one-by-one writes store, the run's DNS cache keeps the SSRF guard, and the CPU
pool is sized from the settings."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from bot.collect import dedupe, relevance
from bot.collect.analysis import Page, analyse, extract_and_analyse
from bot.collect.extract import extract_html
from bot.collect.fetch import Fetcher, FetchPolicy, ResolverCache, build_http_client
from bot.config import Settings, default_workers
from bot.errors import BlockedURLError
from bot.store import Store, schema
from bot.store.articles import BatchItem, NewArticle
from bot.store.embed import embed, to_blob
from bot.store.passages import chunk_passages
from bot.summarise.cpu import cpu_pool
from testkit.web import WebServer
from tests.databases import BACKENDS, open_store

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
QUERY = relevance.Query(may=("steel", "tariff"), must_not=("football",))


@pytest.mark.parametrize("page", sorted(PAGES.glob("*.html")), ids=lambda p: p.stem)
def test_analysis_equals_the_separate_functions(page: Path) -> None:
    url = f"https://www.example.com/{page.stem}?utm_source=x"
    art = extract_html(page.read_bytes(), url)
    an = analyse(QUERY, art.title, art.text, url)
    assert an.canonical_url == dedupe.canonical_url(url)
    assert an.content_hash == dedupe.content_hash(art.text)
    assert an.signature == dedupe.signature(art.text)
    assert an.terms == dedupe.story_terms(art.title, art.text)
    assert an.relevance == relevance.score(QUERY, art.title, art.text)
    chunks = chunk_passages(art.text)
    vectors = embed([f"{art.title}. {c}" for c in chunks])
    assert an.passages == tuple((c, to_blob(v)) for c, v in zip(chunks, vectors, strict=True))
    extracted, same = extract_and_analyse(Page(url, page.read_bytes(), html=True), QUERY)
    assert (extracted, same) == (art, an)


async def test_analysis_in_a_worker_process_is_the_same() -> None:
    page = next(iter(sorted(PAGES.glob("*.html"))))
    doc = Page("https://example.com/a", page.read_bytes(), html=True)
    with cpu_pool(1) as cpu:
        assert await cpu.run(extract_and_analyse, doc, QUERY) == extract_and_analyse(doc, QUERY)


# -- batch writes --------------------------------------------------------------------------

T0 = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)


def new(n: int, *, story: int | None = None, dup: int | None = None) -> NewArticle:
    return NewArticle(
        topic="t",
        url=f"https://news.example/{n}",
        canonical_url=f"https://news.example/{n}",
        source="feed",
        title=f"Title {n}",
        text=f"Article {n} text. It has two sentences about steel.",
        fetched_at=T0 + timedelta(minutes=n),
        content_hash=f"h{n}",
        signature="",
        terms=("steel", f"t{n}"),
        relevance=0.5,
        relevant=True,
        relevance_reason="matches 'steel'",
        story_id=story,
        duplicate_of=dup,
    )


async def rows(store: Store) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    """Articles (URL, story as the URL of its first article, original's URL) and stories
    (first article's URL, title, first/last seen), independent of the ids given."""
    t, s = schema.articles, schema.stories
    async with store.db.engine.connect() as conn:
        arts = (await conn.execute(sa.select(t).order_by(t.c.id))).mappings().all()
        stories = (await conn.execute(sa.select(s).order_by(s.c.id))).mappings().all()
        passages = await conn.execute(sa.select(sa.func.count()).select_from(schema.passages))
    url = {a["id"]: a["canonical_url"] for a in arts}
    first = {}
    for a in arts:
        first.setdefault(a["story_id"], a["canonical_url"])
    article_rows = sorted(
        (
            a["canonical_url"],
            first[a["story_id"]] if a["story_id"] else None,
            url.get(a["duplicate_of"]),
            a["title"],
        )
        for a in arts
    )
    story_rows = sorted(
        (first[st["id"]], st["title"], st["terms"], st["first_seen_at"], st["last_seen_at"])
        for st in stories
    )
    return article_rows, [*story_rows, ("passages", passages.scalar_one())]


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_batch_stores_what_one_by_one_stores(backend: str, tmp_path: Path) -> None:
    async with open_store(backend, tmp_path / "one") as one:
        (a1, s1) = await one.articles.add_article(new(1), new_story=True) or (0, None)
        (_a2, _) = await one.articles.add_article(new(2, story=s1, dup=a1)) or (0, None)
        await one.articles.add_article(new(3, story=s1))
        (a4, s4) = await one.articles.add_article(new(4), new_story=True) or (0, None)
        await one.articles.add_article(new(5, story=s4, dup=a4))
        assert await one.articles.add_article(new(3, story=s1)) is None  # exactly once
        expected = await rows(one)
    async with open_store(backend, tmp_path / "batch") as batch:
        added = await batch.articles.add_articles(
            [
                BatchItem(new(1), new_story=True),
                BatchItem(new(2), copy_of_item=0, story_of_item=0),
                BatchItem(new(3), story_of_item=0),
                BatchItem(new(4), new_story=True),
                BatchItem(replace(new(3), title="again"), story_of_item=0),  # a repeat URL
                BatchItem(new(5), copy_of_item=3, story_of_item=3),
            ]
        )
        assert [a is None for a in added] == [False, False, False, False, True, False]
        assert await rows(batch) == expected
        again = await batch.articles.add_articles([BatchItem(new(1), new_story=True)])
        assert again == [None]  # a re-run stores nothing, starts no empty story
        assert await rows(batch) == expected


@pytest.mark.parametrize("backend", BACKENDS)
async def test_many_stories_started_in_one_batch_each_get_their_own_row(
    backend: str, tmp_path: Path
) -> None:
    # Stories are inserted a few statements per batch; each article must get the story row
    # made from it (title, terms, times), however many start together.
    async with open_store(backend, tmp_path) as store:
        await store.articles.add_article(new(0), new_story=True)  # ids do not start at 1
        added = await store.articles.add_articles(
            [BatchItem(new(n), new_story=True) for n in range(1, 61)]
        )
        s = schema.stories
        async with store.db.engine.connect() as conn:
            titles = dict((await conn.execute(sa.select(s.c.id, s.c.title))).all())
        assert [titles[a.story_id] for a in added if a is not None] == [
            f"Title {n}" for n in range(1, 61)
        ]
        assert [a.story_id for a in added if a is not None] == sorted(
            a.story_id for a in added if a is not None and a.story_id is not None
        )


@pytest.mark.parametrize("backend", BACKENDS)
async def test_a_story_whose_first_article_was_stored_before_starts_with_the_next(
    backend: str, tmp_path: Path
) -> None:
    async with open_store(backend, tmp_path) as store:
        await store.articles.add_article(new(1))  # stored by another run meanwhile
        added = await store.articles.add_articles(
            [
                BatchItem(new(1), new_story=True),
                BatchItem(new(2), copy_of_item=0, story_of_item=0),
                BatchItem(new(3), story_of_item=0),
            ]
        )
        assert added[0] is None and added[1] is not None and added[2] is not None
        assert added[1].duplicate_of is None  # its original is not in this batch's hands
        assert added[1].story_id is not None and added[1].story_id == added[2].story_id
        _, stories = await rows(store)
        assert [s[0] for s in stories[:-1]] == ["https://news.example/2"]


# -- the run's DNS cache ---------------------------------------------------------------------


def counting(table: dict[str, list[str]]):  # type: ignore[no-untyped-def]
    calls: list[str] = []

    async def resolve(host: str, port: int) -> list[str]:
        calls.append(host)
        return table[host]

    return resolve, calls


async def test_a_run_resolves_each_host_once_and_still_connects_to_the_checked_address() -> None:
    with WebServer() as web:
        for n in range(4):
            web.add(f"/{n}", f"<p>page {n}</p>")
        resolve, calls = counting({"news.test": ["127.0.0.1"]})
        policy = FetchPolicy(allow_hosts=("news.test",), total_timeout=5)
        client = build_http_client(policy)
        try:
            run = Fetcher(client, policy, resolver=resolve).for_run()
            for n in range(4):
                result = await run.fetch(f"http://news.test:{web.port}/{n}")
                assert f"page {n}" in result.text()
            assert calls == ["news.test"]
            assert [r.path for r in web.requests] == ["/0", "/1", "/2", "/3"]
            await (
                Fetcher(client, policy, resolver=resolve)
                .for_run()
                .fetch(f"http://news.test:{web.port}/0")
            )
            assert calls == ["news.test", "news.test"]  # a new run resolves again
        finally:
            await client.aclose()


async def test_a_cached_private_address_is_refused_every_time() -> None:
    resolve, calls = counting({"evil.test": ["93.184.216.34", "10.0.0.5"]})
    policy = FetchPolicy(total_timeout=2)
    client = build_http_client(policy)
    try:
        run = Fetcher(client, policy, resolver=resolve).for_run()
        for _ in range(3):
            with pytest.raises(BlockedURLError, match=r"private address \(10\.0\.0\.5\)"):
                await run.fetch("http://evil.test/")
        assert calls == ["evil.test"]
    finally:
        await client.aclose()


async def test_the_cache_shares_one_lookup_between_concurrent_fetches() -> None:
    import asyncio

    resolve, calls = counting({"a.test": ["93.184.216.34"], "b.test": ["93.184.216.35"]})
    cache = ResolverCache(resolve)
    answers = await asyncio.gather(*(cache(h, 443) for h in ["a.test", "b.test", "A.test"] * 3))
    assert answers[0] == ["93.184.216.34"] and answers[1] == ["93.184.216.35"]
    assert sorted(calls) == ["a.test", "b.test"] and cache.lookups == 2


# -- pool sizing -----------------------------------------------------------------------------


def test_workers_default_to_the_cpu_count(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("BRIEFBOT_WORKERS", raising=False)
    assert Settings(_env_file=None).workers == default_workers() >= 1  # type: ignore[call-arg]
    assert Settings(_env_file=None, workers="").workers == default_workers()  # type: ignore[call-arg]
    assert Settings(_env_file=None, workers=0).workers == 0  # type: ignore[call-arg]
    assert Settings(_env_file=None, workers=3).workers == 3  # type: ignore[call-arg]


@pytest.mark.parametrize("workers", [0, 2])
def test_the_pool_has_the_workers_asked_for(workers: int) -> None:
    with cpu_pool(workers) as cpu:
        assert cpu.workers == workers
        assert cpu.executor is not None
        assert getattr(cpu.executor, "_max_workers") == max(workers, 1)  # noqa: B009
