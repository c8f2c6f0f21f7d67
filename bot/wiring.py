"""Builds the real clients and services once, from Settings. The only place that does.

Everything is an async context manager so clients are closed on the way out; tests build the
same services with their own store, clock or fetch policy instead of patching anything.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime

from bot.briefing.compose import BriefingService
from bot.collect.fetch import Fetcher, FetchPolicy, build_http_client
from bot.collect.pipeline import Collector
from bot.config import Settings
from bot.store.repository import ArticleStore
from bot.summarise import OfflineSummariser, Summariser
from bot.summarise.cached import CachedSummaries


def utc_now() -> datetime:
    return datetime.now(UTC)


def fetch_policy(settings: Settings) -> FetchPolicy:
    """The fetch limits and SSRF allow-list from settings."""
    return FetchPolicy(
        max_bytes=settings.fetch_max_bytes,
        connect_timeout=min(5.0, settings.fetch_timeout),
        read_timeout=settings.fetch_timeout,
        total_timeout=settings.fetch_total_timeout,
        max_redirects=settings.fetch_max_redirects,
        per_host_limit=settings.fetch_per_host,
        user_agent=settings.user_agent,
        allow_hosts=settings.allow_hosts,
    )


@dataclass
class Services:
    settings: Settings
    store: ArticleStore
    fetcher: Fetcher
    summariser: Summariser
    summaries: CachedSummaries
    collector: Collector
    briefings: BriefingService


@asynccontextmanager
async def open_services(
    settings: Settings, *, now: Callable[[], datetime] = utc_now
) -> AsyncIterator[Services]:
    """Open the store (migrating it), the HTTP client and the services built on them."""
    store = ArticleStore.from_url(settings.resolved_database_url())
    policy = fetch_policy(settings)
    client = build_http_client(policy)
    try:
        await store.migrate()
        fetcher = Fetcher(client, policy)
        summariser: Summariser = OfflineSummariser()
        summaries = CachedSummaries(store, summariser, now=now)
        yield Services(
            settings=settings,
            store=store,
            fetcher=fetcher,
            summariser=summariser,
            summaries=summaries,
            collector=Collector(
                store,
                fetcher,
                now=now,
                max_items_per_source=settings.max_items_per_source,
                concurrency=settings.fetch_concurrency,
            ),
            briefings=BriefingService(store, summaries, now=now),
        )
    finally:
        await client.aclose()
        await store.close()
