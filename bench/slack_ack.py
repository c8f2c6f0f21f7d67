"""Benchmark: how fast `/brief` is acknowledged while the language model is slow, next to a
bare Bolt app that only acks (the anchor), in one run.

Runs the real app (`briefbot run`'s `running()`, HTTP mode, on 127.0.0.1) on the bundled demo
story, with the LLM pointed at a local OpenAI-compatible server that takes 2 s per reply and
Slack's Web API at the local stand-in; and a bare Bolt app whose `/brief` listener only acks,
served the same way and measured by the same request-latency middleware (`bot.observe`).
Each app runs alone in a process of its own, as in production: the stand-ins (threads of
this process, busy answering the real app's model calls and posts) never share an app's
interpreter, so their work is not counted against its acks.

Each run measures both apps, one after the other, alternating which goes first. For each, a
separate load-generator process (so it does not share the apps' event loop) opens its
connections with a warm-up round of `/brief help` commands (acked inline, no answering work),
then fires 1,000 signed `/brief ask …` commands, 50 in flight, and times each one's HTTP
response (the ack Slack waits at most 3 s for). 1,000 rather than 200: with 50 in flight one
stall of the process (a scheduler slice lost to other work on the 2 cores, a collection) delays
~50 acks at once, so a p99 of 200 is the worst stall's and moved 0.66-2.94x between two
identical bare Bolt apps in one invocation (8 runs, load 5-10); of 1,000, 0.57-1.40x (6 runs,
load 10). Printed per app: client-side p50/p99, and server-side p50/p99/mean from the app's
own measurement: the `Server-Timing` header of each response,
which carries the exact time its `briefbot_request_seconds` histogram observed (a p99 read
from the histogram's buckets, 10 ms wide there, is interpolated across a whole bucket: a
bare app's 29-30 ms was a 20-30 ms bucket's guess; it is printed too, as "bucket p99"), and
the machine's load average around each run (other processes' CPU shows in p99). The real
app answers in its child process (BRIEFBOT_ANSWER_PROCESS) unless --in-process.
The real app's answers are all delivered before the next phase, so one app's work never
lands on the other's acks. Before the runs the real app answers one question, so that what
it loads on its first question is not counted as an ack's cost. The summary gives min and
median over the runs.

    python bench/slack_ack.py [--runs 3] [--commands 1000] [--concurrency 50] [--llm-delay 2]
                              [--workers N]   # BRIEFBOT_ANSWER_WORKERS for the real app
                              [--in-process]  # BRIEFBOT_ANSWER_PROCESS=false: no child
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import os
import statistics
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from aiohttp import web
from prometheus_client.core import Metric
from prometheus_client.parser import text_string_to_metric_families
from pydantic import SecretStr
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import BriefbotConfig, Settings, parse_config
from bot.demo.server import DemoServer
from bot.demo.server import data_dir as demo_data
from bot.observe import Metrics
from bot.runtime import running
from bot.wiring import open_services
from testkit.openai_server import FakeOpenAI, reply_json
from testkit.slack_api import FakeSlack

SECRET = "bench-secret"
# A question the demo's coverage answers from passages, so it goes to the model (a "what did
# X say" question would be answered from the stored quotes, without it).
QUESTION = "How many jobs are at risk according to the unions?"
ROUTE = "/slack/events"
HISTOGRAM = "briefbot_request_seconds"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


# ---------------------------------------------------------------------- server-side figures


@dataclass(frozen=True)
class Histogram:
    """One route's request-latency histogram: cumulative counts per upper bound, sum, count."""

    buckets: tuple[tuple[float, float], ...]
    total: float
    count: float

    def __sub__(self, earlier: Histogram) -> Histogram:
        before = dict(earlier.buckets)
        return Histogram(
            tuple((le, n - before.get(le, 0.0)) for le, n in self.buckets),
            self.total - earlier.total,
            self.count - earlier.count,
        )

    def quantile(self, q: float) -> float:
        """Prometheus's histogram_quantile: linear inside the bucket the rank falls in."""
        if not self.count:
            return float("nan")
        rank = q * self.count
        lower, below = 0.0, 0.0
        for le, cumulative in self.buckets:
            if cumulative >= rank:
                if le == float("inf"):
                    return lower  # past the last finite bound: all that is known
                inside = cumulative - below
                return lower + (le - lower) * ((rank - below) / inside if inside else 1.0)
            lower, below = le, cumulative
        return lower

    @property
    def mean(self) -> float:
        return self.total / self.count if self.count else float("nan")


def read_histogram(exposition: str) -> Histogram:
    """The /slack/events request-latency histogram in a /metrics page, all statuses summed."""
    buckets: dict[float, float] = {}
    total = count = 0.0
    for family in text_string_to_metric_families(exposition):
        if family.name != HISTOGRAM:
            continue
        for sample in family.samples:
            if sample.labels.get("route") != ROUTE:
                continue
            if sample.name.endswith("_bucket"):
                le = float(sample.labels["le"])
                buckets[le] = buckets.get(le, 0.0) + sample.value
            elif sample.name.endswith("_sum"):
                total += sample.value
            elif sample.name.endswith("_count"):
                count += sample.value
    return Histogram(tuple(sorted(buckets.items())), total, count)


async def scrape(http: httpx.AsyncClient, url: str) -> Histogram:
    response = await http.get(url)
    response.raise_for_status()
    return read_histogram(response.text)


# ---------------------------------------------------------------------- the load generator


@dataclass
class Phase:
    """One app's measured commands: client-side latencies, the server-side time of each (its
    `Server-Timing` header: the exact value its histogram observed) and the histogram."""

    client: list[float]
    server: list[float]
    histogram: Histogram
    cpu: float  # the app process's CPU time per command while they were acked (s)


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system, s) a process has used so far, its children not counted."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_of(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


async def measure(
    http: httpx.AsyncClient,
    app: int,
    base: str,
    fake: FakeSlack,
    tag: str,
    n: int,
    concurrency: int,
) -> Phase:
    """Warm up, then fire n commands from a separate process; the server's histogram and the
    app process's CPU time are read between the warm-up and the measured commands, and
    after them."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--fire",
        f"{base}{ROUTE}",
        "--response-base",
        fake.response_url(""),
        "--tag",
        tag,
        "--commands",
        str(n),
        "--concurrency",
        str(concurrency),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    assert (await proc.stdout.readline()).strip() == b"warm", "the load generator failed"
    before = await scrape(http, f"{base}/metrics")
    cpu = cpu_seconds(app)
    proc.stdin.write(b"go\n")
    await proc.stdin.drain()
    out = await proc.stdout.read()
    cpu = cpu_seconds(app) - cpu
    assert await proc.wait() == 0, "the load generator failed"
    after = await scrape(http, f"{base}/metrics")
    pairs = json.loads(out)
    return Phase(
        [float(c) for c, _ in pairs], [float(s) for _, s in pairs], after - before, cpu / n
    )


def server_timing(header: str) -> float:
    """The app's own time (s) from a `Server-Timing: app;dur=<ms>` header."""
    for metric in header.split(","):
        name, *params = (part.strip() for part in metric.split(";"))
        for param in params:
            if name == "app" and param.startswith("dur="):
                return float(param[4:]) / 1000
    raise ValueError(f"no app duration in Server-Timing: {header!r}")


async def fire_here(
    url: str, response_base: str, tag: str, n: int, concurrency: int
) -> list[tuple[float, float]]:
    """Open `concurrency` connections with as many `/brief help` commands, say "warm", wait
    for "go", then fire n signed `/brief ask` commands, `concurrency` in flight; returns each
    ack's latency (s) seen here and in the app (its `Server-Timing`)."""
    verifier = SignatureVerifier(SECRET)
    gate = asyncio.Semaphore(concurrency)
    latencies: list[tuple[float, float]] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:

        async def one(i: int, text: str, measured: bool) -> None:
            body = urlencode(
                {
                    "team_id": "T0BENCH",
                    "channel_id": "C0BENCH",
                    "user_id": f"U{i:05d}",
                    "command": "/brief",
                    "text": text,
                    "api_app_id": "A0BENCH",
                    "response_url": f"{response_base}{tag}-{i}",
                    # Unique per run and app: a repeated trigger id is a replay, not answered.
                    "trigger_id": f"{tag}.{'m' if measured else 'w'}.{i}",
                }
            )
            async with gate:
                ts = str(int(time.time()))
                headers = {
                    "Content-Type": "application/x-www-form-urlencoded",
                    "X-Slack-Request-Timestamp": ts,
                    "X-Slack-Signature": verifier.generate_signature(timestamp=ts, body=body),
                }
                start = time.perf_counter()
                response = await http.post(url, content=body.encode(), headers=headers)
                took = time.perf_counter() - start
                assert response.status_code == 200, response.text
                if measured:
                    latencies.append((took, server_timing(response.headers["Server-Timing"])))

        await asyncio.gather(*(one(i, "help", False) for i in range(concurrency)))
        print("warm", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        await asyncio.gather(*(one(i, f"ask {QUESTION}", True) for i in range(n)))
    return latencies


# ---------------------------------------------------------------------- the anchor


async def bare_bolt(api_url: str) -> tuple[web.AppRunner, str]:
    """A Bolt app whose /brief listener only acks, served the same way and measured by the
    same middleware; returns its runner and base URL."""
    app = AsyncApp(
        client=AsyncWebClient(token="xoxb-bench", base_url=api_url),
        signing_secret=SECRET,
    )

    async def brief(ack: AsyncAck) -> None:
        await ack()

    app.command("/brief")(brief)

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    async def no_store_figures() -> list[Metric]:
        return []

    metrics = Metrics(no_store_figures)

    async def exposition(_request: web.Request) -> web.Response:
        return web.Response(body=await metrics.exposition(), content_type="text/plain")

    server = web.Application(middlewares=[metrics.middleware()])
    server.router.add_post(ROUTE, events)
    server.router.add_get("/metrics", exposition)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}"


async def wait_for(check: Callable[[], bool], limit: float) -> float:
    start = time.perf_counter()
    while not check() and time.perf_counter() - start < limit:
        await asyncio.sleep(0.05)
    return time.perf_counter() - start


# ---------------------------------------------------------------------- the runs


@dataclass
class Answered:
    """The real app's phase, and how its answers arrived."""

    phase: Phase
    answers: int
    after: float  # seconds from the first measured command to the last answer
    llm_calls: int
    cpu: float  # per question, from the first command to the last answer (s): the app process
    child_cpu: float  # and its answering child's, if any


@dataclass
class Run:
    ours: Answered
    bare: Phase
    first: str
    load: tuple[float, float]  # the machine's 1-minute load average before and after


async def answered_phase(
    http: httpx.AsyncClient,
    app: int,
    base: str,
    slack: FakeSlack,
    llm: FakeOpenAI,
    tag: str,
    n: int,
    concurrency: int,
) -> Answered:
    """The real app's phase; returns once every answer reached Slack, so that its answering
    work never lands on the next phase's acks."""
    slack.calls.clear()
    llm.requests.clear()
    started = time.perf_counter()
    children = children_of(app)
    cpu = [cpu_seconds(p) for p in (app, *children)]
    phase = await measure(http, app, base, slack, tag, n, concurrency)
    await wait_for(lambda: len(slack.calls_to("response_url")) >= n, 600)
    used = [cpu_seconds(p) - c for p, c in zip((app, *children), cpu, strict=True)]
    return Answered(
        phase,
        len(slack.calls_to("response_url")),
        time.perf_counter() - started,
        len(llm.requests),
        used[0] / n,
        sum(used[1:]) / n,
    )


def figures(phase: Phase) -> dict[str, float]:
    """p50/p99 client-side and server-side (exact, from each response's Server-Timing), the
    server-side mean, and the p99 the histogram's buckets give, in ms."""
    return {
        "client p50": percentile(phase.client, 50) * 1000,
        "client p99": percentile(phase.client, 99) * 1000,
        "server p50": percentile(phase.server, 50) * 1000,
        "server p99": percentile(phase.server, 99) * 1000,
        "server mean": statistics.fmean(phase.server) * 1000,
        "bucket p99": phase.histogram.quantile(0.99) * 1000,
        "CPU/ack": phase.cpu * 1000,
    }


def table(rows: list[tuple[str, dict[str, str]]]) -> str:
    names = list(rows[0][1])
    lines = [f"  {'':<10}" + "".join(f"{name:>18}" for name in names)]
    lines += [f"  {label:<10}" + "".join(f"{v[n]:>18}" for n in names) for label, v in rows]
    return "\n".join(lines)


def ms(values: dict[str, float]) -> dict[str, str]:
    return {k: f"{v:.1f} ms" for k, v in values.items()}


def ratio(ours: dict[str, float], bare: dict[str, float]) -> dict[str, float]:
    return {k: ours[k] / bare[k] for k in ours}


# ---------------------------------------------------------------------- the apps, each alone


async def serve_app(spec: dict[str, Any]) -> None:
    """`--serve`: one app alone in this process, as in production (the stand-ins' threads
    and the other app never share its interpreter); prints its URL, serves until stdin
    closes. The real app collects the demo story first, offline."""
    stop = asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    if spec["app"] == "bare":
        runner, url = await bare_bolt(spec["slack_api"])
        try:
            print(url, flush=True)
            await stop
        finally:
            await runner.cleanup()
        return
    root = demo_data()
    text = (root / "briefbot.toml").read_text(encoding="utf-8")
    config: BriefbotConfig = parse_config(
        text.replace("{base}", spec["demo"]), origin="demo", base_dir=root
    )
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=Path(spec["data_dir"]),
        allow_hosts=("127.0.0.1",),
        slack_bot_token="xoxb-bench",
        slack_signing_secret=SECRET,
        slack_app_token="",
        slack_api_url=spec["slack_api"],
        host="127.0.0.1",
        port=0,
        llm_base_url=spec["llm"],
        llm_api_key="bench",
        llm_max_retries=0,
        embeddings=False,
        answer_process=not spec["in_process"],
    )
    if spec["workers"]:
        settings = settings.model_copy(update={"answer_workers": spec["workers"]})
    offline = settings.model_copy(update={"llm_base_url": "", "llm_api_key": SecretStr("")})
    async with open_services(offline) as services:  # collect the demo story once
        for topic in config.topics:
            await services.collector.collect(topic)
    async with running(settings, config, schedule=False) as app:
        print(app.url, f"{settings.answer_workers}", flush=True)
        await stop


@asynccontextmanager
async def app_process(spec: dict[str, Any]) -> AsyncIterator[tuple[int, list[str]]]:
    """Start `serve_app(spec)` in its own process; yields its pid and what it printed (its
    URL first)."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--serve",
        json.dumps(spec),
        stdin=asyncio.subprocess.PIPE,
        stdout=asyncio.subprocess.PIPE,
    )
    assert proc.stdin is not None and proc.stdout is not None
    try:
        line = (await proc.stdout.readline()).decode().split()
        assert line, f"the {spec['app']} app did not start"
        yield proc.pid, line
    finally:
        proc.stdin.close()
        await proc.wait()


async def main(
    runs: int, n: int, c: int, delay: float, workers: int | None, in_process: bool
) -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        DemoServer() as demo,
        FakeSlack() as slack,
        FakeOpenAI() as llm,
    ):
        slack.add_channel("trade-desk", "C0TRADE")  # the demo's channel, resolved at start-up
        said = "The unions say 12,000 jobs are at risk [1]."
        llm.default = reply_json({"answered": True, "answer": said, "citations": [1]}, delay=delay)
        ours_spec = {
            "app": "briefbot",
            "data_dir": tmp,
            "demo": demo.base_url,
            "slack_api": slack.api_url,
            "llm": llm.base_url,
            "workers": workers,
            "in_process": in_process,
        }
        results: list[Run] = []
        async with (
            app_process({"app": "bare", "slack_api": slack.api_url}) as (bare, (bare_url,)),
            app_process(ours_spec) as (ours, (ours_url, answer_workers)),
            httpx.AsyncClient(timeout=30) as http,
        ):
            # One question first, answered: what the app loads on its first question (the
            # language model for reading questions …) is not what an ack costs.
            await answered_phase(http, ours, ours_url, slack, llm, "cold", 1, 1)
            for r in range(runs):
                load_before = os.getloadavg()[0]
                ours_first = r % 2 == 0
                ours_tag, bare_tag = f"r{r}-ours", f"r{r}-bare"
                if ours_first:
                    ours_run = await answered_phase(
                        http, ours, ours_url, slack, llm, ours_tag, n, c
                    )
                    bare_run = await measure(http, bare, bare_url, slack, bare_tag, n, c)
                else:
                    bare_run = await measure(http, bare, bare_url, slack, bare_tag, n, c)
                    ours_run = await answered_phase(
                        http, ours, ours_url, slack, llm, ours_tag, n, c
                    )
                first = "briefbot" if ours_first else "bare Bolt"
                load = (load_before, os.getloadavg()[0])
                results.append(Run(ours_run, bare_run, first, load))

    print(
        f"{n} signed /brief ask commands per app and run, {c} in flight, connections "
        f"warmed first; LLM stand-in {delay:.1f} s/reply; {answer_workers} answering "
        f"workers, {'in the app process' if in_process else 'answering in a child process'}"
    )
    ratios: list[dict[str, float]] = []
    for i, run in enumerate(results, 1):
        mine, anchor = figures(run.ours.phase), figures(run.bare)
        ratios.append(ratio(mine, anchor))
        print(
            f"\nrun {i} ({run.first} first; load average {run.load[0]:.1f} -> {run.load[1]:.1f} "
            f"on {os.cpu_count()} CPUs)"
        )
        print(
            table(
                [
                    ("briefbot", ms(mine)),
                    ("bare Bolt", ms(anchor)),
                    ("ratio", {k: f"{v:.2f}x" for k, v in ratios[-1].items()}),
                ]
            )
        )
        print(
            f"  {run.ours.answers} answers delivered {run.ours.after:.1f} s after the first "
            f"command ({run.ours.llm_calls} LLM calls); CPU per question, first command to "
            f"last answer: {run.ours.cpu * 1000:.1f} ms in the app process, "
            f"{run.ours.child_cpu * 1000:.1f} ms in its answering child"
        )
    if len(results) > 1:

        def spread(values: list[dict[str, float]], fmt: str) -> dict[str, str]:
            return {
                k: f"{fmt.format(min(v[k] for v in values))} / "
                f"{fmt.format(statistics.median(v[k] for v in values))}"
                for k in values[0]
            }

        print(f"\nover {len(results)} runs, min / median")
        print(
            table(
                [
                    ("briefbot", spread([figures(r.ours.phase) for r in results], "{:.1f}")),
                    ("bare Bolt", spread([figures(r.bare) for r in results], "{:.1f}")),
                    ("ratio", spread(ratios, "{:.2f}")),
                ]
            )
        )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--commands", type=int, default=1000)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--llm-delay", type=float, default=2.0)
    parser.add_argument("--workers", type=int, help="answering workers (default: the setting's)")
    parser.add_argument("--in-process", action="store_true", help="answer in the app's process")
    parser.add_argument("--fire", help=argparse.SUPPRESS)
    parser.add_argument("--serve", help=argparse.SUPPRESS)
    parser.add_argument("--response-base", help=argparse.SUPPRESS)
    parser.add_argument("--tag", help=argparse.SUPPRESS)
    args = parser.parse_args()
    for noisy in ("httpx", "httpx2"):  # a line per request otherwise
        logging.getLogger(noisy).setLevel(logging.WARNING)
    if args.fire:
        found = asyncio.run(
            fire_here(args.fire, args.response_base, args.tag, args.commands, args.concurrency)
        )
        print(json.dumps(found))
        raise SystemExit(0)
    if args.serve:
        asyncio.run(serve_app(json.loads(args.serve)))
        raise SystemExit(0)
    asyncio.run(
        main(
            args.runs,
            args.commands,
            args.concurrency,
            args.llm_delay,
            args.workers,
            args.in_process,
        )
    )
