"""Time budgets: a source whose articles trickle in at 1 byte/s is stopped at its budget with
what it stored, and the other sources of the topic are collected all the same."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.collect.fetch import Fetcher, FetchPolicy, build_http_client
from bot.collect.pipeline import Collector
from bot.store import Store
from testkit.web import WebServer
from tests.collect.test_pipeline import rss, topic_with
from tests.helpers.clock import Clock

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
SLOW_LINKS = [f"/slow/{i}" for i in range(50)]


@pytest.fixture
def web() -> AsyncIterator[WebServer]:
    with WebServer() as server:
        for page in PAGES.glob("*.html"):
            server.add(f"/{page.stem}", page.read_bytes())
        for path in SLOW_LINKS:
            server.slow_drip(path, interval=1.0)  # 1 byte a second, for ever
        base = server.url("")
        server.add("/slow.xml", rss(base, *SLOW_LINKS), content_type="application/rss+xml")
        server.add(
            "/mixed.xml",
            rss(base, "/wire-original", "/unions", *SLOW_LINKS[:6]),
            content_type="application/rss+xml",
        )
        server.add("/good.xml", rss(base, "/wire-copy-metro"), content_type="application/rss+xml")
        server.slow_drip("/slow-feed.xml", interval=1.0)
        yield server


def collector_for(store: Store, clock: Clock, **budgets: float) -> tuple[Collector, Fetcher]:
    # The per-request limits are far above the budgets: only the budget can stop the source.
    policy = FetchPolicy(
        allow_hosts=("127.0.0.1",), read_timeout=30.0, total_timeout=60.0, per_host_limit=16
    )
    fetcher = Fetcher(build_http_client(policy), policy)
    return Collector(store.articles, fetcher, now=clock.now, **budgets), fetcher


async def test_a_trickling_source_stops_at_its_budget_and_the_others_are_collected(
    web: WebServer, store: Store, clock: Clock
) -> None:
    collector, fetcher = collector_for(store, clock, source_budget=1.5)
    topic = topic_with(web.url("/slow.xml"), web.url("/good.xml"), web.url("/slow-feed.xml"))
    started = time.monotonic()
    try:
        outcomes = await collector.collect(topic)
    finally:
        await fetcher.client.aclose()
    assert time.monotonic() - started < 4.0
    slow, good, slow_feed = outcomes
    assert good.ok and good.new == 1
    assert not slow.ok and slow.new == 0
    assert (
        slow.error
        == "stopped at its time budget (1.5 s) with 0 new article(s), 50 left for next time"
    )
    assert not slow_feed.ok and "time budget (1.5 s)" in (slow_feed.error or "")
    rows = {r.name.rsplit("/", 1)[-1]: r for r in await store.articles.list_sources()}
    assert rows["slow.xml"].last_error == slow.error
    assert rows["good.xml"].last_error is None


async def test_what_a_source_stored_before_its_budget_ran_out_is_kept(
    web: WebServer, store: Store, clock: Clock
) -> None:
    collector, fetcher = collector_for(store, clock, source_budget=1.5)
    try:
        [mixed] = await collector.collect(topic_with(web.url("/mixed.xml")))
    finally:
        await fetcher.client.aclose()
    assert not mixed.ok and mixed.new == 2
    assert (
        mixed.error
        == "stopped at its time budget (1.5 s) with 2 new article(s), 6 left for next time"
    )
    assert await store.db.count("articles") == 2


async def test_the_run_budget_bounds_every_source(
    web: WebServer, store: Store, clock: Clock
) -> None:
    collector, fetcher = collector_for(store, clock, source_budget=60.0, collect_budget=1.0)
    started = time.monotonic()
    try:
        outcomes = await collector.collect(topic_with(web.url("/slow.xml"), web.url("/good.xml")))
    finally:
        await fetcher.client.aclose()
    assert time.monotonic() - started < 3.5
    slow, good = outcomes
    assert good.ok and good.new == 1
    assert "the run's time budget (1 s)" in (slow.error or "")
