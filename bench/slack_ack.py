"""Benchmark: how fast `/brief` is acknowledged while the language model is slow, next to a
bare Bolt app that only acks (the anchor), and the anchor next to itself (A/A), in one run.

Runs the real app (`briefbot run`'s `running()`, HTTP mode, on 127.0.0.1) on the bundled demo
story, with the LLM pointed at a local OpenAI-compatible server that takes 2 s per reply and
Slack's Web API at the local stand-in; and two identical bare Bolt apps whose `/brief`
listener only acks, served the same way and measured by the same request-latency middleware
(`bot.observe`). Each app runs alone in a process of its own, as in production: the
stand-ins (threads of this process, busy answering the real app's model calls and posts)
never share an app's interpreter, so their work is not counted against its acks.

Each round measures the three apps one after the other, in the next of the six orders (each
app first, second and third twice in six rounds). For each, a separate load-generator process
(`bench/ack_load.py`) opens its connections with a warm-up round of `/brief help` commands
(acked inline, no answering work), then fires 500 signed `/brief ask …` commands, 50 in
flight, and times each one's HTTP response (the ack Slack waits at most 3 s for). Each
command leaves in one write, headers and body together, as Slack's small POSTs do: with
httpx's separate writes the app's clock started at the headers and waited for the body
while the nice-19 load generator was off the CPU (10 ms of a bare app's 21 ms median, and
most of briefbot's p99 excess, since its answering child took that CPU). The real
app's answers are all delivered before the next phase, so one app's work never lands on
another's acks; before the rounds it answers one question, so that what it loads on its first
question is not counted as an ack's cost.

Why rounds and an A/A: with 50 in flight one stall of a process (a scheduler slice lost to
other work on the 2 cores) delays ~50 acks at once, so a p99 is mostly the worst stall's. One
briefbot-vs-bare ratio per invocation moved 0.88-1.99x, and two identical bare apps 0.57-1.40x
(load 5-10). So each round gives a ratio (briefbot / bare A, and bare B / bare A, the same app
measured twice), and the headline is the median over rounds, printed next to the A/A median
and range: a difference smaller than the A/A range is not resolved. The load generator and
the Slack and model stand-ins run at nice 19: they stand for Slack and a model provider on
other machines, and on two shared cores at equal priority they took the CPU from the app
they measured (only the real app's phase pays the stand-ins' work: only it gets answers).
The apps and briefbot's answering child keep their production priorities.

Printed per round: each app's server-side p99, both ratios, the load average; then per app
the min/median/max over rounds of client-side p50/p99, server-side p50/p99/mean from the
app's own measurement (the `Server-Timing` header of each response, which carries the exact
time its `briefbot_request_seconds` histogram observed; a p99 read from the histogram's 10 ms
buckets is printed too, as "bucket p99"), and the app process's CPU per ack. The real app
answers in its child process (BRIEFBOT_ANSWER_PROCESS) unless --in-process.

    python bench/slack_ack.py [--rounds 6] [--commands 500] [--concurrency 50] [--llm-delay 2]
                              [--workers N]   # BRIEFBOT_ANSWER_WORKERS for the real app
                              [--in-process]  # BRIEFBOT_ANSWER_PROCESS=false: no child
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
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

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from aiohttp import web
from prometheus_client.core import Metric
from pydantic import SecretStr
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.web.async_client import AsyncWebClient

from bench.ack_load import (
    BACKGROUND,
    ROUTE,
    SECRET,
    Histogram,
    children_of,
    cpu_seconds,
    fire,
    percentile,
    scrape,
    to_background,
)
from bot.config import BriefbotConfig, Settings, parse_config
from bot.demo.server import DemoServer
from bot.demo.server import data_dir as demo_data
from bot.observe import Metrics
from bot.runtime import running
from bot.wiring import open_services
from testkit.openai_server import FakeOpenAI, reply_json
from testkit.slack_api import FakeSlack

# ---------------------------------------------------------------------- one app's phase


@dataclass
class Phase:
    """One app's measured commands: client-side latencies, the server-side time of each (its
    `Server-Timing` header: the exact value its histogram observed) and the histogram."""

    client: list[float]
    server: list[float]
    histogram: Histogram
    cpu: float  # the app process's CPU time per command while they were acked (s)
    sent: list[float]  # when each command was sent, s after the first


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
        [float(c) for c, _, _ in pairs],
        [float(s) for _, s, _ in pairs],
        after - before,
        cpu / n,
        [float(t) for _, _, t in pairs],
    )


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


# ---------------------------------------------------------------------- the rounds

BRIEFBOT, BARE_A, BARE_B = "briefbot", "bare A", "bare B"
# Each round measures the three apps one after the other, in the next of these orders, so
# that over six rounds each app comes first, second and third twice and follows each other.
ORDERS = list(itertools.permutations((BRIEFBOT, BARE_A, BARE_B)))


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
class Round:
    ours: Answered
    bare: tuple[Phase, Phase]  # bare A (the anchor), bare B (A/A: the same app again)
    order: tuple[str, ...]
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


def ratio(ours: dict[str, float], bare: dict[str, float]) -> dict[str, float]:
    return {k: ours[k] / bare[k] for k in ours}


def table(rows: list[tuple[str, dict[str, str]]]) -> str:
    names = list(rows[0][1])
    lines = [f"  {'':<12}" + "".join(f"{name:>20}" for name in names)]
    lines += [f"  {label:<12}" + "".join(f"{v[n]:>20}" for n in names) for label, v in rows]
    return "\n".join(lines)


def spread(values: list[dict[str, float]], fmt: str) -> dict[str, str]:
    """min / median / max of each figure over the rounds."""
    return {
        k: "/".join(fmt.format(f([v[k] for v in values])) for f in (min, statistics.median, max))
        for k in values[0]
    }


def late(phase: Phase) -> str:
    """When the acks at or past the p99 were sent (s after the first command): a burst's
    start, the answers' start, their delivery."""
    p99 = percentile(phase.server, 99)
    times = [t for s, t in zip(phase.server, phase.sent, strict=True) if s >= p99]
    return f"{min(times):.1f}-{max(times):.1f} s in"


def report(rounds: list[Round], n: int, c: int, delay: float, workers: str, where: str) -> None:
    print(
        f"{n} signed /brief ask commands per app and round, {c} in flight, connections "
        f"warmed first; LLM stand-in {delay:.1f} s/reply; {workers} answering workers, "
        f"{where}; load generator and stand-ins at nice {BACKGROUND}; {os.cpu_count()} CPUs"
    )
    ours = [figures(r.ours.phase) for r in rounds]
    bare_a = [figures(r.bare[0]) for r in rounds]
    bare_b = [figures(r.bare[1]) for r in rounds]
    vs = [ratio(o, a) for o, a in zip(ours, bare_a, strict=True)]
    aa = [ratio(b, a) for b, a in zip(bare_b, bare_a, strict=True)]
    for i, r in enumerate(rounds):
        print(
            f"round {i + 1} ({', '.join(r.order)}; load {r.load[0]:.1f} -> {r.load[1]:.1f}): "
            f"server p99 {ours[i]['server p99']:.1f} / {bare_a[i]['server p99']:.1f} / "
            f"{bare_b[i]['server p99']:.1f} ms: briefbot/A {vs[i]['server p99']:.2f}x, "
            f"A/A {aa[i]['server p99']:.2f}x (briefbot's slowest 1% sent {late(r.ours.phase)}); "
            f"{r.ours.answers} answers in "
            f"{r.ours.after:.0f} s ({r.ours.llm_calls} LLM calls), CPU per question "
            f"{r.ours.cpu * 1000:.1f} ms app + {r.ours.child_cpu * 1000:.1f} ms child"
        )
    print(f"\nover {len(rounds)} rounds, min/median/max (ms; ratios per round)")
    print(
        table(
            [
                (BRIEFBOT, spread(ours, "{:.1f}")),
                (BARE_A, spread(bare_a, "{:.1f}")),
                (BARE_B, spread(bare_b, "{:.1f}")),
                ("briefbot/A", spread(vs, "{:.2f}")),
                ("A/A (B/A)", spread(aa, "{:.2f}")),
            ]
        )
    )
    loads = [x for r in rounds for x in r.load]
    mid = statistics.median
    print(
        f"\nserver-side ack p99, median over rounds: briefbot/bare "
        f"{mid(v['server p99'] for v in vs):.2f}x, A/A {mid(v['server p99'] for v in aa):.2f}x "
        f"(A/A range {min(v['server p99'] for v in aa):.2f}-"
        f"{max(v['server p99'] for v in aa):.2f}x); load average {min(loads):.1f}-"
        f"{max(loads):.1f}"
    )


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
    rounds: int, n: int, c: int, delay: float, workers: int | None, in_process: bool
) -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        DemoServer() as demo,
        FakeSlack() as slack,
        FakeOpenAI() as llm,
    ):
        to_background([slack.thread, llm.thread])  # Slack and the model are elsewhere
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
        bare_spec = {"app": "bare", "slack_api": slack.api_url}
        results: list[Round] = []
        async with (
            app_process(bare_spec) as (bare_a, (url_a,)),
            app_process(bare_spec) as (bare_b, (url_b,)),
            app_process(ours_spec) as (ours, (ours_url, answer_workers)),
            httpx.AsyncClient(timeout=30) as http,
        ):
            # One question first, answered: what the app loads on its first question (the
            # language model for reading questions …) is not what an ack costs.
            await answered_phase(http, ours, ours_url, slack, llm, "cold", 1, 1)
            for r in range(rounds):
                load_before = os.getloadavg()[0]
                order = ORDERS[r % len(ORDERS)]
                done: dict[str, Phase] = {}
                answered: Answered | None = None
                for name in order:
                    tag = f"r{r}-{name.replace(' ', '')}"
                    if name == BRIEFBOT:
                        answered = await answered_phase(http, ours, ours_url, slack, llm, tag, n, c)
                    else:
                        pid, url = (bare_a, url_a) if name == BARE_A else (bare_b, url_b)
                        done[name] = await measure(http, pid, url, slack, tag, n, c)
                assert answered is not None
                load = (load_before, os.getloadavg()[0])
                results.append(Round(answered, (done[BARE_A], done[BARE_B]), order, load))
    where = "answering in the app process" if in_process else "answering in a child process"
    report(results, n, c, delay, answer_workers, where)


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--commands", type=int, default=500)
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
        to_background()  # Slack's side: it must not take a CPU from the app it measures
        found = asyncio.run(
            fire(args.fire, args.response_base, args.tag, args.commands, args.concurrency)
        )
        print(json.dumps(found))
        raise SystemExit(0)
    if args.serve:
        asyncio.run(serve_app(json.loads(args.serve)))
        raise SystemExit(0)
    asyncio.run(
        main(
            args.rounds,
            args.commands,
            args.concurrency,
            args.llm_delay,
            args.workers,
            args.in_process,
        )
    )
