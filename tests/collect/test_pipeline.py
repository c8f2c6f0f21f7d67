"""Collection end to end over real HTTP on 127.0.0.1: feeds of every shape (and hostile ones)
side by side, syndicated copies collapsing into one story, off-topic articles kept out,
conditional GET, and re-runs that store nothing twice."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Sequence
from pathlib import Path

import pytest

from bot.collect.fetch import Fetcher, FetchPolicy, build_http_client
from bot.collect.pipeline import Collector
from bot.config import TopicConfig, parse_config
from bot.store import Store
from bot.summarise import OFFLINE_VERSION, OfflineSummariser
from bot.summarise.cached import CachedSummaries
from testkit.web import WebServer
from tests.helpers.clock import Clock

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
PAGES = FIXTURES / "pages"
FEEDS = FIXTURES / "feeds"


def rss(base: str, *paths: str) -> bytes:
    items = "".join(
        f"<item><title>{p}</title><link>{base}{p}</link>"
        "<pubDate>Tue, 24 Nov 2026 06:00:00 GMT</pubDate></item>"
        for p in paths
    )
    return (
        f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel><title>T</title>'
        f"{items}</channel></rss>"
    ).encode()


def atom(base: str, *paths: str) -> bytes:
    entries = "".join(
        f'<entry><title>{p}</title><link href="{base}{p}"/><id>{p}</id>'
        "<updated>2026-11-24T06:00:00Z</updated></entry>"
        for p in paths
    )
    return (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        f"<title>A</title><id>urn:a</id><updated>2026-11-24T06:00:00Z</updated>{entries}</feed>"
    ).encode()


TOPIC_TOML = """
[[topics]]
name = "eu-us-steel"
[topics.query]
may = ["steel", "aluminium", "tariff"]
must_not = ["football"]
{sources}
"""


def topic_with(*urls: str) -> TopicConfig:
    sources = "\n".join(f'[[topics.sources]]\nkind = "feed"\nurl = "{u}"\n' for u in urls)
    return parse_config(TOPIC_TOML.format(sources=sources)).topics[0]


@pytest.fixture
def web() -> AsyncIterator[WebServer]:
    with WebServer() as server:
        for page in PAGES.glob("*.html"):
            server.add(f"/{page.stem}", page.read_bytes())
        yield server


@pytest.fixture
async def collector(store: Store, clock: Clock) -> AsyncIterator[Collector]:
    policy = FetchPolicy(
        allow_hosts=("127.0.0.1",), read_timeout=1.0, total_timeout=2.0, max_bytes=2_000_000
    )
    client = build_http_client(policy)
    yield Collector(store.articles, Fetcher(client, policy), now=clock.now)
    await client.aclose()


async def test_every_feed_shape_and_hostile_source_side_by_side(
    web: WebServer, collector: Collector, store: Store
) -> None:
    base = web.url("")
    web.add(
        "/rss.xml", rss(base, "/wire-original", "/football"), content_type="application/rss+xml"
    )
    web.add("/atom.xml", atom(base, "/unions"), content_type="application/atom+xml")
    web.add("/broken.xml", (FEEDS / "broken.xml").read_bytes(), content_type="application/xml")
    web.add("/bomb.xml", (FEEDS / "entity-bomb.xml").read_bytes(), content_type="application/xml")
    latin = (
        (FEEDS / "wrong-encoding.xml")
        .read_bytes()
        .replace(b"https://latin.test/acier", f"{base}/wire-copy-metro".encode())
    )
    web.add("/latin.xml", latin, content_type="application/rss+xml; charset=utf-8")
    web.gzip_bomb("/gzip-bomb.xml", 200_000_000)
    web.huge("/huge.xml", 50_000_000)
    web.hang("/hang.xml")
    names = ["rss", "atom", "broken", "bomb", "latin", "gzip-bomb", "huge", "hang"]
    topic = topic_with(*(web.url(f"/{n}.xml") for n in names))

    outcomes = await collector.collect(topic)

    by_source = {o.source.rsplit("/", 1)[-1]: o for o in outcomes}
    assert [by_source[f"{n}.xml"].ok for n in names] == [
        True,
        True,
        False,
        False,
        True,
        False,
        False,
        False,
    ]
    assert "not a valid RSS or Atom feed" in (by_source["broken.xml"].error or "")
    assert "entit" in (by_source["bomb.xml"].error or "")
    assert "larger than" in (by_source["gzip-bomb.xml"].error or "")
    assert "larger than" in (by_source["huge.xml"].error or "")
    assert "did not answer" in (by_source["hang.xml"].error or "")
    assert by_source["rss.xml"].new == 2 and by_source["atom.xml"].new == 1
    assert by_source["latin.xml"].new == 1
    assert await store.db.count("articles") == 4
    sources = await store.articles.list_sources()
    failures = {s.name.rsplit("/", 1)[-1]: s.last_error for s in sources}
    assert failures["rss.xml"] is None and failures["hang.xml"]


async def test_syndicated_copies_become_one_story_and_off_topic_is_kept_out(
    web: WebServer, collector: Collector, store: Store, clock: Clock
) -> None:
    base = web.url("")
    web.add(
        "/a.xml",
        rss(base, "/wire-original", "/unions", "/football"),
        content_type="application/rss+xml",
    )
    web.add(
        "/b.xml",
        rss(base, "/wire-copy-ledger", "/wire-copy-metro"),
        content_type="application/rss+xml",
    )
    outcomes = await collector.collect(topic_with(web.url("/a.xml"), web.url("/b.xml")))
    assert all(o.ok for o in outcomes), outcomes

    everything = await store.articles.articles_in_window(
        "eu-us-steel", clock.now().replace(year=2000), clock.now(), relevant_only=False
    )
    by_site = {a.site_name: a for a in everything}
    football = next(a for a in everything if "Harbour City" in a.title)
    assert not football.relevant and football.story_id is None
    wire = by_site["Wirepoint"]
    copies = [by_site["Harbour Ledger"], by_site["Metro Daily"]]
    copies = [a for a in everything if a.duplicate_of is not None]
    assert len(copies) == 2, [(a.title, a.duplicate_of) for a in everything]
    root = next(a for a in everything if a.id == copies[0].duplicate_of)
    assert {a.story_id for a in copies} == {root.story_id}
    assert root.site_name in {"Wirepoint", "Harbour Ledger", "Metro Daily"}
    assert wire.story_id == root.story_id
    unions = next(a for a in everything if a.site_name == "Continental Times")
    assert unions.duplicate_of is None  # related coverage, not a copy
    relevant = await store.articles.articles_in_window(
        "eu-us-steel", clock.now().replace(year=2000), clock.now()
    )
    assert football.id not in {a.id for a in relevant}


async def test_rerun_stores_nothing_twice_and_uses_conditional_get(
    web: WebServer, collector: Collector, store: Store
) -> None:
    base = web.url("")
    web.conditional(
        "/feed.xml",
        rss(base, "/wire-original", "/unions"),
        etag='"v1"',
        last_modified="Tue, 24 Nov 2026 06:00:00 GMT",
    )
    topic = topic_with(web.url("/feed.xml"))
    first = await collector.collect(topic)
    counts = {t: await store.db.count(t) for t in ("articles", "stories", "sources")}
    second = await collector.collect(topic)
    assert first[0].new == 2 and second[0].new == 0 and second[0].not_modified
    assert {t: await store.db.count(t) for t in counts} == counts
    feed_requests = [r for r in web.requests if r.path == "/feed.xml"]
    assert feed_requests[-1].headers.get("If-None-Match") == '"v1"'


async def test_items_already_known_under_another_url_are_not_refetched(
    web: WebServer, collector: Collector, store: Store
) -> None:
    base = web.url("")
    web.add("/one.xml", rss(base, "/wire-original"), content_type="application/rss+xml")
    web.add(
        "/two.xml",
        rss(base, "/wire-original?utm_source=rss&utm_medium=feed#top"),
        content_type="application/rss+xml",
    )
    await collector.collect(topic_with(web.url("/one.xml")))
    before = len([r for r in web.requests if r.path.startswith("/wire-original")])
    outcomes = await collector.collect(topic_with(web.url("/two.xml")))
    after = len([r for r in web.requests if r.path.startswith("/wire-original")])
    assert outcomes[0].new == 0 and before == after == 1
    assert await store.db.count("articles") == 1


async def test_one_bad_article_does_not_fail_its_source(
    web: WebServer, collector: Collector, store: Store
) -> None:
    base = web.url("")
    web.add("/empty", b"<html><body><p>Too short.</p></body></html>")
    web.add("/image", b"\x89PNG....", content_type="image/png")
    web.add(
        "/f.xml",
        rss(base, "/wire-original", "/empty", "/image", "/missing"),
        content_type="application/rss+xml",
    )
    [outcome] = await collector.collect(topic_with(web.url("/f.xml")))
    assert outcome.ok and outcome.new == 1 and outcome.failed_items == 3
    assert any("404" in e for e in outcome.item_errors)
    assert any("no article text" in e for e in outcome.item_errors)
    assert any("not a text document" in e for e in outcome.item_errors)


async def test_news_search_and_page_and_folder_sources(
    web: WebServer, collector: Collector, store: Store, tmp_path: Path
) -> None:
    base = web.url("")
    web.add(
        "/gdelt",
        json.dumps(
            {"articles": [{"url": f"{base}/wire-original", "seendate": "20261124T061500Z"}]}
        ),
        content_type="application/json",
    )
    web.add(
        "/newsroom/",
        f'<html><body><a href="{base}/unions">Unions</a> <a href="/about">About</a></body></html>',
    )
    (tmp_path / "press").mkdir()
    (tmp_path / "press" / "release.txt").write_text(
        "Steel council statement\n\n" + (PAGES / "wire-original.html").read_text()
    )
    topic = parse_config(
        TOPIC_TOML.format(
            sources=(
                f'[[topics.sources]]\nkind = "search"\nquery = "steel tariffs"\n'
                f'endpoint = "{base}/gdelt"\n'
                f'[[topics.sources]]\nkind = "page"\nurl = "{base}/newsroom/"\n'
                'link_pattern = "/unions"\n'
                f'[[topics.sources]]\nkind = "folder"\npath = "{tmp_path / "press"}"\n'
            )
        )
    ).topics[0]
    outcomes = await collector.collect(topic)
    assert [(o.kind, o.ok, o.new) for o in outcomes] == [
        ("search", True, 1),
        ("page", True, 1),
        ("folder", True, 1),
    ]
    search = next(r for r in web.requests if r.path.startswith("/gdelt"))
    assert "query=steel+tariffs" in search.path and "mode=ArtList" in search.path
    assert await store.db.count("articles") == 3


async def test_new_originals_are_summarised_while_collecting(
    web: WebServer, store: Store, clock: Clock
) -> None:
    """With the offline summariser, collection summarises the new relevant originals (never a
    copy, never an off-topic article), so the briefing finds their summaries stored."""
    base = web.url("")
    web.add(
        "/a.xml",
        rss(base, "/wire-original", "/wire-copy-metro", "/football"),
        content_type="application/rss+xml",
    )
    policy = FetchPolicy(
        allow_hosts=("127.0.0.1",), read_timeout=1.0, total_timeout=2.0, max_bytes=2_000_000
    )
    summaries = CachedSummaries(store.articles, OfflineSummariser(), now=clock.now)
    async with build_http_client(policy) as client:
        collector = Collector(
            store.articles, Fetcher(client, policy), now=clock.now, after_collect=summaries.prepare
        )
        await collector.collect(topic_with(web.url("/a.xml")))
        everything = await store.articles.articles_in_window(
            "eu-us-steel", clock.now().replace(year=2000), clock.now(), relevant_only=False
        )
        stored = await store.articles.get_summaries(
            [a.id for a in everything], "offline", OFFLINE_VERSION
        )
        originals = {a.id for a in everything if a.relevant and a.duplicate_of is None}
        assert len(everything) == 3 and len(originals) == 1
        assert set(stored) == originals
        assert summaries.computed == 1
        # A second run finds nothing new and summarises nothing.
        await collector.collect(topic_with(web.url("/a.xml")))
        assert summaries.computed == 1


async def test_a_failing_after_collect_step_loses_nothing(
    web: WebServer, store: Store, clock: Clock
) -> None:
    base = web.url("")
    web.add("/a.xml", rss(base, "/wire-original"), content_type="application/rss+xml")
    policy = FetchPolicy(
        allow_hosts=("127.0.0.1",), read_timeout=1.0, total_timeout=2.0, max_bytes=2_000_000
    )
    asked: list[list[int]] = []

    async def broken(ids: Sequence[int]) -> None:
        asked.append(list(ids))
        raise RuntimeError("disk on fire")

    async with build_http_client(policy) as client:
        collector = Collector(
            store.articles, Fetcher(client, policy), now=clock.now, after_collect=broken
        )
        outcomes = await collector.collect(topic_with(web.url("/a.xml")))
    assert [o.ok for o in outcomes] == [True] and outcomes[0].new == 1
    assert len(asked) == 1 and len(asked[0]) == 1
    stored = await store.articles.articles_by_id(asked[0])
    assert list(stored) == asked[0]
