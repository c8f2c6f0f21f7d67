"""Every prompt the assistant view suggests works when clicked as it is: the prompts Slack was
given are sent back, word for word, as the user's messages through the real app, and each gets
a real reply (no error, no "Something went wrong", no refusal, no empty text)."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.chat import Intent
from bot.slack.listeners.assistant import (
    HOW_TO_SUMMARIZE,
    asks_how_to_summarize,
    assistant_intent,
)
from bot.store import Store
from testkit.slack_api import TEAM, FakeSlack
from tests.helpers.clock import eventually
from tests.helpers.slack import CHANNEL, SignedClient

DM = "D0ALICE"


def started(thread: str) -> dict[str, Any]:
    return {
        "type": "assistant_thread_started",
        "assistant_thread": {
            "user_id": "U0ALICE",
            "context": {"channel_id": CHANNEL, "team_id": TEAM},
            "channel_id": DM,
            "thread_ts": thread,
        },
        "event_ts": f"{thread}1",
    }


def message(text: str, thread: str, ts: str) -> dict[str, Any]:
    return {
        "type": "message",
        "channel": DM,
        "channel_type": "im",
        "user": "U0ALICE",
        "text": text,
        "ts": ts,
        "thread_ts": thread,
    }


def texts_in(value: Any) -> list[str]:
    """Every `text` a block holds (sections, contexts' elements, headers), however nested."""
    if isinstance(value, list):
        return [t for v in value for t in texts_in(v)]
    if not isinstance(value, dict):
        return []
    found = [t for v in value.values() for t in texts_in(v)]
    text = value.get("text")
    return [text, *found] if isinstance(text, str) else found


def replies(fake: FakeSlack, thread: str) -> list[dict[str, Any]]:
    return [
        c.params for c in fake.calls_to("chat.postMessage") if c.params.get("thread_ts") == thread
    ]


async def test_every_suggested_prompt_gets_a_real_reply(
    slack: SignedClient, fake_slack: FakeSlack, corpus: Store
) -> None:
    await slack.event(started("1795505999.000100"))
    await eventually(lambda: bool(fake_slack.calls_to("assistant.threads.setSuggestedPrompts")))
    [offered] = fake_slack.calls_to("assistant.threads.setSuggestedPrompts")
    prompts = offered.params["prompts"]
    assert len(prompts) >= 2
    threads = []
    for n, prompt in enumerate(prompts, start=2):
        thread = f"1795505999.{n:04d}00"
        threads.append((prompt["message"], thread))
        await slack.event(message(prompt["message"], thread, f"1795505999.{n:04d}01"))
        await eventually(lambda thread=thread: bool(replies(fake_slack, thread)))
    for said, thread in threads:
        for reply in replies(fake_slack, thread):
            shown = json.dumps(reply, ensure_ascii=False)
            assert reply["text"].strip(), said
            assert reply["blocks"], said
            assert all(t.strip() for t in texts_in(reply["blocks"])), (said, shown)
            assert ":warning:" not in shown, (said, shown)
            assert "Something went wrong" not in shown, (said, shown)
            assert "couldn't use that link" not in shown, (said, shown)
            assert "does not say" not in shown, (said, shown)  # a prompt that leads nowhere


async def test_a_summary_without_a_link_says_how_to_give_one(
    slack: SignedClient, fake_slack: FakeSlack, corpus: Store
) -> None:
    thread = "1795505999.009900"
    await slack.event(message("Summarize an article", thread, "1795505999.009901"))
    await eventually(lambda: bool(replies(fake_slack, thread)))
    [reply] = replies(fake_slack, thread)
    assert reply["text"] == HOW_TO_SUMMARIZE
    assert not fake_slack.calls_to("assistant.threads.setStatus")  # nothing to work on


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Summarize an article", True),
        ("summarise", True),
        ("  Summarize a link. ", True),
        ("summarize this page?", True),
        ("Summarize https://news.test/unions", False),
        ("summarize the talks so far", False),
        ("What did Whitcombe say?", False),
    ],
)
def test_asks_how_to_summarize(text: str, expected: bool) -> None:
    assert asks_how_to_summarize(text) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("What changed since yesterday?", Intent("today")),
        ("what's new", Intent("today")),
        ("What has changed today?", Intent("today")),
        ("What changed in the quota talks?", Intent("ask", "What changed in the quota talks?")),
        ("Today's briefing", Intent("today")),
        ("https://news.test/unions", Intent("summarize", "https://news.test/unions")),
    ],
)
def test_assistant_intent(text: str, expected: Intent) -> None:
    assert assistant_intent(text) == expected
