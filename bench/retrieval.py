"""Benchmark: question retrieval (BM25 + meaning, fused) on synthetic stores of 10k and 100k
articles, on SQLite and PostgreSQL, with latency and recall.

Two corpora:
- "worst": a 40-word vocabulary, so that almost every term is common (a worst case for ranking);
- "zipf": a realistic one: 30,000 generated pseudo-words drawn with Zipf's law (exponent 1.1,
  behind a few dozen real function words), a few hundred recurring capitalised names, articles
  that belong to stories (and so share a story's keywords), sentences of 10-25 words, 12-20
  sentences an article.

Each store is built with the real schema and migrations and bulk-loaded: articles, their
passages (the collector's chunking) and the passages' embeddings (bot/store/embed.py, over
"title. text", as the store computes them), so both sides of the hybrid retrieval are exercised.
Embeddings are computed once per corpus (the 10k store is the first 10k articles of the 100k
one) and their share of the time is counted in each build.

Questions are generated from a known target passage: 3-5 of its rarer content words (sometimes
one of them swapped for another word of the same sentence, as a paraphrase would; sometimes with
a name the passage mentions). recall@k is the share of questions whose target passage's article
is among the first k hits `QuestionEngine._retrieve` returns. Latency is of `_retrieve` alone,
with the vectors already in memory (the first, cold, question is shown apart). Each line ends
with the machine's 1-minute load average around the measuring (the higher of before and
after): on a shared 2-core machine the latencies follow it.

    python bench/retrieval.py [--sizes 10000 100000] [--questions 200]
                              [--only sqlite|postgresql] [--corpus worst|zipf|both] [--ask]
                              [--cache DIR]

PostgreSQL: BRIEFBOT_BENCH_POSTGRES_DSN (default the local test server); a scratch database is
created and dropped for each store.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import os
import pickle
import random
import re
import sqlite3
import statistics
import sys
import tempfile
import time
import uuid
from collections import Counter
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import asyncpg

from bot.answer import QuestionEngine
from bot.answer.terms import STOP as _STOP
from bot.answer.terms import WORD as _WORD
from bot.answer.terms import content_terms
from bot.answer.when import scope_of
from bot.config import async_database_url
from bot.store import Store
from bot.store.embed import embed, to_blob
from bot.store.passages import chunk_passages, recount_statements

PG = os.environ.get("BRIEFBOT_BENCH_POSTGRES_DSN", "postgresql://postgres@127.0.0.1:5432/test")
TOPIC = "bench"
EMBED_BATCH = 1000

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
    """An article of the worst-case corpus: (title, text)."""
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


# --- the realistic corpus -------------------------------------------------------------------

FUNCTION_WORDS = (
    "the of and to in a is that for on was with as by at from it has be are have an "
    "which not but were its this after been their had will or more they over than who"
).split()
_ONSETS = [*"bdfgklmnprstvz", "br", "dr", "gr", "kr", "pl", "st", "tr", "sk", "ch", "sh"]
_VOWELS = [*"aeiouaeiou", "ai", "ou"]
_CODAS = ["", "", "", "", "", "n", "r", "l", "s"]


def _pseudo_words(rng: random.Random, count: int, forbidden: set[str]) -> list[str]:
    """Distinct pronounceable words of 2-4 syllables; each ends in consonant + a or o, which no
    stemmer (porter, PostgreSQL's english) shortens, so no two of them stem alike."""
    words: dict[str, None] = {}
    while len(words) < count:
        syllables = [
            rng.choice(_ONSETS) + rng.choice(_VOWELS) + rng.choice(_CODAS)
            for _ in range(rng.choice((1, 1, 2, 2, 3)))
        ]
        word = "".join(syllables) + rng.choice("bdgklmnprtvz") + rng.choice("ao")
        if len(word) >= 4 and word not in forbidden:
            words.setdefault(word, None)
    return list(words)


class ZipfLanguage:
    """A vocabulary of real function words then `types` pseudo-words, ranked and drawn with
    Zipf's law; capitalised two-word names; stories, each with its own keywords."""

    def __init__(self, seed: int = 11, types: int = 30_000, exponent: float = 1.1) -> None:
        rng = random.Random(seed)
        self.vocab = FUNCTION_WORDS + _pseudo_words(rng, types, set(_STOP) | set(FUNCTION_WORDS))
        self.cum = list(
            itertools.accumulate(1 / (r + 1) ** exponent for r in range(len(self.vocab)))
        )
        parts = _pseudo_words(rng, 600, set(self.vocab))
        self.names = [
            f"{a.capitalize()} {b.capitalize()}"
            for a, b in zip(parts[::2], parts[1::2], strict=True)
        ]
        self.name_cum = list(itertools.accumulate(1 / (r + 1) for r in range(len(self.names))))
        # Stories: keywords from the mid and rare ranks, people from the names.
        content = range(len(FUNCTION_WORDS) + 100, len(self.vocab))
        self.stories = [
            (
                [self.vocab[i] for i in rng.sample(content, 25)],
                rng.choices(self.names, cum_weights=self.name_cum, k=4),
            )
            for _ in range(3000)
        ]
        self.story_cum = list(itertools.accumulate(1 / (r + 1) ** 0.8 for r in range(3000)))

    def article(self, rng: random.Random, i: int) -> tuple[str, str]:
        keywords, people = rng.choices(self.stories, cum_weights=self.story_cum)[0]
        own = rng.choices(self.vocab, cum_weights=self.cum, k=10)
        sentences = []
        for _ in range(rng.randint(12, 20)):
            n = rng.randint(10, 25)
            words = rng.choices(self.vocab, cum_weights=self.cum, k=n)
            for j in rng.sample(range(n), n // 4):  # the story's and the article's own words
                words[j] = rng.choice(keywords) if rng.random() < 0.6 else rng.choice(own)
            if rng.random() < 0.2:
                words.insert(rng.randrange(len(words)), rng.choice(people))
            if rng.random() < 0.1:
                words.insert(
                    rng.randrange(len(words)), f"{rng.randint(2, 99)}.{rng.randint(0, 9)}%"
                )
            sentence = " ".join(words)
            sentence = sentence[0].upper() + sentence[1:] + "."
            if rng.random() < 0.2:
                sentence = f"“{sentence[:-1]},” {rng.choice(people)} said."
            sentences.append(sentence)
        title = " ".join(rng.sample(keywords, 3) + rng.sample(own, 2))
        return title[0].upper() + title[1:], " ".join(sentences)


# --- corpus, embeddings, loading ------------------------------------------------------------


@dataclass
class Corpus:
    """Generated articles and passages (in id order: article i is id i+1, passage j is id
    j+1), with the passages' embeddings computed on demand, in batches, for a prefix."""

    name: str
    articles: list[tuple[int, str, str, datetime]] = field(default_factory=list)
    passages: list[tuple[int, int, str, str, datetime]] = field(default_factory=list)
    ends: list[int] = field(default_factory=list)  # passages of the first i+1 articles
    blobs: list[bytes] = field(default_factory=list)
    embed_seconds: list[float] = field(default_factory=list)  # cumulative, per batch
    generated_in: float = 0.0
    names: set[str] = field(default_factory=set)

    def passage_count(self, n: int) -> int:
        return self.ends[n - 1]

    def embed_prefix(self, n: int) -> float:
        """Embed the passages of the first n articles (if not yet); the seconds their
        embedding took (the batches they fall in)."""
        needed = self.passage_count(n)
        while len(self.blobs) < needed:
            chunk = self.passages[len(self.blobs) : len(self.blobs) + EMBED_BATCH]
            started = time.perf_counter()
            vectors = embed([f"{title}. {text}" for _, _, title, text, _ in chunk])
            self.blobs.extend(to_blob(v) for v in vectors)
            spent = time.perf_counter() - started
            self.embed_seconds.append((self.embed_seconds or [0.0])[-1] + spent)
        return self.embed_seconds[(needed - 1) // EMBED_BATCH] if needed else 0.0


def generate(kind: str, n: int, seed: int | None = None) -> Corpus:
    started = time.perf_counter()
    rng = random.Random(n if seed is None else seed)
    now = datetime.now(UTC).replace(tzinfo=None)
    if kind == "worst":
        make = article
        corpus = Corpus(kind, names={f"{a} {b}" for a in FIRST for b in LAST})
    else:
        language = ZipfLanguage()
        make = language.article
        corpus = Corpus(kind, names=set(language.names))
    for i in range(1, n + 1):
        title, text = make(rng, i)
        at = now - timedelta(minutes=rng.randint(0, 60 * 24 * 30))
        corpus.articles.append((i, title, text, at))
        for seq, chunk in enumerate(chunk_passages(text)):
            corpus.passages.append((i, seq, title, chunk, at))
        corpus.ends.append(len(corpus.passages))
    corpus.generated_in = time.perf_counter() - started
    return corpus


def load_sqlite(path: Path, corpus: Corpus, n: int) -> None:
    """The first n articles of the corpus, with passages and embeddings, into a new SQLite
    store (the real migrations; FTS5 filled by the passages' trigger, the term frequencies
    recounted from it at the end)."""
    store = Store.from_url(f"sqlite+aiosqlite:///{path}")
    asyncio.run(store.db.migrate())
    asyncio.run(store.close())
    con = sqlite3.connect(path)
    stamp = "%Y-%m-%d %H:%M:%S.%f"
    for start in range(0, n, 5000):
        chunk = corpus.articles[start : min(start + 5000, n)]
        con.executemany(
            "INSERT INTO articles (id, topic, url, canonical_url, source, title, text, "
            "published_at, fetched_at, content_hash, signature, terms, relevance, relevant, "
            "relevance_reason, story_id, duplicate_of) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
            [
                (i, TOPIC, f"https://b.test/{i}", f"https://b.test/{i}", "bench", title, text,
                 at.strftime(stamp), at.strftime(stamp), f"h{i}", "", "", 0.8, 1, "", None, None)
                for i, title, text, at in chunk
            ],
        )  # fmt: skip
        first = corpus.ends[start - 1] if start else 0
        last = corpus.ends[start + len(chunk) - 1]
        con.executemany(
            "INSERT INTO passages (id, article_id, topic, seq, title, text, at, embedding) "
            "VALUES (?,?,?,?,?,?,?,?)",
            [
                (j + 1, a, TOPIC, seq, title, text, at.strftime(stamp), corpus.blobs[j])
                for j, (a, seq, title, text, at) in enumerate(
                    corpus.passages[first:last], start=first
                )
            ],
        )
        con.commit()
    con.execute("INSERT INTO passage_fts(passage_fts) VALUES ('optimize')")
    # A bulk load around the store counts the passages' terms afterwards, from the index.
    for statement in recount_statements("sqlite"):
        con.execute(statement)
    con.commit()
    con.close()


async def load_postgres(dsn: str, corpus: Corpus, n: int) -> None:
    """The first n articles of the corpus, COPY-loaded into a PostgreSQL store (the real
    migrations; tsvectors computed by PostgreSQL, term frequencies counted by its triggers,
    embeddings copied as bytea), then vacuumed and analysed."""
    store = Store.from_url(async_database_url(dsn))
    await store.db.migrate()
    await store.close()
    conn = await asyncpg.connect(dsn)
    for start in range(0, n, 5000):
        chunk = corpus.articles[start : min(start + 5000, n)]
        await conn.copy_records_to_table(
            "articles",
            records=[
                (i, TOPIC, f"https://b.test/{i}", f"https://b.test/{i}", "bench", title, text,
                 at, at, f"h{i}", "", "", 0.8, True, "")
                for i, title, text, at in chunk
            ],
            columns=["id", "topic", "url", "canonical_url", "source", "title", "text",
                     "published_at", "fetched_at", "content_hash", "signature", "terms",
                     "relevance", "relevant", "relevance_reason"],
        )  # fmt: skip
        first = corpus.ends[start - 1] if start else 0
        last = corpus.ends[start + len(chunk) - 1]
        await conn.copy_records_to_table(
            "passages",
            records=[
                (j + 1, a, TOPIC, seq, title, text, at, corpus.blobs[j])
                for j, (a, seq, title, text, at) in enumerate(
                    corpus.passages[first:last], start=first
                )
            ],
            columns=["id", "article_id", "topic", "seq", "title", "text", "at", "embedding"],
        )
    await conn.execute("SELECT setval('articles_id_seq', (SELECT max(id) FROM articles))")
    await conn.execute("SELECT setval('passages_id_seq', (SELECT max(id) FROM passages))")
    # Settled as autovacuum keeps a store in service: statistics, hint bits and the visibility
    # map set, the text index's pending list merged. (The bench server runs with autovacuum
    # off: the timed questions would otherwise be the first to read each page.)
    await conn.execute("VACUUM ANALYZE")
    await conn.close()


@asynccontextmanager
async def postgres_database() -> AsyncIterator[str]:
    """A scratch database on the benchmark server, dropped afterwards."""
    name = f"briefbot_bench_{uuid.uuid4().hex[:8]}"
    admin = await asyncpg.connect(PG)
    await admin.execute(f'CREATE DATABASE "{name}"')
    await admin.close()
    try:
        yield f"{PG.rpartition('/')[0]}/{name}"
    finally:
        admin = await asyncpg.connect(PG)
        await admin.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        await admin.close()


def build(path: Path, n: int) -> None:
    """A SQLite store of n worst-case articles, with embeddings (as bench/scale.py uses)."""
    corpus = generate("worst", n)
    corpus.embed_prefix(n)
    load_sqlite(path, corpus, n)


# --- questions ------------------------------------------------------------------------------


def questions(count: int) -> list[str]:
    """Questions over the worst-case vocabulary, with no known answer (latency only)."""
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


# No form may ask for the newest coverage or a time range (scope_of): the target is any
# passage of the last 30 days, so the engine's preference for recent ones would count against
# it. ("Why are ... in the news?" did, once 'the news' asked for the newest telling first.)
FORMS = [
    "What is known about {words}?",
    "What is being said about {words}?",
    "What happened with {words}?",
    "Tell me about {words}.",
    "How is {words} going?",
]
NAMED_FORMS = ["What did {name} say about {words}?", "What has {name} done on {words}?"]


_NAME = re.compile(r"\b[A-Z][a-z]+ [A-Z][a-z]+\b")


def _sentence_words(sentence: str) -> list[str]:
    return [w for w in _WORD.findall(sentence) if w.casefold() not in _STOP and len(w) > 2]


def targeted_questions(corpus: Corpus, n: int, count: int) -> list[tuple[str, int]]:
    """(question, target article id) pairs, each from a random passage of the first n
    articles: 3-5 of its rarer content words; a third of the time one of them is swapped for
    another word of its sentence (a paraphrase); a fifth of the time with a name it mentions."""
    rng = random.Random(count * 7919 + n)
    frequency: Counter[str] = Counter()
    for _, _, _, text, _ in corpus.passages[: corpus.passage_count(n)]:
        frequency.update(w.casefold() for w in _WORD.findall(text))
    asked = []
    for _ in range(count):
        article_id, _, _, text, _ = corpus.passages[rng.randrange(corpus.passage_count(n))]
        sentences = [s for s in text.split(". ") if s]
        lower = {
            w.casefold(): s for s in sentences for w in _sentence_words(s) if not w[:1].isupper()
        }
        pool = sorted(lower, key=lambda w: (frequency[w], w))[:8]
        chosen = rng.sample(pool, min(len(pool), rng.randint(3, 5)))
        if chosen and rng.random() < 1 / 3:
            k = rng.randrange(len(chosen))
            others = [
                w.casefold()
                for w in _sentence_words(lower[chosen[k]])
                if w.casefold() not in chosen and not w[:1].isupper()
            ]
            if others:
                chosen[k] = rng.choice(others)
        words = (
            ", ".join(chosen[:-1]) + " and " + chosen[-1] if len(chosen) > 1 else "".join(chosen)
        )
        names = [m for m in _NAME.findall(text) if m in corpus.names]
        if names and rng.random() < 0.2:
            question = rng.choice(NAMED_FORMS).format(name=rng.choice(names), words=words)
        else:
            question = rng.choice(FORMS).format(words=words)
        scope = scope_of(question, datetime.now(UTC))
        if scope.recent or scope.since or scope.until:
            raise ValueError(f"a bench question asks for recent coverage: {question}")
        asked.append((question, article_id))
    return asked


# --- measuring ------------------------------------------------------------------------------


def pct(values: list[float], p: float) -> float:
    return statistics.quantiles(values, n=100)[int(p) - 1] if len(values) > 1 else values[0]


@dataclass
class Figures:
    cold: float
    retrieval: list[float]
    at5: float
    at10: float
    whole: list[float]
    load: float = 0.0  # the machine's 1-minute load average, the higher of before and after


async def measure(url: str, asked: list[tuple[str, int]], ask: bool) -> Figures:
    store = Store.from_url(url)
    engine = QuestionEngine(store.articles, store.search, store.chat, now=lambda: datetime.now(UTC))
    timings, whole, found5, found10 = [], [], 0, 0
    load = os.getloadavg()[0]
    start = time.perf_counter()
    await engine._retrieve(TOPIC, ["warm"], scope_of("warm", datetime.now(UTC)), "warm")
    cold = time.perf_counter() - start
    for q, target in asked:
        start = time.perf_counter()
        hits = await engine._retrieve(
            TOPIC, content_terms(q), scope_of(q, datetime.now(UTC)), query=q
        )
        timings.append(time.perf_counter() - start)
        found5 += target in {h.article_id for h in hits[:5]}
        found10 += target in {h.article_id for h in hits[:10]}
        if ask:
            start = time.perf_counter()
            await engine.ask(q, topic=TOPIC)
            whole.append(time.perf_counter() - start)
    await store.close()
    load = max(load, os.getloadavg()[0])
    return Figures(cold, timings, found5 / len(asked), found10 / len(asked), whole, load)


def report(backend: str, corpus: Corpus, n: int, built: tuple[float, float], f: Figures) -> None:
    embedded, loaded = built
    ms = 1000
    line = (
        f"{corpus.name:<5} {backend:<10} {n:>7,} art {corpus.passage_count(n):>7,} psg | "
        f"build {embedded + loaded:6.1f} s (embed {embedded:5.1f} + load {loaded:5.1f}) | "
        f"retrieval p50 {pct(f.retrieval, 50) * ms:6.1f} ms p95 {pct(f.retrieval, 95) * ms:6.1f} "
        f"ms (cold {f.cold * ms:6.0f} ms) | recall@5 {f.at5:5.1%} @10 {f.at10:5.1%}"
    )
    line += f" | load {f.load:4.1f}"
    if f.whole:
        line += f" | ask p50 {pct(f.whole, 50) * ms:6.1f} ms p95 {pct(f.whole, 95) * ms:6.1f} ms"
    print(line, flush=True)


async def run(
    backend: str, corpus: Corpus, n: int, asked: list[tuple[str, int]], ask: bool
) -> None:
    embedded = corpus.embed_prefix(n)
    if backend == "sqlite":
        with tempfile.TemporaryDirectory() as tmp:
            path = Path(tmp) / "bench.db"
            started = time.perf_counter()
            await asyncio.to_thread(load_sqlite, path, corpus, n)
            loaded = time.perf_counter() - started
            figures = await measure(f"sqlite+aiosqlite:///{path}", asked, ask)
        report("SQLite", corpus, n, (embedded, loaded), figures)
        return
    async with postgres_database() as dsn:
        started = time.perf_counter()
        await load_postgres(dsn, corpus, n)
        loaded = time.perf_counter() - started
        figures = await measure(async_database_url(dsn), asked, ask)
    report("PostgreSQL", corpus, n, (embedded, loaded), figures)


def cached(kind: str, top: int, folder: Path | None) -> Corpus:
    """The corpus, generated and embedded, or as a previous run left it in `folder` (the same
    seed gives the same corpus, so only generating and embedding are saved)."""
    if folder is None:
        return generate(kind, top, seed=top)
    path = folder / f"{kind}-{top}.pickle"
    if path.exists():
        with path.open("rb") as f:
            corpus: Corpus = pickle.load(f)
        return corpus
    corpus = generate(kind, top, seed=top)
    corpus.embed_prefix(top)
    folder.mkdir(parents=True, exist_ok=True)
    with path.open("wb") as f:
        pickle.dump(corpus, f, protocol=pickle.HIGHEST_PROTOCOL)
    return corpus


async def main(
    sizes: list[int],
    count: int,
    only: str | None,
    kinds: list[str],
    ask: bool,
    cache: Path | None = None,
) -> None:
    top = max(sizes)
    corpora = {kind: cached(kind, top, cache) for kind in kinds}
    for corpus in corpora.values():
        print(
            f"{corpus.name}: {top:,} articles, {len(corpus.passages):,} passages generated in "
            f"{corpus.generated_in:.1f} s",
            flush=True,
        )
    backends = [b for b in ("sqlite", "postgresql") if only in (None, b)]
    for n in sorted(sizes):
        for corpus in corpora.values():
            asked = targeted_questions(corpus, n, count)
            for backend in backends:
                await run(backend, corpus, n, asked, ask)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--questions", type=int, default=200)
    parser.add_argument("--only", choices=["sqlite", "postgresql"])
    parser.add_argument("--corpus", choices=["worst", "zipf", "both"], default="both")
    parser.add_argument("--ask", action="store_true", help="also time the whole offline ask")
    parser.add_argument(
        "--cache", type=Path, help="keep the generated, embedded corpora here between runs"
    )
    args = parser.parse_args()
    kinds = ["worst", "zipf"] if args.corpus == "both" else [args.corpus]
    started = time.perf_counter()
    asyncio.run(main(args.sizes, args.questions, args.only, kinds, args.ask, args.cache))
    print(f"total {time.perf_counter() - started:.0f} s")
