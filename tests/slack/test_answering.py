"""Answering off the ack's path: the pool's bound, order, failures and shutdown; and through
the whole app, with the model held, acks that do not wait for answers and answers that wait
their turn without being dropped or repeated."""

from __future__ import annotations

import asyncio
import json
import logging
import sqlite3
import threading
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.observe import request_id
from bot.runtime import running
from bot.slack import heap
from bot.slack.answering import AnswerPool, PoolClosed
from bot.store import Store
from testkit.openai_server import FakeOpenAI, reply_json
from testkit.slack_api import BOT_USER, FakeSlack
from tests.helpers.clock import Clock, eventually
from tests.helpers.slack import CHANNEL, SignedClient, slack_config, slack_settings

# ---------------------------------------------------------------------- the pool on its own


async def settle() -> None:
    """Let every task that can run, run (ordering, not timing)."""
    for _ in range(20):
        await asyncio.sleep(0)


async def test_no_more_than_the_bound_run_and_the_rest_wait_in_order() -> None:
    release = asyncio.Event()
    started: list[int] = []
    finished: list[int] = []
    now = peak = 0

    def job(i: int) -> Any:
        async def run() -> None:
            nonlocal now, peak
            started.append(i)
            now += 1
            peak = max(peak, now)
            await release.wait()
            now -= 1
            finished.append(i)

        return run

    async with AnswerPool(2) as pool:
        for i in range(5):
            pool.submit(job(i))
        await settle()
        assert started == [0, 1]  # full: the others are queued, not dropped
        assert pool.waiting == 3
        release.set()
        assert await pool.drain(timeout=10)
    assert started == [0, 1, 2, 3, 4]
    assert sorted(finished) == [0, 1, 2, 3, 4]
    assert peak == 2


async def test_no_job_starts_while_a_request_is_being_acked() -> None:
    started: list[str] = []

    async def job() -> None:
        started.append("job")

    async with AnswerPool(2, patience=60) as pool:
        with pool.acking(), pool.acking():  # two requests being acked
            pool.submit(job)
            await settle()
            assert started == []
        await settle()
        assert started == ["job"]  # the acks are out: the answer starts
        assert await pool.drain(timeout=10)


async def test_a_stream_of_acks_does_not_starve_the_answers() -> None:
    started = asyncio.Event()

    async def job() -> None:
        started.set()

    async with AnswerPool(1, patience=0.01) as pool:
        with pool.acking():  # never ends while the job waits
            pool.submit(job)
            await asyncio.wait_for(started.wait(), timeout=10)


async def test_while_acks_go_on_past_the_patience_jobs_start_one_per_pace() -> None:
    started: list[int] = []
    first = asyncio.Event()

    def job(i: int) -> Any:
        async def run() -> None:
            started.append(i)
            first.set()

        return run

    async with AnswerPool(3, patience=0.01, pace=60) as pool:
        with pool.acking():  # a stream of acks that does not pause
            for i in range(3):
                pool.submit(job(i))
            await asyncio.wait_for(first.wait(), timeout=10)
            await asyncio.sleep(0.1)  # well past every worker's patience
            assert started == [0]  # the others wait their turn, a pace apart
        await settle()
        assert sorted(started) == [0, 1, 2]  # the acks paused: every waiting worker starts
        assert await pool.drain(timeout=10)


async def test_the_heap_is_settled_when_the_pool_falls_idle_not_between_queued_jobs() -> None:
    calls: list[tuple[int, int]] = []
    release = asyncio.Event()

    async def job() -> None:
        await release.wait()

    pool = AnswerPool(1, settle=lambda: calls.append((pool.running, pool.waiting)))
    async with pool:
        for _ in range(3):
            pool.submit(job)
        await settle()
        assert calls == []  # one running, two queued
        release.set()
        assert await pool.drain(timeout=10)
    assert calls == [(0, 0)]  # once, with nothing running or waiting


async def test_the_heap_is_not_settled_while_a_request_is_being_acked() -> None:
    calls: list[str] = []
    done = asyncio.Event()

    async def job() -> None:
        done.set()

    async with AnswerPool(1, patience=0.01, settle=lambda: calls.append("settled")) as pool:
        with pool.acking():  # the job starts after its patience, and ends, meanwhile
            pool.submit(job)
            await asyncio.wait_for(done.wait(), timeout=10)
            await settle()
        assert calls == []
        pool.submit(job)  # the next job that ends with no ack under way settles it
        assert await pool.drain(timeout=10)
    assert calls == ["settled"]


async def test_a_failing_settle_is_logged_and_the_pool_goes_on(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ran: list[int] = []

    def broken() -> None:
        raise RuntimeError("no heap")

    async def job() -> None:
        ran.append(1)

    async with AnswerPool(1, settle=broken) as pool:
        with caplog.at_level(logging.ERROR, logger="bot.slack.answering"):
            pool.submit(job)
            await settle()
            pool.submit(job)
            assert await pool.drain(timeout=10)
    assert ran == [1, 1]
    assert "settling the heap failed" in caplog.text


def test_the_pool_settles_the_real_heap_by_default() -> None:
    assert AnswerPool().settle is heap.settle


def test_settling_freezes_what_survived_once_enough_has_and_not_before() -> None:
    import gc

    frozen = gc.get_freeze_count()
    assert not heap.settle(threshold=10**12)  # never that many objects
    assert gc.get_freeze_count() == frozen
    try:
        assert heap.settle(threshold=0)
        assert gc.get_freeze_count() > frozen
        assert len(gc.get_objects(generation=2)) < 1000  # full collections no longer walk them
    finally:
        gc.unfreeze()


async def test_a_failed_job_is_logged_and_the_next_one_runs(
    caplog: pytest.LogCaptureFixture,
) -> None:
    ran: list[str] = []

    async def broken() -> None:
        raise RuntimeError("boom")

    async def fine() -> None:
        ran.append("fine")

    async with AnswerPool(1) as pool:
        with caplog.at_level(logging.ERROR, logger="bot.slack.answering"):
            pool.submit(broken, "the broken one")
            pool.submit(fine)
            assert await pool.drain(timeout=10)
    assert ran == ["fine"]
    assert "the broken one failed" in caplog.text


async def test_a_job_keeps_its_requests_id_in_the_logs() -> None:
    seen: list[str | None] = []

    async def job() -> None:
        seen.append(request_id.get())

    async with AnswerPool(1) as pool:
        token = request_id.set("req-1")
        try:
            pool.submit(job)
        finally:
            request_id.reset(token)
        assert await pool.drain(timeout=10)
    assert seen == ["req-1"]


async def test_closing_cancels_what_runs_drops_what_waits_and_leaves_nothing_pending() -> None:
    cancelled = asyncio.Event()
    made: list[str] = []

    async def stuck() -> None:
        try:
            await asyncio.Event().wait()
        except asyncio.CancelledError:
            cancelled.set()
            raise

    def never_started() -> Any:
        made.append("coroutine")  # a queued job's coroutine is only made when it starts
        return asyncio.sleep(0)

    pool = AnswerPool(1)
    pool.submit(stuck)
    pool.submit(never_started)
    await settle()
    assert not await pool.drain(timeout=0.05)  # the grace period runs out
    with pytest.raises(PoolClosed):
        pool.submit(stuck)  # stopping: nothing new is taken
    await pool.close()
    assert cancelled.is_set()
    assert made == []
    assert pool.waiting == 0
    assert [t for t in asyncio.all_tasks() if t is not asyncio.current_task()] == []


# ---------------------------------------------------------------------- through the app

UNIONS = "How many jobs are at risk according to the unions?"
DEADLINE = "What deadline did the Commission set?"


@dataclass
class HeldModel:
    """The app with one answering worker, and a model that answers only when released."""

    slack: SignedClient
    fake: FakeSlack
    llm: FakeOpenAI
    gate: threading.Event

    def answers(self) -> list[dict[str, Any]]:
        return [c.params for c in self.fake.calls_to("response_url")]


def held(gate: threading.Event) -> Any:
    said = "The unions say 12,000 jobs are at risk [1]."
    answer = reply_json({"answered": True, "answer": said, "citations": [1]})

    def handler(request: dict[str, Any]) -> Any:
        gate.wait(30)
        return answer(request)

    return handler


@pytest.fixture
async def one_worker(
    tmp_path: Path, fake_slack: FakeSlack, fake_llm: FakeOpenAI, clock: Clock, corpus: Store
) -> AsyncIterator[HeldModel]:
    gate = threading.Event()
    fake_llm.default = held(gate)
    settings = slack_settings(
        tmp_path,
        fake_slack,
        llm_base_url=fake_llm.base_url,
        llm_api_key="k",
        llm_max_retries=0,
        answer_workers=1,
    )
    async with running(settings, slack_config(), now=clock.now, schedule=False) as app:
        client = SignedClient(app.url, fake_slack)
        try:
            yield HeldModel(client, fake_slack, fake_llm, gate)
        finally:
            gate.set()  # before the app drains, so that stopping never waits on the model
            await client.close()


def asked(llm: FakeOpenAI, question: str) -> int:
    return sum(question in json.dumps(r["messages"]) for r in llm.requests)


async def test_a_second_command_is_acked_while_the_first_waits_on_the_model(
    one_worker: HeldModel,
) -> None:
    app = one_worker
    first = await app.slack.command(f"ask {UNIONS}")
    assert "Looking through the coverage" in first.json()["text"]
    await eventually(lambda: asked(app.llm, UNIONS) == 1)  # the model holds the first answer

    second = await app.slack.command("sources")  # needs no model: quick once its turn comes
    assert second.status_code == 200
    assert "Looking through the coverage" in second.json()["text"]
    assert app.answers() == []  # acked while the first answer is still with the model

    app.gate.set()
    await eventually(lambda: len(app.answers()) == 2)
    # One worker: the quick one waited its turn behind the held one (with a second worker it
    # would have been answered first, while the model held the question).
    first_answer, second_answer = app.answers()
    assert first_answer["token"] == "cmd1" and "12,000" in json.dumps(first_answer["blocks"])
    assert second_answer["token"] == "cmd2" and "feeds.test" in json.dumps(second_answer["blocks"])


async def test_a_retried_mention_waiting_its_turn_is_answered_once(
    one_worker: HeldModel,
) -> None:
    app = one_worker
    await app.slack.command(f"ask {UNIONS}")
    await eventually(lambda: asked(app.llm, UNIONS) == 1)
    event = {
        "type": "app_mention",
        "user": "U0ALICE",
        "text": f"<@{BOT_USER}> {DEADLINE}",
        "ts": "1795500000.000100",
        "channel": CHANNEL,
        "event_ts": "1795500000.000100",
    }
    for retry in (None, 1, 2):  # Slack retries while the answer waits for the worker
        response = await app.slack.event(event, event_id="Ev0QUEUED", retry=retry)
        assert response.status_code == 200
    await eventually(lambda: len(app.fake.calls_to("chat.postMessage")) == 1)  # "working…"
    assert app.fake.calls_to("chat.update") == []

    app.gate.set()
    # A command queued after the mention: once it is answered, everything before it was too.
    await app.slack.command("sources")
    await eventually(lambda: len(app.answers()) == 2)
    assert len(app.fake.calls_to("chat.postMessage")) == 1
    [update] = app.fake.calls_to("chat.update")
    assert "December 15" in json.dumps(update.params["blocks"])


async def test_stopping_finishes_the_answers_under_way(
    tmp_path: Path, fake_slack: FakeSlack, fake_llm: FakeOpenAI, clock: Clock, corpus: Store
) -> None:
    gate = threading.Event()
    fake_llm.default = held(gate)
    settings = slack_settings(
        tmp_path, fake_slack, llm_base_url=fake_llm.base_url, llm_api_key="k", llm_max_retries=0
    )

    async def release_once_stopped(url: str) -> None:
        # The model answers only after the web server has stopped taking requests, so the
        # answer can only reach Slack if stopping waits for it.
        async with httpx.AsyncClient() as http:
            while True:
                try:
                    await http.get(f"{url}/healthz")
                except httpx.TransportError:
                    break
                await asyncio.sleep(0.02)
        gate.set()

    try:
        async with running(settings, slack_config(), now=clock.now, schedule=False) as app:
            client = SignedClient(app.url, fake_slack)
            await client.command(f"ask {UNIONS}")
            await client.close()
            await eventually(lambda: asked(fake_llm, UNIONS) == 1)
            releaser = asyncio.create_task(release_once_stopped(app.url))
        await releaser
    finally:
        gate.set()
    [answer] = [c.params for c in fake_slack.calls_to("response_url")]
    assert "12,000" in json.dumps(answer["blocks"])


async def test_the_ack_does_not_wait_for_the_claims_write(
    tmp_path: Path, slack: SignedClient, fake_slack: FakeSlack, corpus: Store
) -> None:
    # Another writer holds the database: the claim of the command cannot be written yet.
    writer = sqlite3.connect(tmp_path / "briefbot.db", isolation_level=None)
    try:
        writer.execute("BEGIN IMMEDIATE")
        response = await slack.command("sources")  # would wait for the lock if it claimed first
        assert "Looking through the coverage" in response.json()["text"]
        mention = await slack.event(
            {
                "type": "app_mention",
                "user": "U0ALICE",
                "text": f"<@{BOT_USER}> {DEADLINE}",
                "ts": "1795500000.000100",
                "channel": CHANNEL,
                "event_ts": "1795500000.000100",
            }
        )
        assert mention.status_code == 200
        assert fake_slack.calls_to("response_url") == []  # nothing shown before its claim
        assert fake_slack.calls_to("chat.postMessage") == []
    finally:
        writer.execute("ROLLBACK")
        writer.close()
    await eventually(lambda: len(fake_slack.calls_to("chat.update")) == 1)
    await eventually(lambda: len(fake_slack.calls_to("response_url")) == 1)
