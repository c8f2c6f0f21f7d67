"""Slack as a real workspace has it, over signed HTTP against the stand-in: channels named in
briefbot.toml resolved to ids, replayed commands and junk requests, the agent messaging
experience (greeting, status, answers in thread, streamed), and thumbs up/down."""

from __future__ import annotations

import asyncio
import json
import logging
import time
from pathlib import Path
from typing import Any

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import ConfigError
from bot.runtime import Runtime, running
from bot.slack.channels import ChannelResolver
from bot.slack.claims import claim_key
from bot.slack.feedback import read_vote
from bot.slack.stream import stream_chunks
from bot.store import Store
from testkit.slack_api import TEAM, FakeSlack
from tests.helpers.clock import Clock, eventually
from tests.helpers.settings import steel_topic
from tests.helpers.slack import SignedClient, slack_config, slack_settings

TRADE = "C0TRADE"
NAMED = slack_config(steel_topic('channel = "#trade-desk"\n'))
DM = "D0ALICE"


def workspace(fake: FakeSlack) -> None:
    fake.add_channel("general", "C0GENERAL")
    fake.add_channel("steel", "C0STEEL")
    fake.add_channel("trade-desk", TRADE, private=True)
    fake.list_page = 1  # every channel on a page of its own: the cursor is followed


def briefings(fake: FakeSlack, channel: str) -> list[dict[str, Any]]:
    return [m for m in fake.posted(channel) if m.get("metadata") and not m.get("thread_ts")]


# ---------------------------------------------------------------------- channels by name


async def test_resolver_pages_through_channels_and_caches(fake_slack: FakeSlack) -> None:
    workspace(fake_slack)
    channels = ChannelResolver(AsyncWebClient(token="xoxb-test", base_url=fake_slack.api_url))
    assert await channels.channel_id("#trade-desk") == TRADE
    assert await channels.channel_id("#Trade-Desk") == TRADE
    assert await channels.channel_id("C0ANYTHING") == "C0ANYTHING"  # an id is kept
    lists = fake_slack.calls_to("conversations.list")
    assert len(lists) == 3  # three pages, once
    assert lists[0].params["types"] == "public_channel,private_channel"
    channels.renamed(TRADE, "trading")
    assert await channels.channel_id("#trading") == TRADE
    assert await channels.name_of(TRADE) == "trading"
    with pytest.raises(Exception, match="no Slack channel #nowhere"):
        await channels.channel_id("#nowhere")  # a miss refreshes the list first
    assert len(fake_slack.calls_to("conversations.list")) == 6


async def test_a_named_channel_gets_its_briefing_by_id_and_answers_its_thread(
    tmp_path: Path, fake_slack: FakeSlack, clock: Clock, corpus: Store
) -> None:
    workspace(fake_slack)
    clock.advance(minutes=31)
    async with running(
        slack_settings(tmp_path, fake_slack), NAMED, now=clock.now, schedule=False
    ) as app:
        [result] = await app.jobs.deliver()
        assert result.outcome == "posted"
        assert [r.outcome for r in await app.jobs.deliver()] == ["skipped"]
        [post] = briefings(fake_slack, TRADE)
        [row] = await corpus.deliveries.deliveries()
        assert (row.channel, row.message_ref) == (TRADE, post["ts"])
        assert post["metadata"]["event_payload"]["key"].endswith(f"/{TRADE}/2026-11-24")
        # Slack sends the reply with the channel's id: it is answered in the thread.
        client = SignedClient(app.url, fake_slack)
        reply = {
            "type": "message",
            "channel": TRADE,
            "channel_type": "group",
            "user": "U0ALICE",
            "text": "What did Whitcombe say about overcapacity?",
            "ts": "1795505999.000200",
            "thread_ts": post["ts"],
        }
        await client.event(reply)
        await eventually(lambda: bool(fake_slack.calls_to("chat.update")))
        await client.close()
    working = [c for c in fake_slack.calls_to("chat.postMessage") if c.params.get("thread_ts")]
    assert working[-1].params["channel"] == TRADE
    assert working[-1].params["thread_ts"] == post["ts"]
    assert "overcapacity" in json.dumps(fake_slack.calls_to("chat.update")[-1].params["blocks"])


async def test_a_named_channels_crash_after_posting_is_recovered_without_a_second_post(
    tmp_path: Path, fake_slack: FakeSlack, clock: Clock, corpus: Store
) -> None:
    workspace(fake_slack)
    clock.advance(minutes=31)
    release = fake_slack.hold("chat.postMessage", after=True)
    async with running(
        slack_settings(tmp_path, fake_slack), NAMED, now=clock.now, schedule=False
    ) as app:
        task = asyncio.create_task(app.jobs.deliver())
        await eventually(lambda: bool(fake_slack.calls_to("chat.postMessage")))
        task.cancel()  # the process dies with the post made
        with pytest.raises(asyncio.CancelledError):
            await task
    fake_slack.release("chat.postMessage")
    release.set()
    [posted] = briefings(fake_slack, TRADE)
    clock.advance(minutes=11)
    async with running(
        slack_settings(tmp_path, fake_slack), NAMED, now=clock.now, schedule=False
    ) as app:
        [result] = await app.jobs.deliver()
    assert (result.outcome, result.message_ref) == ("found", posted["ts"])
    [history] = fake_slack.calls_to("conversations.history")
    assert history.params["channel"] == TRADE  # Slack's history wants the id
    assert len(briefings(fake_slack, TRADE)) == 1


async def test_an_unknown_channel_name_stops_the_start_with_one_line(
    tmp_path: Path, fake_slack: FakeSlack, clock: Clock, store: Store
) -> None:
    workspace(fake_slack)
    config = slack_config(steel_topic('channel = "#no-such-desk"\n'))
    with pytest.raises(ConfigError) as raised:
        async with running(
            slack_settings(tmp_path, fake_slack), config, now=clock.now, schedule=False
        ):
            pass
    assert "no Slack channel #no-such-desk" in raised.value.reason
    assert "\n" not in raised.value.reason


async def test_the_stand_in_behaves_like_slack_with_names(fake_slack: FakeSlack) -> None:
    workspace(fake_slack)
    client = AsyncWebClient(token="xoxb-test", base_url=fake_slack.api_url)
    posted = await client.chat_postMessage(channel="#trade-desk", text="hi")
    assert posted["channel"] == TRADE
    with pytest.raises(Exception, match="channel_not_found"):
        await client.conversations_history(channel="#trade-desk")


# ---------------------------------------------------------------------- replays and junk


def test_claim_keys() -> None:
    assert claim_key({"type": "event_callback", "event_id": "Ev1"}) == "Ev1"
    command = {"command": "/brief", "team_id": TEAM, "trigger_id": "t.1"}
    assert claim_key(command) == f"command:{TEAM}:t.1"
    assert claim_key({"type": "block_actions"}) is None


async def test_a_replayed_command_runs_once(
    slack: SignedClient, fake_slack: FakeSlack, corpus: Store
) -> None:
    from urllib.parse import urlencode

    form = {
        "team_id": TEAM,
        "channel_id": "C0STEEL",
        "user_id": "U0ALICE",
        "command": "/brief",
        "text": "sources",
        "response_url": fake_slack.response_url("replayed"),
        "trigger_id": "trigger.replayed",
    }
    body, now = urlencode(form), int(time.time())
    first = await slack.post(body, "application/x-www-form-urlencoded", timestamp=now)
    again = await slack.post(body, "application/x-www-form-urlencoded", timestamp=now)
    assert (first.status_code, again.status_code) == (200, 200)
    await eventually(lambda: bool(fake_slack.calls_to("response_url")))
    await asyncio.sleep(0.5)
    assert len(fake_slack.calls_to("response_url")) == 1


@pytest.mark.parametrize(
    ("body", "content_type", "signed"),
    [
        ("{not json", "application/json", False),
        ("{not json", "application/json", True),
        ("[1, 2]", "application/json", True),
        ("payload=%7Bnot-json", "application/x-www-form-urlencoded", False),
        ('{"type": "event_callback"}', "application/json", False),
    ],
)
async def test_junk_and_unsigned_bodies_get_a_4xx_and_no_traceback(
    slack: SignedClient,
    fake_slack: FakeSlack,
    caplog: pytest.LogCaptureFixture,
    body: str,
    content_type: str,
    signed: bool,
) -> None:
    caplog.set_level(logging.INFO)
    signature = None if signed else "v0=" + "0" * 64
    response = await slack.post(body, content_type, signature=signature)
    assert 400 <= response.status_code < 500
    assert not [r for r in caplog.records if r.exc_info]
    assert "Traceback" not in caplog.text
    assert fake_slack.calls == []


# ---------------------------------------------------------------------- the agent experience


def dm(text: str, ts: str, thread: str | None = None) -> dict[str, Any]:
    event = {
        "type": "message",
        "channel": DM,
        "channel_type": "im",
        "user": "U0ALICE",
        "text": text,
        "ts": ts,
    }
    return {**event, "thread_ts": thread} if thread else event


async def test_opening_the_messages_tab_greets_once_and_offers_the_prompts(
    slack: SignedClient, fake_slack: FakeSlack
) -> None:
    opened = {"type": "app_home_opened", "user": "U0ALICE", "channel": DM, "tab": "messages"}
    await slack.event(opened)
    await slack.event(opened)  # opened again later: a new event, no second greeting
    await eventually(lambda: len(fake_slack.calls_to("assistant.threads.setSuggestedPrompts")) == 2)
    [greeting] = fake_slack.calls_to("chat.postMessage")
    assert greeting.params["channel"] == DM and "Hi!" in greeting.params["text"]
    prompts = fake_slack.calls_to("assistant.threads.setSuggestedPrompts")[0].params["prompts"]
    assert [p["title"] for p in prompts][:2] == [
        "Today's briefing",
        "What changed since yesterday?",
    ]
    home = {"type": "app_home_opened", "user": "U0ALICE", "channel": DM, "tab": "home"}
    await slack.event(home)
    await asyncio.sleep(0.3)
    assert len(fake_slack.calls_to("assistant.threads.setSuggestedPrompts")) == 2


async def test_a_dm_is_answered_in_its_thread_with_a_status_and_streamed(
    slack: SignedClient, fake_slack: FakeSlack, corpus: Store
) -> None:
    ts = "1795505999.000700"
    await slack.event(dm("What deadline did the Commission set?", ts))
    await eventually(lambda: bool(fake_slack.calls_to("chat.stopStream")))
    [status] = fake_slack.calls_to("assistant.threads.setStatus")
    assert (status.params["channel_id"], status.params["thread_ts"]) == (DM, ts)
    [start] = fake_slack.calls_to("chat.startStream")
    assert start.params["thread_ts"] == ts
    appended = fake_slack.calls_to("chat.appendStream")
    [answer] = [m for m in fake_slack.posted(DM) if "streaming" in m]
    assert "December 15" in answer["text"]
    # Whole checked sentences, never tokens: every chunk ends a sentence.
    for call in [start, *appended]:
        assert call.params["markdown_text"].rstrip()[-1] in ".!?)", call.params
    stop = fake_slack.calls_to("chat.stopStream")[0].params
    assert stop["blocks"][-1]["type"] == "context_actions"  # thumbs up/down close it
    assert "*Sources*" in json.dumps(stop["blocks"])


async def test_without_streaming_the_answer_is_posted_whole_in_the_thread(
    slack: SignedClient, fake_slack: FakeSlack, corpus: Store
) -> None:
    fake_slack.streaming = False  # chat.startStream: unknown_method
    for n, question in enumerate(("What deadline did the Commission set?", "And the Union?")):
        ts = f"1795505999.00080{n}"
        await slack.event(dm(question, ts))
        await eventually(
            lambda ts=ts: any(
                c.params.get("thread_ts") == ts for c in fake_slack.calls_to("chat.postMessage")
            )
        )
    assert len(fake_slack.calls_to("chat.startStream")) == 1  # tried once, then remembered
    [first, _] = fake_slack.calls_to("chat.postMessage")
    assert first.params["thread_ts"] == "1795505999.000800"
    assert "December 15" in json.dumps(first.params["blocks"])
    assert first.params["blocks"][-1]["type"] == "context_actions"


def test_stream_chunks_are_sentences_with_linked_citations() -> None:
    chunks = stream_chunks(
        "The deadline is December 15 [1]. Talks resume <!channel> in March [2].",
        {1: "https://a.test/1"},
    )
    assert chunks == [
        "The deadline is December 15 [[1]](https://a.test/1). ",
        "Talks resume &lt;!channel&gt; in March [2]. ",
    ]


# ---------------------------------------------------------------------- feedback


def click(
    channel: str,
    ts: str,
    block_id: str,
    value: str,
    user: str = "U0ALICE",
    action_ts: str = "1795506000.1",
) -> dict[str, Any]:
    return {
        "type": "block_actions",
        "team": {"id": TEAM},
        "user": {"id": user, "team_id": TEAM},
        "channel": {"id": channel},
        "container": {"type": "message", "channel_id": channel, "message_ts": ts},
        "message": {"ts": ts},
        "actions": [
            {
                "type": "feedback_buttons",
                "action_id": "briefbot_feedback",
                "block_id": block_id,
                "value": value,
                "action_ts": action_ts,
            }
        ],
    }


async def test_feedback_on_a_briefing_is_stored_and_counted(
    app: Runtime, slack: SignedClient, fake_slack: FakeSlack, clock: Clock, corpus: Store
) -> None:
    clock.advance(minutes=31)
    [delivered] = await app.jobs.deliver()
    [post] = briefings(fake_slack, "C0STEEL")
    block = post["blocks"][-1]
    assert block["type"] == "context_actions"
    assert block["elements"][0]["type"] == "feedback_buttons"
    ts = str(delivered.message_ref)
    clicks = (("U0ALICE", "down"), ("U0ALICE", "up"), ("U0BOB", "down"))
    for n, (user, value) in enumerate(clicks, 1):
        made = click("C0STEEL", ts, block["block_id"], value, user, f"1795506000.{n}")
        response = await slack.interaction(made)
        assert response.status_code == 200
    counts = await corpus.feedback.counts()
    for _ in range(100):  # the clicks are stored after Slack's ack, in any order
        if [(c.kind, c.up, c.down) for c in counts] == [("briefing", 1, 1)]:
            break
        await asyncio.sleep(0.05)
        counts = await corpus.feedback.counts()
    assert [(c.kind, c.up, c.down) for c in counts] == [("briefing", 1, 1)]  # a changed mind
    vote = read_vote(click("C0STEEL", ts, block["block_id"], "up"), clock.now())
    assert vote is not None and "U0ALICE" not in vote.user_hash
    assert vote.ref.startswith("eu-us-steel/C0STEEL/")


async def test_feedback_can_be_turned_off(
    tmp_path: Path, fake_slack: FakeSlack, clock: Clock, corpus: Store
) -> None:
    clock.advance(minutes=31)
    settings = slack_settings(tmp_path, fake_slack, feedback=False)
    async with running(settings, slack_config(), now=clock.now, schedule=False) as app:
        await app.jobs.deliver()
    [post] = briefings(fake_slack, "C0STEEL")
    assert all(b["type"] != "context_actions" for b in post["blocks"])


async def test_a_replayed_today_public_posts_once(
    slack: SignedClient, fake_slack: FakeSlack, corpus: Store
) -> None:
    from urllib.parse import urlencode

    def form(trigger: str) -> str:
        return urlencode(
            {
                "team_id": TEAM,
                "channel_id": "C0STEEL",
                "user_id": "U0ALICE",
                "command": "/brief",
                "text": "today public",
                "response_url": fake_slack.response_url(trigger),
                "trigger_id": trigger,
            }
        )

    async def settled() -> int:
        await eventually(lambda: bool(fake_slack.calls_to("chat.postMessage")))
        await asyncio.sleep(0.5)
        return len(fake_slack.calls_to("chat.postMessage"))

    body, now = form("trigger.public"), int(time.time())
    await slack.post(body, "application/x-www-form-urlencoded", timestamp=now)
    await slack.post(body, "application/x-www-form-urlencoded", timestamp=now)  # the replay
    once = await settled()
    # A new request (another trigger) posts the briefing again: exactly as many messages as
    # the first, so the replay added none.
    await slack.post(form("trigger.again"), "application/x-www-form-urlencoded")
    await eventually(lambda: len(fake_slack.calls_to("chat.postMessage")) >= 2 * once)
    await asyncio.sleep(0.5)
    assert len(fake_slack.calls_to("chat.postMessage")) == 2 * once
