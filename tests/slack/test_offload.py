"""Answering in a child process (`bot.slack.offload`): the real app answers a signed `/brief`,
a Slack event and a Teams message from its child; and the parent's side of the socket against
a stand-in child (tests/slack/answering_child.py) running the real `serve` loop in a process
of its own."""

from __future__ import annotations

import asyncio
import json
import os
import pickle
import sys
from pathlib import Path

import httpx
import pytest

from bot.chat import ChatRequest, ErrorReply, SourcesReply, read_intent
from bot.runtime import running
from bot.slack.offload import (
    AnsweringLost,
    AnsweringProcess,
    ChildFailed,
    OffloadedChat,
    frame,
    read_frame,
)
from bot.wiring import answers_in_child, utc_now
from testkit.slack_api import FakeSlack
from testkit.teams import FakeTeams
from tests.helpers.clock import Clock, eventually
from tests.helpers.slack import CHANNEL, SignedClient, slack_config, slack_settings
from tests.helpers.teams import message, teams_config, teams_settings
from tests.slack.answering_child import BROKEN, DIE, REFUSE
from tests.slack.test_app import mention

CHILD = (
    sys.executable,
    "-c",
    "import sys; from tests.slack.answering_child import main; main(int(sys.argv[1]))",
)


def ask(text: str) -> ChatRequest:
    return ChatRequest(read_intent(f"ask {text}", direct=False, command=True), "slack", "C1")


def said(reply: object) -> str:
    assert isinstance(reply, ErrorReply), reply
    return reply.message


async def test_a_frame_carries_a_request_and_its_reply_unchanged() -> None:
    reader = asyncio.StreamReader()
    request = ask("How many jobs are at risk?")
    reader.feed_data(frame((7, "ask", (request,), "req-1")) + frame((7, False, SourcesReply(()))))
    reader.feed_eof()
    assert await read_frame(reader) == (7, "ask", (request,), "req-1")
    assert await read_frame(reader) == (7, False, SourcesReply(()))
    with pytest.raises(EOFError):
        await read_frame(reader)


def test_the_parents_settings_and_config_reach_the_child_unchanged(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    settings = slack_settings(tmp_path, fake_slack)
    config = slack_config()
    assert pickle.loads(pickle.dumps((settings, config, 0))) == (settings, config, 0)


def test_a_child_is_used_on_the_real_clock_and_a_shared_database_only(
    tmp_path: Path, clock: Clock, fake_slack: FakeSlack
) -> None:
    settings = slack_settings(tmp_path, fake_slack, answer_process=True)
    assert answers_in_child(settings, utc_now)
    assert not answers_in_child(settings, clock.now)  # a test's clock stays in this process
    assert not answers_in_child(settings.model_copy(update={"answer_process": False}), utc_now)
    memory = settings.model_copy(update={"database_url": "sqlite:///:memory:"})
    assert not answers_in_child(memory, utc_now)


async def test_requests_are_answered_in_the_child_concurrently() -> None:
    async with AnsweringProcess(CHILD, "init") as child:
        replies = await asyncio.gather(*(child.handle(ask(f"q{i}")) for i in range(20)))
        assert child.pid is not None and child.pid != os.getpid()
        assert [said(r) for r in replies] == [f"q{i} from {child.pid}" for i in range(20)]
        assert child.started == 1


async def test_claims_are_written_by_the_child_and_its_failures_come_back_as_such(
    clock: Clock,
) -> None:
    async with AnsweringProcess(CHILD, "init") as child:
        first, again = await asyncio.gather(
            child.claim("command:T1:1", clock.now()), child.claim("command:T1:1", clock.now())
        )
        assert (first, again) == (True, False)
        with pytest.raises(ChildFailed, match="the store is down"):
            await child.claim(BROKEN, clock.now())
        assert said(await child.handle(ask("still here"))) == f"still here from {child.pid}"


async def test_a_burst_of_claims_goes_to_the_child_in_one_frame(clock: Clock) -> None:
    async with AnsweringProcess(CHILD, "init") as child:
        keys = [f"command:T1:{i % 10}" for i in range(30)]
        won = await asyncio.gather(*(child.claim(k, clock.now()) for k in keys))
        assert won == [True] * 10 + [False] * 20  # each key's first claim only
        assert child.claim_frames == 1


async def test_a_dead_child_loses_what_it_held_and_the_next_request_starts_another() -> None:
    async with AnsweringProcess(CHILD, "init") as child:
        first = child.pid
        with pytest.raises(AnsweringLost):
            await child.handle(ask(DIE))
        assert said(await child.handle(ask("again"))) == f"again from {child.pid}"
        assert child.pid != first and child.started == 2


async def test_stopping_answers_what_the_child_was_handed_first() -> None:
    child = AnsweringProcess(CHILD, "init")
    await child.start()
    answering = [asyncio.create_task(child.handle(ask(f"q{i}"))) for i in range(5)]
    await asyncio.sleep(0)  # the requests are written before the socket is closed
    await child.close()
    assert [said(t.result()) for t in answering] == [f"q{i} from {child.pid}" for i in range(5)]
    with pytest.raises(AnsweringLost):  # nothing is sent once stopping
        await child.handle(ask("late"))


async def test_a_child_that_cannot_start_stops_the_start_and_is_not_left_running() -> None:
    child = AnsweringProcess(CHILD, REFUSE)
    with pytest.raises(RuntimeError, match="not ready"):
        await child.start()
    assert child.pid is None


async def test_the_app_answers_from_its_child_and_claims_there_once(
    tmp_path: Path, fake_slack: FakeSlack
) -> None:
    settings = slack_settings(tmp_path, fake_slack, answer_process=True)
    async with running(settings, slack_config(), schedule=False) as app:
        assert isinstance(app.chat, OffloadedChat)
        child = app.chat.process
        assert child.pid is not None  # and it yields the CPU to acks:
        assert os.getpriority(os.PRIO_PROCESS, child.pid) > os.getpriority(os.PRIO_PROCESS, 0)
        client = SignedClient(app.url, fake_slack)
        try:
            ack = await client.command("sources", channel=CHANNEL)
            assert "Looking through the coverage" in ack.json()["text"]
            event = mention("sources")
            for retry in (None, 1, 2):  # Slack's retries of one event
                assert (await client.event(event, event_id="Ev0SAME", retry=retry)).is_success
            await eventually(
                lambda: (
                    bool(fake_slack.calls_to("response_url"))
                    and bool(fake_slack.calls_to("chat.update"))
                )
            )
        finally:
            await client.close()
    # Stopped: everything acked was claimed and answered (or not) by now.
    assert child.pid is not None and child.pid != os.getpid() and child.started == 1
    [answer] = fake_slack.calls_to("response_url")
    assert "steel" in str(answer.params["blocks"]).lower()
    [update] = fake_slack.calls_to("chat.update")  # the event answered once
    assert "steel" in str(update.params["blocks"]).lower()
    assert len(fake_slack.calls_to("chat.postMessage")) == 1  # one "working…" note


async def test_teams_questions_are_answered_by_the_same_child(tmp_path: Path) -> None:
    with FakeTeams() as fake_teams:
        settings = teams_settings(tmp_path, fake_teams, answer_process=True)
        async with (
            running(settings, teams_config(), schedule=False) as app,
            httpx.AsyncClient(timeout=30) as http,
        ):
            assert app.teams is not None and isinstance(app.chat, OffloadedChat)
            assert app.teams.chat is app.chat  # one chat path
            response = await http.post(
                f"{app.url}/api/messages", json=message("sources", fake_teams)
            )
            assert response.status_code in (200, 202)
            await app.teams.drain()
            assert app.chat.process.started == 1
        card = fake_teams.activities()[-1].body["attachments"][0]["content"]
    assert "Briefing → teams steel-team at 08:30" in json.dumps(card, ensure_ascii=False)
