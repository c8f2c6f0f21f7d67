"""Benchmark: question retrieval on synthetic stores of 10k and 100k articles.

Builds each store with the real schema and migrations (SQLite, FTS5), bulk-loading generated
articles and their passages (the same chunking the collector uses), then asks 200 generated
questions and prints p50/p95 latency of retrieval alone and of the whole offline `ask`, with
the store's size on disk.

    python bench/retrieval.py [--sizes 10000 100000] [--questions 200]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.answer import QuestionEngine
from bot.answer.engine import content_terms
from bot.answer.when import scope_of
from bot.store import Store
from bot.store.passages import chunk_passages

WORDS = (
    "tariff steel aluminium quota commission talks industry exports market ministers "
    "agreement review dispute mechanism plants workers prices imports duties proposal deadline "
    "capacity emissions carbon border officials delegation shipping ports unions jobs furnace "
    "scrap subsidy retaliation bourbon motorcycles negotiators summit treaty court ruling"
).split()
FIRST = ["Marta", "Daniel", "Anna", "Luis", "Grace", "Klaus", "Ingrid", "Sabine", "Henrik", "Elena"]
LAST = [
    "Kovalenko",
    "Whitcombe",
    "Brandt",
    "Ortega",
    "Liu",
    "Meinhardt",
    "Solberg",
    "Kroll",
    "Dahl",
    "Russo",
    "Novak",
    "Berger",
    "Costa",
    "Ferris",
    "Lindqvist",
    "Moreau",
]


def article(rng: random.Random, i: int) -> tuple[str, str]:
    people = [f"{rng.choice(FIRST)} {rng.choice(LAST)}" for _ in range(2)]
    sentences = []
    for _ in range(rng.randint(12, 20)):
        words = [rng.choice(WORDS) for _ in range(rng.randint(10, 18))]
        if rng.random() < 0.3:
            words.insert(3, f"{rng.randint(2, 99)}.{rng.randint(0, 9)}%")
        sentence = " ".join(words).capitalize() + "."
        if rng.random() < 0.25:
            sentence = f"“{sentence[:-1]},” {rng.choice(people)} said."
        sentences.append(sentence)
    title = f"{rng.choice(WORDS).capitalize()} {rng.choice(WORDS)} {rng.choice(WORDS)} {i}"
    return title, " ".join(sentences)


def build(path: Path, n: int) -> None:
    store = Store.from_url(f"sqlite+aiosqlite:///{path}")
    asyncio.run(store.db.migrate())
    asyncio.run(store.close())
    rng = random.Random(n)
    now = datetime.now(UTC).replace(tzinfo=None)
    con = sqlite3.connect(path)
    batch_articles, batch_passages = [], []
    for i in range(1, n + 1):
        title, text = article(rng, i)
        at = (now - timedelta(minutes=rng.randint(0, 60 * 24 * 30))).strftime(
            "%Y-%m-%d %H:%M:%S.%f"
        )
        batch_articles.append(
            (
                i,
                "bench",
                f"https://b.test/{i}",
                f"https://b.test/{i}",
                "bench",
                title,
                text,
                at,
                at,
                f"h{i}",
                "",
                "",
                0.8,
                1,
                "",
                None,
                None,
            )
        )
        for seq, chunk in enumerate(chunk_passages(text)):
            batch_passages.append((i, "bench", seq, title, chunk, at))
        if i % 5000 == 0 or i == n:
            con.executemany(
                "INSERT INTO articles (id, topic, url, canonical_url, source, title, text, "
                "published_at, fetched_at, content_hash, signature, terms, relevance, relevant, "
                "relevance_reason, story_id, duplicate_of) "
                "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
                batch_articles,
            )
            con.executemany(
                "INSERT INTO passages (article_id, topic, seq, title, text, at) "
                "VALUES (?,?,?,?,?,?)",
                batch_passages,
            )
            con.commit()
            batch_articles, batch_passages = [], []
    con.execute("INSERT INTO passage_fts(passage_fts) VALUES ('optimize')")
    con.commit()
    con.close()


def questions(count: int) -> list[str]:
    rng = random.Random(7)
    forms = [
        "What did {last} say about {w1}?",
        "What happened to {w1} {w2} this week?",
        "Why are {w1} and {w2} in the news?",
        "What is the latest on the {w1} {w2}?",
        "How did {last} describe the {w1}?",
    ]
    return [
        rng.choice(forms).format(last=rng.choice(LAST), w1=rng.choice(WORDS), w2=rng.choice(WORDS))
        for _ in range(count)
    ]


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1] if len(values) > 1 else values[0]


async def measure(path: Path, asked: list[str]) -> tuple[list[float], list[float]]:
    store = Store.from_url(f"sqlite+aiosqlite:///{path}")
    engine = QuestionEngine(store.articles, store.search, store.chat, now=lambda: datetime.now(UTC))
    retrieval, whole = [], []
    for q in asked:
        start = time.perf_counter()
        await engine._retrieve("bench", content_terms(q), scope_of(q, datetime.now(UTC)))
        retrieval.append(time.perf_counter() - start)
        start = time.perf_counter()
        await engine.ask(q, topic="bench")
        whole.append(time.perf_counter() - start)
    await store.close()
    return retrieval, whole


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--questions", type=int, default=200)
    args = parser.parse_args()
    asked = questions(args.questions)
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.db"
            started = time.perf_counter()
            build(path, n)
            built = time.perf_counter() - started
            size = sum(f.stat().st_size for f in Path(tmp).iterdir()) / 1e6
            retrieval, whole = asyncio.run(measure(path, asked))
        print(
            f"{n:>7,} articles: store {size:7.1f} MB (built in {built:5.1f} s) | retrieval "
            f"p50 {pct(retrieval, 50) * 1000:6.1f} ms p95 {pct(retrieval, 95) * 1000:6.1f} ms | "
            f"offline ask p50 {pct(whole, 50) * 1000:6.1f} ms p95 {pct(whole, 95) * 1000:6.1f} ms"
        )


if __name__ == "__main__":
    main()
