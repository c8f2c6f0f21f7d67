"""Collecting through the process pool stores exactly what collecting in a thread stores:
every article column, every passage with its vector, every story, row for row."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bot.collect.fetch import Fetcher, FetchPolicy, build_http_client
from bot.collect.pipeline import Collector
from bot.config import parse_config
from bot.store import Store, schema
from bot.summarise.cpu import CPU, cpu_pool
from testkit.web import WebServer
from tests.databases import open_store

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"
NOW = datetime(2026, 11, 24, 6, 0, tzinfo=UTC)
TOPIC = """
[[topics]]
name = "eu-us-steel"
[topics.query]
may = ["steel", "aluminium", "tariff"]
must_not = ["football"]
[[topics.sources]]
kind = "feed"
url = "{feed}"
"""


def rss(base: str, paths: list[str]) -> bytes:
    items = "".join(
        f"<item><title>{p}</title><link>{base}{p}</link>"
        "<pubDate>Tue, 24 Nov 2026 05:00:00 GMT</pubDate></item>"
        for p in paths
    )
    channel = f"<channel><title>T</title>{items}</channel>"
    return f'<?xml version="1.0"?><rss version="2.0">{channel}</rss>'.encode()


async def collect(store: Store, feeds: list[str], cpu: CPU | None) -> None:
    """One run per feed, in order, each feed listing one page: the order the pages are
    decided in (which copy is the original) is the same on both paths, so the stored rows
    can be compared as they are."""
    policy = FetchPolicy(allow_hosts=("127.0.0.1",), total_timeout=10.0)
    async with build_http_client(policy) as client:
        collector = Collector(store.articles, Fetcher(client, policy), now=lambda: NOW, cpu=cpu)
        for feed in feeds:
            topic = parse_config(TOPIC.format(feed=feed)).topics[0]
            (outcome,) = await collector.collect(topic)
            assert outcome.ok and outcome.new == 1


async def stored(store: Store) -> dict[str, list[dict[str, Any]]]:
    tables = {"articles": schema.articles, "passages": schema.passages, "stories": schema.stories}
    async with store.db.engine.connect() as conn:
        return {
            name: [dict(r) for r in (await conn.execute(sa.select(t).order_by(t.c.id))).mappings()]
            for name, t in tables.items()
        }


async def test_the_pool_stores_what_a_thread_stores(tmp_path: Path) -> None:
    with WebServer() as web:
        paths = [f"/{page.stem}" for page in sorted(PAGES.glob("*.html"))]
        feeds = []
        for path, page in zip(paths, sorted(PAGES.glob("*.html")), strict=True):
            web.add(path, page.read_bytes())
            web.add(f"{path}.xml", rss(web.url(""), [path]), content_type="application/rss+xml")
            feeds.append(web.url(f"{path}.xml"))
        async with open_store("sqlite", tmp_path / "thread") as store:
            await collect(store, feeds, None)
            expected = await stored(store)
        with cpu_pool(2) as cpu:
            async with open_store("sqlite", tmp_path / "pool") as store:
                await collect(store, feeds, cpu)
                got = await stored(store)
    assert len(expected["articles"]) == len(paths)
    assert any(a["duplicate_of"] for a in expected["articles"])  # the wire copies
    assert len(expected["stories"]) == 2  # the unions' story, the wire story's
    assert all(p["embedding"] for p in expected["passages"])
    assert got == expected
