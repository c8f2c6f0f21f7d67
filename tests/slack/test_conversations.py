"""Every briefing message is a conversation, and subscriptions mean what they say: over real
signed HTTP, asserting on what reached Slack (the Web API stand-in and response URLs)."""

from __future__ import annotations

import json
from typing import Any

from bot.runtime import Runtime
from bot.store import Store
from testkit.slack_api import FakeSlack
from tests.helpers.clock import Clock, eventually
from tests.helpers.slack import CHANNEL, SignedClient


def responses(fake: FakeSlack) -> list[dict[str, Any]]:
    return [c.params for c in fake.calls_to("response_url")]


def shown(params: dict[str, Any]) -> str:
    return json.dumps(params.get("blocks") or [], ensure_ascii=False)


async def command(slack: SignedClient, fake: FakeSlack, text: str, **kw: Any) -> str:
    """Send `/brief text` and return what its (last) response shows."""
    before = len(responses(fake))
    await slack.command(text, **kw)
    await eventually(lambda: len(responses(fake)) > before)
    return shown(responses(fake)[-1])


async def test_an_ephemeral_briefing_does_not_promise_a_thread(
    slack: SignedClient, fake_slack: FakeSlack, corpus: Store
) -> None:
    text = await command(slack, fake_slack, "today")
    assert '"header"' in text
    assert "Reply in this thread" not in text
    assert "/brief ask" in text


async def test_a_public_briefings_thread_is_answered_there(
    slack: SignedClient, fake_slack: FakeSlack, corpus: Store
) -> None:
    await slack.command("today public")
    await eventually(lambda: any(r.get("delete_original") for r in responses(fake_slack)))
    [post] = fake_slack.calls_to("chat.postMessage")
    assert post.params["channel"] == CHANNEL and not post.params.get("thread_ts")
    assert "Reply in this thread" in json.dumps(post.params["blocks"])
    [posted] = fake_slack.posted(CHANNEL)
    thread = posted["ts"]
    reply = {
        "type": "message",
        "channel": CHANNEL,
        "channel_type": "channel",
        "user": "U0ALICE",
        "text": "What did Whitcombe say about overcapacity?",
        "ts": "1795505999.000200",
        "thread_ts": thread,
    }
    await slack.event(reply)
    await eventually(lambda: bool(fake_slack.calls_to("chat.update")))
    working = fake_slack.calls_to("chat.postMessage")[-1]
    assert working.params["thread_ts"] == thread
    assert "overcapacity" in json.dumps(fake_slack.calls_to("chat.update")[0].params["blocks"])
    assert await corpus.chat.turns(f"slack:{CHANNEL}:{thread}", last=10)


async def test_unsubscribe_mutes_the_files_schedule_and_subscribe_resumes_it(
    app: Runtime, slack: SignedClient, fake_slack: FakeSlack, clock: Clock, corpus: Store
) -> None:
    said = await command(slack, fake_slack, "unsubscribe")
    assert "No more *eu-us-steel* briefings here" in said
    assert "briefbot.toml" in said and "muted" in said
    assert await corpus.deliveries.muted() == {("eu-us-steel", "slack", CHANNEL)}
    sources = await command(slack, fake_slack, "sources")
    assert f"<#{CHANNEL}> at 08:30 (Europe/Brussels) — set in briefbot.toml, muted" in sources
    clock.advance(minutes=31)  # the file's 08:30 has come
    assert await app.jobs.deliver() == []
    assert fake_slack.calls_to("chat.postMessage") == []

    said = await command(slack, fake_slack, "subscribe")
    assert "gets the *eu-us-steel* briefing again, every day at 08:30 (Europe/Brussels)" in said
    assert await corpus.deliveries.muted() == set()
    assert await corpus.deliveries.subscriptions() == []  # the file's schedule, as it was
    [delivered] = await app.jobs.deliver()
    assert delivered.outcome == "posted" and delivered.subscription.channel == CHANNEL
    assert "set in briefbot.toml" in await command(slack, fake_slack, "sources")


async def test_subscribe_reads_times_and_zones(
    slack: SignedClient, fake_slack: FakeSlack, store: Store
) -> None:
    said = await command(slack, fake_slack, "subscribe 7am", channel="C0OTHER")
    assert "will get the *eu-us-steel* briefing every day at 07:00 (Europe/Brussels)" in said
    said = await command(slack, fake_slack, "subscribe 7:30pm america/new_york", channel="C0OTHER")
    assert "now gets the *eu-us-steel* briefing every day at 19:30 (America/New_York)" in said
    subs = await store.deliveries.subscriptions()
    assert [(s.channel, s.at, s.timezone) for s in subs] == [
        ("C0OTHER", "19:30", "America/New_York")
    ]
    assert "subscribed from chat" in await command(slack, fake_slack, "sources")
    bad = (await slack.command("subscribe 25:00", channel="C0OTHER")).json()
    assert "`25:00` is not a time; try `7am`, `07:00` or `7:30pm`." in json.dumps(bad["blocks"])
    bad = (await slack.command("subscribe 7am Mars/Olympus", channel="C0OTHER")).json()
    assert "`Mars/Olympus` is not a time zone" in json.dumps(bad["blocks"])
    said = await command(slack, fake_slack, "unsubscribe", channel="C0OTHER")
    assert "No more *eu-us-steel* briefings here." in said and "muted" not in said
    said = await command(slack, fake_slack, "unsubscribe", channel="C0OTHER")
    assert "This channel is not subscribed to any briefing." in said
