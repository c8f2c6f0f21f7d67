"""The load generator and the figures of `bench/slack_ack.py`: signed `/brief` commands fired
from a process of their own, each ack's time as the client saw it and as the app measured it
(its `Server-Timing`), percentiles, and the app's request-latency histogram.

Must not: share a process with an app it measures (it would be measuring its own CPU).
"""

from __future__ import annotations

import asyncio
import os
import sys
import threading
import time
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlencode

import aiohttp
import httpx
from prometheus_client.parser import text_string_to_metric_families
from slack_sdk.signature import SignatureVerifier

SECRET = "bench-secret"
# A question the demo's coverage answers from passages, so it goes to the model (a "what did
# X say" question would be answered from the stored quotes, without it).
QUESTION = "How many jobs are at risk according to the unions?"
ROUTE = "/slack/events"
HISTOGRAM = "briefbot_request_seconds"
# The niceness of what only stands in for the world around an app: the load generator (Slack
# sending requests) and the Slack and model stand-ins' threads (Slack and the model, which in
# production run on other machines). Lowest priority, so that on two shared cores they take
# a CPU from an app only when it has nothing to do: the app's ack time is then the app's own,
# not the stand-ins' (which only the real app's phase would pay: only it gets answers).
BACKGROUND = 19


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def to_background(threads: list[threading.Thread] | None = None) -> None:
    """Lower the CPU priority of this thread (or of `threads`, and of the threads they start:
    Linux keeps a niceness per thread, and a new thread inherits its creator's)."""
    targets = [None] if threads is None else [t.native_id for t in threads]
    for tid in targets:
        os.setpriority(os.PRIO_PROCESS, tid or 0, BACKGROUND)


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


def cpu_seconds(pid: int) -> float:
    """The CPU time (user + system, s) a process has used so far, its children not counted."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def children_of(pid: int) -> list[int]:
    return [int(c) for c in Path(f"/proc/{pid}/task/{pid}/children").read_text().split()]


def server_timing(header: str) -> float:
    """The app's own time (s) from a `Server-Timing: app;dur=<ms>` header."""
    for metric in header.split(","):
        name, *params = (part.strip() for part in metric.split(";"))
        for param in params:
            if name == "app" and param.startswith("dur="):
                return float(param[4:]) / 1000
    raise ValueError(f"no app duration in Server-Timing: {header!r}")


# ---------------------------------------------------------------------- the load generator


async def fire(
    url: str, response_base: str, tag: str, n: int, concurrency: int
) -> list[tuple[float, float, float]]:
    """Open `concurrency` connections with as many `/brief help` commands, say "warm", wait
    for "go" on stdin, then fire n signed `/brief ask` commands, `concurrency` in flight;
    returns each ack's latency (s) seen here and in the app (its `Server-Timing`), and when
    it was sent (s after the first).

    Each request leaves in one write, headers and body together (aiohttp's client coalesces
    them), as a small POST from Slack's servers does. httpx writes the headers, yields to its
    other requests, then writes the body: the app's clock starts at the headers, so its
    server-side time then included however long this nice-19 process took to get a CPU back
    for the body (half the median, 10 of 21 ms, and most of briefbot's p99 excess: waiting
    for bodies, p99 25 ms for a bare app and 41 ms for briefbot, whose answering child takes
    the CPU this process would have had)."""
    verifier = SignatureVerifier(SECRET)
    gate = asyncio.Semaphore(concurrency)
    latencies: list[tuple[float, float, float]] = []
    began = 0.0
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=30)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as http:

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
                async with http.post(url, data=body.encode(), headers=headers) as response:
                    text_back = await response.text()
                took = time.perf_counter() - start
                assert response.status == 200, text_back
                if measured:
                    app = server_timing(response.headers["Server-Timing"])
                    latencies.append((took, app, start - began))

        await asyncio.gather(*(one(i, "help", False) for i in range(concurrency)))
        print("warm", flush=True)
        await asyncio.get_running_loop().run_in_executor(None, sys.stdin.readline)
        began = time.perf_counter()
        await asyncio.gather(*(one(i, f"ask {QUESTION}", True) for i in range(n)))
    return latencies
