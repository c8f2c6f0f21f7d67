"""Benchmark: whole-pipeline ingest rate and CPU per article vs a bare trafilatura.extract loop.

Serves N generated article pages plus RSS feeds listing them from a local HTTP server on
127.0.0.1 (a separate process), over HTTP/1.1 with keep-alive, as news sites' servers do: the
fetcher reuses a connection to the address it checked and pinned (SSRF guard), so a site's
articles do not each pay a new TCP connection. (The fetcher reaches 127.0.0.1 only through
the `allow_hosts` allowance the benchmark's settings give it.) The articles come from a Zipf
language with many stories of their own keywords and people (`bench.retrieval.ZipfLanguage`),
some syndicated copies among them, so stories, copies and relevance are decided as on real
news. Then, for each worker count and run, on a fresh SQLite store with the pool warmed:
  1. runs `trafilatura.extract` over the same N pages held in memory (the floor: extraction
     alone, no network, no storage), and briefbot's own extraction (with metadata) likewise,
     right before the run, so that both see the same load on the machine;
  2. runs briefbot's pipeline: collect (fetch over HTTP with the SSRF guard, extract +
     analyse in the CPU pool, decide, store in batches), summarise every new article
     offline, and compose the briefing.
It prints articles per second (min/median of the runs), the ratio to the bare loop, and CPU
milliseconds per article (this process plus its worker processes; the pool is warmed first,
as in the running app), in total and outside extraction, with the part each side used, and
the machine's load average before and after (other work on the cores inflates CPU time too).
"Outside extraction" is the run's CPU less briefbot's extraction timed alone right before it
(the anchor); a second line times extraction inside the workers during the run (thread CPU
around the extractor) and gives the CPU outside that too: the difference between the two is
what sharing the cores with the rest of the run adds to extraction itself.

    python bench/ingest.py [--articles 300] [--syndicated 0.1] [--workers 1 2 4] [--runs 3]
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cache
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import trafilatura

from bench.retrieval import ZipfLanguage
from bot.collect.analysis import Page, extract_and_analyse
from bot.collect.extract import extract_html
from bot.collect.pipeline import Collector
from bot.collect.relevance import Query
from bot.config import Settings, parse_config
from bot.wiring import open_services
from testkit.http import LocalServer, StandInHandler

SITES = ["Wirepoint", "Harbour Ledger", "Continental Times", "Metro Daily", "Tradewatch"]


@cache
def language() -> ZipfLanguage:
    return ZipfLanguage()


def paragraphs_of(text: str, rng: random.Random) -> list[str]:
    """The article's sentences grouped into paragraphs of 2-4."""
    sentences = text.replace(". ", ".\n").split("\n")
    out: list[str] = []
    while sentences:
        take = rng.randint(2, 4)
        out.append(" ".join(sentences[:take]))
        sentences = sentences[take:]
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
    """n article pages (round(n * syndicated) of them, spread through, are copies of earlier
    ones under their own titles) + feeds."""
    rng = random.Random(42)
    words = language()
    files: dict[str, tuple[str, bytes]] = {}
    copy_every = round(1 / syndicated) if syndicated > 0 else 0
    originals: list[list[str]] = []
    for i in range(n):
        site = SITES[i % len(SITES)]
        published = now - timedelta(minutes=rng.randint(5, 600))
        title, text = words.article(rng, i)
        if copy_every and originals and i % copy_every == copy_every - 1:
            paragraphs = rng.choice(originals)  # a syndicated copy of an earlier article
        else:
            paragraphs = paragraphs_of(text, rng)
            originals.append(paragraphs)
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
        protocol_version = "HTTP/1.1"  # keep-alive, as news sites' servers keep connections
        disable_nagle_algorithm = True  # headers and body are two writes: no delayed ACK

        def do_GET(self) -> None:
            entry = files.get(self.path)
            if entry is None:
                self.send_error(404)
                return
            ctype, content = entry
            content = content.replace(b"{base}", self.owner.base_url.encode())
            self.send_body(200, content, content_type=ctype)

    return LocalServer(Handler)


@dataclass
class Baseline:
    """Measured right before a run, so that both see the same load on the machine."""

    bare_rate: float  # articles/s of a bare `trafilatura.extract` loop
    extraction_cpu: float  # CPU seconds per article of briefbot's extraction (with metadata)


def baseline(pages: list[bytes]) -> Baseline:
    start = time.perf_counter()
    for content in pages:
        trafilatura.extract(content)
    bare = time.perf_counter() - start
    cpu_start = time.process_time()
    for i, content in enumerate(pages):
        extract_html(content, f"https://bench.example/a/{i}")
    return Baseline(len(pages) / bare, (time.process_time() - cpu_start) / len(pages))


@dataclass
class Run:
    base: Baseline
    seconds: float  # collect + summarise + brief
    collect_seconds: float
    collect_cpu: float  # this process and its worker processes
    collect_workers_cpu: float  # the worker processes' part of it
    collect_extraction_cpu: float  # thread CPU the extractor took where it ran (the workers)
    cpu_seconds: float
    stored: int
    stories: int


def _children_cpu() -> float:
    """CPU seconds of this process's live multiprocessing children (the CPU pool)."""
    tick = os.sysconf("SC_CLK_TCK")
    total = 0.0
    for child in multiprocessing.active_children():
        try:
            fields = Path(f"/proc/{child.pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / tick  # utime, stime
    return total


async def pipeline(base: str, feeds: int, data_dir: Path, workers: int, pages: list[bytes]) -> Run:
    sources = "\n".join(
        f'[[topics.sources]]\nkind = "feed"\nurl = "{base}/feed/{k}.xml"\n' for k in range(feeds)
    )
    config = parse_config(f'[[topics]]\nname = "bench"\n{sources}')
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=data_dir,
        allow_hosts=("127.0.0.1",),
        max_items_per_source=50,
        workers=workers,
    )
    topic = config.topics[0]
    async with open_services(settings) as services:
        # Warm the pool as the running app's is: every worker has loaded what it needs.
        cpu = services.collector.cpu
        page = Page("https://warm.example/a", pages[0], html=True)
        await asyncio.gather(
            *(cpu.run(extract_and_analyse, page, Query()) for _ in range(2 * max(workers, 1))),
            *(
                services.summariser.summarise(title="Warm up", text="Warm up. " * 50)
                for _ in range(2 * max(workers, 1))
            ),
        )
        measured = baseline(pages)
        # Collection alone (the app's collector summarises right after, in `after_collect`;
        # here the briefing does it, so the two are timed apart).
        c = services.collector
        collector = Collector(
            c.articles, c.fetcher, now=c.now, max_items_per_source=c.max_items, cpu=cpu
        )
        own_start, workers_start = time.process_time(), _children_cpu()
        cpu_start = own_start + workers_start
        start = time.perf_counter()
        outcomes = await collector.collect(topic)
        collected = time.perf_counter()
        extraction_cpu = collector.extraction_cpu
        workers_cpu = _children_cpu() - workers_start
        collect_cpu = time.process_time() - own_start + workers_cpu
        briefing = await services.briefings.brief(topic)
        elapsed = time.perf_counter() - start
        cpu_seconds = time.process_time() + _children_cpu() - cpu_start
        stored = await services.store.db.count("articles")
        stories = await services.store.db.count("stories")
    failed = [o for o in outcomes if not o.ok]
    if failed:
        print("source errors:", [o.error for o in failed], file=sys.stderr)
    assert briefing.stories, "the benchmark briefing should not be empty"
    return Run(
        measured,
        elapsed,
        collected - start,
        collect_cpu,
        workers_cpu,
        extraction_cpu,
        cpu_seconds,
        stored,
        stories,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=300)
    parser.add_argument("--syndicated", type=float, default=0.1)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--runs", type=int, default=3)
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
    runs: dict[int, list[Run]] = {}
    load_before = os.getloadavg()
    try:
        for workers in args.workers:
            for _ in range(args.runs):
                with tempfile.TemporaryDirectory() as tmp:
                    feeds = (args.articles + 49) // 50
                    run = asyncio.run(pipeline(base, feeds, Path(tmp), workers, pages))
                runs.setdefault(workers, []).append(run)
    finally:
        child.stdin.close()
        child.wait(timeout=10)
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    load_after = os.getloadavg()
    bases = [r.base for done in runs.values() for r in done]
    bare_rates = sorted(b.bare_rate for b in bases)
    extraction_ms = sorted(1000 * b.extraction_cpu for b in bases)
    print(f"articles served:            {len(pages)} ({args.syndicated:.0%} syndicated copies)")
    print(
        f"CPUs:                       {os.cpu_count()} (load average 1/5/15 min: before"
        f" {'/'.join(f'{x:.2f}' for x in load_before)},"
        f" after {'/'.join(f'{x:.2f}' for x in load_after)})"
    )
    print(
        f"bare trafilatura.extract:   {bare_rates[0]:6.1f} / {statistics.median(bare_rates):6.1f}"
        " articles/s (min / median, measured before each run)"
    )
    print(
        f"briefbot extraction (meta): {extraction_ms[0]:6.2f} /"
        f" {statistics.median(extraction_ms):6.2f}"
        " ms CPU per article (min / median, measured before each run)"
    )
    print(
        f"min / median of {args.runs} runs; ratios and CPU outside extraction against the"
        " figures measured right before the same run; CPU = this process + its worker processes"
    )
    for workers, done in runs.items():
        n = done[0].stored
        collect = sorted(r.stored / r.collect_seconds for r in done)
        collect_ms = sorted(1000 * r.collect_cpu / r.stored for r in done)
        ratio = sorted(r.stored / r.collect_seconds / r.base.bare_rate for r in done)
        outside = sorted(1000 * (r.collect_cpu / r.stored - r.base.extraction_cpu) for r in done)
        in_run = sorted(1000 * r.collect_extraction_cpu / r.stored for r in done)
        outside_run = sorted(
            1000 * (r.collect_cpu - r.collect_extraction_cpu) / r.stored for r in done
        )
        workers_ms = statistics.median(1000 * r.collect_workers_cpu / r.stored for r in done)
        own_ms = statistics.median(
            1000 * (r.collect_cpu - r.collect_workers_cpu) / r.stored for r in done
        )
        whole = sorted(r.stored / r.seconds for r in done)
        whole_ms = sorted(1000 * r.cpu_seconds / r.stored for r in done)
        whole_ratio = sorted(r.stored / r.seconds / r.base.bare_rate for r in done)
        print(f"  {workers} worker(s): {n} stored in {done[0].stories} stories")
        print(
            f"    collect:            {collect[0]:6.1f} / {statistics.median(collect):6.1f}"
            f" articles/s (ratio {ratio[0]:.2f} /"
            f" {statistics.median(ratio):.2f}); CPU {collect_ms[0]:5.1f} /"
            f" {statistics.median(collect_ms):5.1f} ms/article, outside extraction"
            f" {outside[0]:5.1f} / {statistics.median(outside):5.1f}"
            f" (median CPU in the worker processes {workers_ms:5.1f},"
            f" in this process {own_ms:5.1f})"
        )
        print(
            f"    extraction as timed in the workers: {in_run[0]:5.2f} /"
            f" {statistics.median(in_run):5.2f} ms/article (thread CPU around the extractor,"
            f" inflated by the cores it shares); CPU outside it {outside_run[0]:5.1f} /"
            f" {statistics.median(outside_run):5.1f} ms/article"
        )
        print(
            f"    + summarise, brief: {whole[0]:6.1f} / {statistics.median(whole):6.1f}"
            f" articles/s (ratio {whole_ratio[0]:.2f} /"
            f" {statistics.median(whole_ratio):.2f}); CPU {whole_ms[0]:5.1f} /"
            f" {statistics.median(whole_ms):5.1f} ms/article"
        )
    print(f"peak RSS (this process):    {peak_mb:8.1f} MB")


if __name__ == "__main__":
    main()
