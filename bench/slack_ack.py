"""Benchmark: how fast `/brief` is acknowledged while the language model is slow.

Runs the real app (`briefbot run`'s `running()`, HTTP mode, on 127.0.0.1) on the bundled demo
story, with the LLM pointed at a local OpenAI-compatible server that takes 2 s per reply and
Slack's Web API at the local stand-in. Fires 200 signed `/brief ask …` commands, 50 at a time,
and measures each one's time to the HTTP response (the ack Slack waits at most 3 s for). Then
does the same against a bare Bolt app whose listener only acks. Prints p50/p99 for both, the
ratio, and how long the 200 answers took to arrive through the response URLs.

    python bench/slack_ack.py [--commands 200] [--concurrency 50] [--llm-delay 2]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

import httpx
from aiohttp import web
from pydantic import SecretStr
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncAck, AsyncApp
from slack_sdk.signature import SignatureVerifier
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import BriefbotConfig, Settings, parse_config
from bot.demo.server import DemoServer
from bot.demo.server import data_dir as demo_data
from bot.runtime import running
from bot.wiring import open_services
from testkit.openai_server import FakeOpenAI, reply_json
from testkit.slack_api import FakeSlack

SECRET = "bench-secret"
QUESTION = "What did Whitcombe say about overcapacity?"


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


async def fire(url: str, fake: FakeSlack, n: int, concurrency: int) -> list[float]:
    """Fire from a separate process, so the load generator does not share the app's loop."""
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        __file__,
        "--fire",
        url,
        "--response-base",
        fake.response_url(""),
        "--commands",
        str(n),
        "--concurrency",
        str(concurrency),
        stdout=asyncio.subprocess.PIPE,
    )
    out, _ = await proc.communicate()
    assert proc.returncode == 0, "the load generator failed"
    return [float(x) for x in json.loads(out)]


async def fire_here(url: str, response_base: str, n: int, concurrency: int) -> list[float]:
    """n signed slash commands, `concurrency` in flight; returns each ack's latency (s)."""
    verifier = SignatureVerifier(SECRET)
    gate = asyncio.Semaphore(concurrency)
    latencies: list[float] = []
    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    async with httpx.AsyncClient(timeout=30, limits=limits) as http:

        async def one(i: int) -> None:
            body = urlencode(
                {
                    "team_id": "T0BENCH",
                    "channel_id": "C0BENCH",
                    "user_id": f"U{i:05d}",
                    "command": "/brief",
                    "text": f"ask {QUESTION}",
                    "api_app_id": "A0BENCH",
                    "response_url": f"{response_base}r{i}",
                    "trigger_id": f"t.{i}",
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
                latencies.append(time.perf_counter() - start)
                assert response.status_code == 200, response.text

        await asyncio.gather(*(one(i) for i in range(n)))
    return latencies


async def bare_bolt(fake: FakeSlack) -> tuple[web.AppRunner, str]:
    """A Bolt app whose /brief listener only acks, served the same way."""
    app = AsyncApp(
        client=AsyncWebClient(token="xoxb-bench", base_url=fake.api_url),
        signing_secret=SECRET,
    )

    async def brief(ack: AsyncAck) -> None:
        await ack()

    app.command("/brief")(brief)

    async def events(request: web.Request) -> web.Response:
        return await to_aiohttp_response(await app.async_dispatch(await to_bolt_request(request)))

    server = web.Application()
    server.router.add_post("/slack/events", events)
    runner = web.AppRunner(server, access_log=None)
    await runner.setup()
    await web.TCPSite(runner, "127.0.0.1", 0).start()
    return runner, f"http://127.0.0.1:{runner.addresses[0][1]}/slack/events"


async def wait_for(check: Callable[[], bool], limit: float) -> float:
    start = time.perf_counter()
    while not check() and time.perf_counter() - start < limit:
        await asyncio.sleep(0.05)
    return time.perf_counter() - start


async def main(n: int, concurrency: int, delay: float) -> None:
    with (
        tempfile.TemporaryDirectory() as tmp,
        DemoServer() as demo,
        FakeSlack() as slack,
        FakeOpenAI() as llm,
    ):
        llm.default = reply_json(
            {"answered": True, "answer": "Whitcombe warned of overcapacity [1].", "citations": [1]},
            delay=delay,
        )
        root = demo_data()
        text = (root / "briefbot.toml").read_text(encoding="utf-8")
        config: BriefbotConfig = parse_config(
            text.replace("{base}", demo.base_url), origin="demo", base_dir=root
        )
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            data_dir=Path(tmp),
            allow_hosts=("127.0.0.1",),
            slack_bot_token="xoxb-bench",
            slack_signing_secret=SECRET,
            slack_app_token="",
            slack_api_url=slack.api_url,
            host="127.0.0.1",
            port=0,
            llm_base_url=llm.base_url,
            llm_api_key="bench",
            llm_max_retries=0,
            embeddings=False,
        )
        offline = settings.model_copy(update={"llm_base_url": "", "llm_api_key": SecretStr("")})
        async with open_services(offline) as services:  # collect the demo story once
            for topic in config.topics:
                await services.collector.collect(topic)

        async with running(settings, config, schedule=False) as app:
            await fire(f"{app.url}/slack/events", slack, 1, 1)  # warm-up (auth.test, pools)
            await wait_for(lambda: len(slack.calls_to("response_url")) >= 1, 60)
            slack.calls.clear()
            llm.requests.clear()
            started = time.perf_counter()
            ours = await fire(f"{app.url}/slack/events", slack, n, concurrency)
            acked = time.perf_counter() - started
            await wait_for(lambda: len(slack.calls_to("response_url")) >= n, 300)
            answered = time.perf_counter() - started
            answers = len(slack.calls_to("response_url"))
            llm_calls = len(llm.requests)

        runner, url = await bare_bolt(slack)
        try:
            await fire(url, slack, 1, 1)  # warm-up, as above
            bare = await fire(url, slack, n, concurrency)
        finally:
            await runner.cleanup()

    def line(name: str, values: list[float]) -> str:
        return (
            f"{name:<34} p50 {percentile(values, 50) * 1000:7.1f} ms   "
            f"p99 {percentile(values, 99) * 1000:7.1f} ms   max {max(values) * 1000:7.1f} ms"
        )

    print(
        f"{n} signed /brief ask commands, {concurrency} at a time; LLM stand-in {delay:.1f} s/reply"
    )
    print(line("briefbot (real app, slow LLM)", ours))
    print(line("bare Bolt app (ack only)", bare))
    print(
        f"ratio p50 {percentile(ours, 50) / percentile(bare, 50):.2f}x   "
        f"p99 {percentile(ours, 99) / percentile(bare, 99):.2f}x"
    )
    print(
        f"all {n} acked in {acked:.2f} s; {answers} answers delivered through the response URL "
        f"after {answered:.2f} s ({llm_calls} LLM calls)"
    )


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--commands", type=int, default=200)
    parser.add_argument("--concurrency", type=int, default=50)
    parser.add_argument("--llm-delay", type=float, default=2.0)
    parser.add_argument("--fire", help=argparse.SUPPRESS)
    parser.add_argument("--response-base", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fire:
        found = asyncio.run(
            fire_here(args.fire, args.response_base, args.commands, args.concurrency)
        )
        print(json.dumps(found))
        raise SystemExit(0)
    asyncio.run(main(args.commands, args.concurrency, args.llm_delay))
