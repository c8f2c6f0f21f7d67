"""Benchmark: whole-pipeline ingest rate vs a bare trafilatura.extract loop.

Serves N generated article pages plus RSS feeds listing them from a local HTTP server on
127.0.0.1, then
  1. runs `trafilatura.extract` over the same N pages held in memory (the floor: extraction
     alone, no network, no storage), and
  2. runs briefbot's pipeline on a fresh SQLite store: collect (fetch over HTTP with the SSRF
     guard, extract, dedupe, relevance, store), summarise every new article offline, and
     compose the briefing.
It prints articles per second for both and their ratio, plus peak memory.

    python bench/ingest.py [--articles 300] [--syndicated 0.1]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import resource
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trafilatura

from bot.config import Settings, parse_config
from bot.wiring import open_services
from testkit.http import LocalServer, StandInHandler

WORDS = [
    "tariff",
    "steel",
    "aluminium",
    "negotiators",
    "quota",
    "commission",
    "talks",
    "industry",
    "exports",
    "market",
    "ministers",
    "agreement",
    "review",
    "dispute",
    "mechanism",
    "plants",
    "workers",
    "prices",
    "imports",
    "duties",
    "proposal",
    "deadline",
    "capacity",
    "emissions",
    "carbon",
    "border",
    "adjustment",
    "officials",
    "delegation",
]
PEOPLE = ["Marta Kovalenko", "Daniel Whitcombe", "Anna Brandt", "Luis Ortega", "Grace Liu"]
SITES = ["Wirepoint", "Harbour Ledger", "Continental Times", "Metro Daily", "Tradewatch"]


def sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 24))]
    if rng.random() < 0.3:
        words.insert(rng.randint(0, len(words)), f"{rng.randint(2, 95)}.{rng.randint(0, 9)}%")
    return " ".join(words).capitalize() + "."


def body(rng: random.Random, paragraphs: int = 8) -> list[str]:
    out = []
    for _ in range(paragraphs):
        parts = [sentence(rng) for _ in range(rng.randint(2, 4))]
        if rng.random() < 0.5:
            who = rng.choice(PEOPLE)
            parts.append(f"“{sentence(rng)[:-1]},” {who} said.")
        out.append(" ".join(parts))
    return out


def page(i: int, title: str, site: str, paragraphs: list[str], published: datetime) -> bytes:
    paras = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    nav = "".join(f'<li><a href="/most-read/{k}">Most read story {k}</a></li>' for k in range(8))
    return f"""<!doctype html><html><head><title>{title} | {site}</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="{site}">
<meta name="author" content="Reporter {i % 17}">
<meta property="article:published_time" content="{published.isoformat()}"></head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<main><article><h1>{title}</h1><p class="byline">By Reporter {i % 17}</p>
{paras}</article><aside><h2>Most read</h2><ul>{nav}</ul></aside></main>
<footer><p>Sign up for our newsletter. © 2026 {site}. All rights reserved.</p></footer>
</body></html>""".encode()


def generate(n: int, syndicated: float, now: datetime) -> dict[str, tuple[str, bytes]]:
    """n article pages (the last round(n * syndicated) are copies of earlier ones) + feeds."""
    rng = random.Random(42)
    files: dict[str, tuple[str, bytes]] = {}
    copies = round(n * syndicated)
    originals: list[list[str]] = []
    for i in range(n):
        site = SITES[i % len(SITES)]
        published = now - timedelta(minutes=rng.randint(5, 600))
        if i >= n - copies:
            paragraphs = rng.choice(originals)  # a syndicated copy of an earlier article
        else:
            paragraphs = body(rng)
            originals.append(paragraphs)
        title = f"Steel tariff talks update {i}: " + " ".join(rng.choice(WORDS) for _ in range(4))
        files[f"/a/{i}"] = ("text/html; charset=utf-8", page(i, title, site, paragraphs, published))
    per_feed = 50
    for f in range(0, n, per_feed):
        items = "".join(
            f"<item><title>Article {i}</title><link>{{base}}/a/{i}</link>"
            f"<pubDate>{format_datetime(now - timedelta(minutes=i))}</pubDate></item>"
            for i in range(f, min(n, f + per_feed))
        )
        files[f"/feed/{f // per_feed}.xml"] = (
            "application/rss+xml",
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {f}</title>'
            f"{items}</channel></rss>".encode(),
        )
    return files


def serve(files: dict[str, tuple[str, bytes]]) -> LocalServer:
    """A server for the files (serving inside `with`), `{base}` in them made its base URL."""

    class Handler(StandInHandler):
        def do_GET(self) -> None:
            entry = files.get(self.path)
            if entry is None:
                self.send_error(404)
                return
            ctype, content = entry
            content = content.replace(b"{base}", self.owner.base_url.encode())
            self.send_body(200, content, content_type=ctype)

    return LocalServer(Handler)


async def pipeline(base: str, feeds: int, data_dir: Path) -> tuple[float, int, int]:
    sources = "\n".join(
        f'[[topics.sources]]\nkind = "feed"\nurl = "{base}/feed/{k}.xml"\n' for k in range(feeds)
    )
    config = parse_config(
        f'[[topics]]\nname = "bench"\n[topics.query]\nmay = ["steel", "tariff"]\n{sources}'
    )
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None, data_dir=data_dir, allow_hosts=("127.0.0.1",), max_items_per_source=50
    )
    topic = config.topics[0]
    start = time.perf_counter()
    async with open_services(settings) as services:
        outcomes = await services.collector.collect(topic)
        collected = time.perf_counter()
        briefing = await services.briefings.brief(topic)
        print(
            f"  collect {collected - start:.2f} s, summarise + brief "
            f"{time.perf_counter() - collected:.2f} s",
            file=sys.stderr,
        )
        stored = await services.store.db.count("articles")
        summarised = services.summaries.computed
    elapsed = time.perf_counter() - start
    failed = [o for o in outcomes if not o.ok]
    if failed:
        print("source errors:", [o.error for o in failed], file=sys.stderr)
    assert briefing.stories, "the benchmark briefing should not be empty"
    return elapsed, stored, summarised


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--syndicated", type=float, default=0.1)
    parser.add_argument("--serve-at", type=float, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve_at is not None:  # the child process: serve until stdin closes
        files = generate(args.articles, args.syndicated, datetime.fromtimestamp(args.serve_at, UTC))
        with serve(files) as server:
            print(server.base_url, flush=True)
            sys.stdin.read()
        return
    now = datetime.now(UTC)
    files = generate(args.articles, args.syndicated, now)
    pages = [content for path, (_, content) in files.items() if path.startswith("/a/")]
    # The pages are served by a separate process so that serving does not compete with the
    # pipeline for this process's interpreter.
    child = subprocess.Popen(
        [
            sys.executable,
            __file__,
            "--articles",
            str(args.articles),
            "--syndicated",
            str(args.syndicated),
            "--serve-at",
            str(now.timestamp()),
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert child.stdout is not None and child.stdin is not None
    base = child.stdout.readline().strip()
    try:
        start = time.perf_counter()
        for content in pages:
            trafilatura.extract(content)
        bare = time.perf_counter() - start
        with tempfile.TemporaryDirectory() as tmp:
            elapsed, stored, summarised = asyncio.run(
                pipeline(base, (args.articles + 49) // 50, Path(tmp))
            )
    finally:
        child.stdin.close()
        child.wait(timeout=10)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    bare_rate = len(pages) / bare
    rate = stored / elapsed
    print(f"articles served:            {len(pages)} ({args.syndicated:.0%} syndicated copies)")
    print(f"bare trafilatura.extract:   {bare_rate:8.1f} articles/s ({bare:.2f} s)")
    print(
        f"briefbot pipeline:          {rate:8.1f} articles/s ({elapsed:.2f} s; "
        f"{stored} stored, {summarised} summarised, briefing composed)"
    )
    print(f"ratio pipeline/bare:        {rate / bare_rate:8.2f}")
    print(f"peak RSS:                   {peak_mb:8.1f} MB")


if __name__ == "__main__":
    main()
