"""Benchmark: the two store backends at scale.

For SQLite and PostgreSQL (BRIEFBOT_BENCH_POSTGRES_DSN, default the local test server):
1. retrieval p50/p95 over 200 questions on a 100k-article store (bulk-loaded with the real
   schema and migrations, passages with their embeddings; the same synthetic corpus as
   bench/retrieval.py's "worst", whose 40-word vocabulary makes almost every term common: a
   worst case for ranking);
2. a day of 1,000 new articles stored through the real repository (passages, stories) and
   summarised offline as collection does (CachedSummaries.prepare, in a CPU pool of one process
   per core), then the briefing run over them (grouping, composition); and the briefing run
   again with no summary stored ("cold": every article parsed during the briefing).

    python bench/scale.py [--articles 100000] [--day 1000] [--questions 200] [--only sqlite]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.retrieval import (
    article,
    build,
    generate,
    load_postgres,
    pct,
    postgres_database,
    questions,
)
from bot.answer import QuestionEngine
from bot.answer.terms import content_terms
from bot.answer.when import scope_of
from bot.briefing.compose import BriefingService
from bot.config import TopicConfig, async_database_url
from bot.store import Store
from bot.store.articles import NewArticle
from bot.summarise import OfflineSummariser
from bot.summarise.cached import CachedSummaries
from bot.summarise.cpu import CPU, cpu_pool


async def build_postgres(dsn: str, n: int) -> None:
    """The same corpus as bench/retrieval.build (with embeddings), COPY-loaded (tsvectors
    computed by PG)."""
    corpus = generate("worst", n)
    corpus.embed_prefix(n)
    await load_postgres(dsn, corpus, n)


async def retrieval(store: Store, asked: list[str]) -> list[float]:
    engine = QuestionEngine(store.articles, store.search, store.chat, now=lambda: datetime.now(UTC))
    timings = []
    for q in asked:
        start = time.perf_counter()
        await engine._retrieve("bench", content_terms(q), scope_of(q, datetime.now(UTC)))
        timings.append(time.perf_counter() - start)
    return timings


async def briefing_day(store: Store, count: int, cpu: CPU) -> tuple[float, float, float, int]:
    """Store and summarise a day of `count` articles (stories of ~3) as collection does, then
    time the day's briefing; then time it again with the summaries gone (cold)."""
    rng = random.Random(count)
    now = datetime.now(UTC)
    started = time.perf_counter()
    story_of: dict[int, int] = {}
    ids: list[int] = []
    for i in range(count):
        title, text = article(rng, 1_000_000 + i)
        group = i // 3
        stored = await store.articles.add_article(
            NewArticle(
                topic="day", url=f"https://d.test/{i}", canonical_url=f"https://d.test/{i}",
                source="bench", title=title, text=text,
                fetched_at=now - timedelta(minutes=rng.randint(1, 600)),
                content_hash=f"d{i}", signature="", terms=(), relevance=0.9, relevant=True,
                relevance_reason="", story_id=story_of.get(group), duplicate_of=None,
            ),
            new_story=group not in story_of,
        )  # fmt: skip
        if stored and stored[1] is not None:
            story_of.setdefault(group, stored[1])
            ids.append(stored[0])
    workers = os.cpu_count() or 1
    summaries = CachedSummaries(
        store.articles, OfflineSummariser(cpu), now=lambda: now, concurrency=2 * workers
    )
    await summaries.prepare(ids)
    stored_in = time.perf_counter() - started
    topic = TopicConfig(name="day", title="A busy day")
    service = BriefingService(
        store.articles, store.deliveries, summaries, now=lambda: now + timedelta(minutes=1)
    )
    started = time.perf_counter()
    briefing = await service.brief(topic)
    warm = time.perf_counter() - started
    # Cold: a summariser version nobody has stored yet, so every article is parsed again.
    cold_summariser = OfflineSummariser(cpu)
    cold_summariser.prompt_version += "-cold"
    cold_summaries = CachedSummaries(
        store.articles, cold_summariser, now=lambda: now, concurrency=2 * workers
    )
    cold_service = BriefingService(
        store.articles, store.deliveries, cold_summaries, now=lambda: now + timedelta(minutes=2)
    )
    started = time.perf_counter()
    await cold_service.brief(topic, save=False)
    return stored_in, warm, time.perf_counter() - started, len(briefing.stories)


async def run_backend(
    name: str, url: str, path: Path | None, n: int, day: int, asked: list[str]
) -> None:
    started = time.perf_counter()
    if path is not None:
        await asyncio.to_thread(build, path, n)
    else:
        await build_postgres(url, n)
    built = time.perf_counter() - started
    store = Store.from_url(async_database_url(url))
    timings = await retrieval(store, asked)
    with cpu_pool(os.cpu_count() or 1) as cpu:
        stored_in, briefed_in, cold, stories = await briefing_day(store, day, cpu)
    await store.close()
    print(
        f"{name:<10} {n:,} articles (loaded in {built:5.1f} s): retrieval p50 "
        f"{pct(timings, 50) * 1000:6.1f} ms, p95 {pct(timings, 95) * 1000:6.1f} ms | "
        f"{day:,} new articles: stored and summarised in {stored_in:5.1f} s, briefing run "
        f"{briefed_in:5.1f} s ({stories} stories shown), cold {cold:5.1f} s"
    )


async def main(n: int, day: int, count: int, only: str | None) -> None:
    asked = questions(count)
    if only in (None, "sqlite"):
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.db"
            await run_backend("SQLite", f"sqlite:///{path}", path, n, day, asked)
    if only in (None, "postgresql"):
        async with postgres_database() as dsn:
            await run_backend("PostgreSQL", dsn, None, n, day, asked)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=100_000)
    parser.add_argument("--day", type=int, default=1_000)
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    args = parser.parse_args()
    asyncio.run(main(args.articles, args.day, args.questions, args.only))
