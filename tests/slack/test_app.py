"""The Slack app over real HTTP: signed requests in, Web API calls out (to the stand-in)."""

from __future__ import annotations

import asyncio
import json
import re
import time
from pathlib import Path
from typing import Any

import pytest

from bot.runtime import Runtime, running
from bot.store import Store
from testkit.slack_api import BOT_USER, TEAM, FakeSlack
from testkit.web import WebServer
from tests.helpers.clock import Clock, eventually
from tests.helpers.slack import CHANNEL, SignedClient, slack_config, slack_settings

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


async def test_health(app: Runtime, slack: SignedClient) -> None:
    response = await slack.http.get(f"{app.url}/healthz")
    assert response.status_code == 200
    assert response.json()["status"] == "ok"
    assert response.json()["mode"] == "http"


async def test_help_is_the_ack_itself(slack: SignedClient, fake_slack: FakeSlack) -> None:
    response = await slack.command("")
    assert response.status_code == 200
    body = response.json()
    assert body["response_type"] == "ephemeral"
    assert "/brief today" in body["blocks"][0]["text"]["text"]


async def test_bad_signature_is_refused_with_no_side_effect(
    slack: SignedClient, fake_slack: FakeSlack
) -> None:
    response = await slack.command("sources", signature="v0=" + "0" * 64)
    assert response.status_code == 401
    stale = await slack.command("sources", timestamp=int(time.time()) - 10 * 60)
    assert stale.status_code == 401
    assert fake_slack.calls == []


async def test_sources_answer_through_the_response_url(
    slack: SignedClient, fake_slack: FakeSlack
) -> None:
    response = await slack.command("sources")
    assert response.status_code == 200
    await eventually(lambda: bool(fake_slack.calls_to("response_url")))
    call = fake_slack.calls_to("response_url")[0]
    assert call.params["response_type"] == "ephemeral"
    assert "feeds.test" in str(call.params["blocks"])


def responses(fake: FakeSlack) -> list[dict[str, Any]]:
    return [c.params for c in fake.calls_to("response_url")]


def shown(params: dict[str, Any]) -> str:
    return json.dumps(params.get("blocks") or [], ensure_ascii=False)


async def test_ask_acks_at_once_then_answers_with_citations(
    slack: SignedClient, fake_slack: FakeSlack, corpus: Store
) -> None:
    response = await slack.command("ask What did Whitcombe say about overcapacity?")
    assert response.status_code == 200
    assert response.json()["response_type"] == "ephemeral"
    assert "Looking through the coverage" in response.json()["text"]
    await eventually(lambda: bool(responses(fake_slack)))
    [answer] = responses(fake_slack)
    assert answer["replace_original"] is True
    assert "overcapacity" in shown(answer)
    assert "*Sources*" in shown(answer)
    assert re.search(r"<https://[^|>]+\|\[\d+\]>", shown(answer))  # citations link to sources


async def test_ask_outside_the_coverage_says_so(
    slack: SignedClient, fake_slack: FakeSlack, corpus: Store
) -> None:
    await slack.command("ask who won the football cup final?")
    await eventually(lambda: bool(responses(fake_slack)))
    assert "does not say" in shown(responses(fake_slack)[0])


async def test_a_pasted_link_never_uses_the_allow_list(
    slack: SignedClient, fake_slack: FakeSlack
) -> None:
    # BRIEFBOT_ALLOW_HOSTS=127.0.0.1 here (the sources' allow-list): a user's link is still
    # checked, so anyone in Slack cannot reach a port or path on an allowed host.
    page = (FIXTURES / "pages" / "unions.html").read_bytes()
    with WebServer() as web:
        web.add("/unions", page)
        await slack.command(f"summarize {web.url('/unions')}")
        await eventually(lambda: bool(responses(fake_slack)))
    [reply] = responses(fake_slack)
    assert ":warning: I couldn't use that link: refused: 127.0.0.1 resolves to a loopback" in (
        shown(reply)
    )
    assert web.requests == []


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://xn--a/", "refused: not a valid URL (bad host name)"),
        ("http:\\\\127.0.0.2/", "refused: not a valid URL (it contains backslashes)"),
    ],
)
async def test_an_invalid_link_gets_a_short_specific_message(
    slack: SignedClient, fake_slack: FakeSlack, url: str, reason: str
) -> None:
    await slack.command(f"summarize {url}")
    await eventually(lambda: bool(responses(fake_slack)))
    text = shown(responses(fake_slack)[0])
    assert f":warning: I couldn't use that link: {reason}." in text
    assert "Something went wrong" not in text


@pytest.mark.parametrize(
    "url",
    ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.7/admin", "file:///etc/passwd"],
)
async def test_summarize_never_reaches_private_addresses(
    tmp_path: Path, fake_slack: FakeSlack, clock: Clock, store: Store, url: str
) -> None:
    settings = slack_settings(tmp_path, fake_slack, allow_hosts=())
    async with running(settings, slack_config(), now=clock.now, schedule=False) as app:
        client = SignedClient(app.url, fake_slack)
        await client.command(f"summarize {url}")
        await eventually(lambda: bool(responses(fake_slack)))
        await client.close()
    text = shown(responses(fake_slack)[0])
    assert ":warning: I couldn't use that link" in text
    assert "Traceback" not in text


async def test_summarize_text_is_never_read_as_a_file(
    slack: SignedClient, fake_slack: FakeSlack
) -> None:
    await slack.command("summarize /etc/passwd")
    await eventually(lambda: bool(responses(fake_slack)))
    assert "root:" not in shown(responses(fake_slack)[0])


async def test_today_is_private_unless_public(
    slack: SignedClient, fake_slack: FakeSlack, corpus: Store
) -> None:
    await slack.command("today")
    await eventually(lambda: bool(responses(fake_slack)))
    private = responses(fake_slack)[0]
    assert private["response_type"] == "ephemeral"
    assert '"header"' in shown(private)
    await slack.command("today public")
    await eventually(lambda: len(responses(fake_slack)) >= 2)
    # Posted as the bot's own message (so its thread is answered); the "working…" note goes.
    [public] = fake_slack.calls_to("chat.postMessage")
    assert '"header"' in json.dumps(public.params["blocks"])
    assert responses(fake_slack)[1]["delete_original"] is True


async def test_today_is_shown_in_the_channels_time_zone(
    slack: SignedClient, fake_slack: FakeSlack, corpus: Store
) -> None:
    # 07:00 UTC on the 24th: 23:00 on the 23rd in Los Angeles
    await slack.command("subscribe eu-us-steel 07:15 America/Los_Angeles", channel="C0WEST")
    await eventually(lambda: bool(responses(fake_slack)))
    await slack.command("today", channel="C0WEST")
    await eventually(lambda: len(responses(fake_slack)) >= 2)
    west = shown(responses(fake_slack)[1])
    assert "EU–US steel — 23 Nov 2026" in west and "23 Nov 23:00 PST" in west
    assert "UTC" not in west and "CET" not in west
    # A channel that is not subscribed sees the topic's zone (its first channel's: Brussels).
    await slack.command("today", channel="C0ELSEWHERE")
    await eventually(lambda: len(responses(fake_slack)) >= 3)
    elsewhere = shown(responses(fake_slack)[2])
    assert "EU–US steel — 24 Nov 2026" in elsewhere and "24 Nov 08:00 CET" in elsewhere


async def test_subscribe_and_unsubscribe_this_channel(
    app: Runtime, slack: SignedClient, fake_slack: FakeSlack, store: Store
) -> None:
    await slack.command("subscribe eu-us-steel 07:15 America/New_York", channel="C0OTHER")
    await eventually(lambda: bool(responses(fake_slack)))
    assert "07:15 (America/New_York)" in shown(responses(fake_slack)[0])
    subs = await store.deliveries.subscriptions()
    assert [(s.channel, s.at, s.timezone) for s in subs] == [
        ("C0OTHER", "07:15", "America/New_York")
    ]
    await slack.command("unsubscribe", channel="C0OTHER")
    await eventually(lambda: len(responses(fake_slack)) >= 2)
    assert "No more" in shown(responses(fake_slack)[1])
    assert await store.deliveries.subscriptions() == []
    # The channel in briefbot.toml is not removed from chat, and the user is told where it is.
    await slack.command("unsubscribe")
    await eventually(lambda: len(responses(fake_slack)) >= 3)
    assert "briefbot.toml" in shown(responses(fake_slack)[2])


async def test_unknown_topic_and_verbs_get_a_clear_message(
    slack: SignedClient, fake_slack: FakeSlack
) -> None:
    await slack.command("subscribe no-such-topic")
    await eventually(lambda: bool(responses(fake_slack)))
    assert "There is no topic called `no-such-topic`" in shown(responses(fake_slack)[0])
    help_ = (await slack.command("frobnicate <!channel>")).json()
    text = json.dumps(help_["blocks"])
    assert "I don't know" in text
    assert "<!channel>" not in text


# ---------------------------------------------------------------------- events


def mention(text: str, ts: str = "1795500000.000100", **extra: Any) -> dict[str, Any]:
    return {
        "type": "app_mention",
        "user": "U0ALICE",
        "text": f"<@{BOT_USER}> {text}",
        "ts": ts,
        "channel": CHANNEL,
        "event_ts": ts,
        **extra,
    }


async def test_a_mention_gets_working_then_the_answer_in_its_thread(
    slack: SignedClient, fake_slack: FakeSlack, corpus: Store
) -> None:
    response = await slack.event(mention("What deadline did the Commission set?"))
    assert response.status_code == 200
    await eventually(lambda: bool(fake_slack.calls_to("chat.update")))
    [working] = fake_slack.calls_to("chat.postMessage")
    assert working.params["thread_ts"] == "1795500000.000100"
    assert "Looking through" in working.params["text"]
    [update] = fake_slack.calls_to("chat.update")
    assert "December 15" in json.dumps(update.params["blocks"])


async def test_three_deliveries_of_one_event_answer_once(
    slack: SignedClient, fake_slack: FakeSlack, corpus: Store
) -> None:
    event = mention("What deadline did the Commission set?")
    for retry in (None, 1, 2):
        response = await slack.event(event, event_id="Ev0SAME", retry=retry)
        assert response.status_code == 200
    await eventually(lambda: bool(fake_slack.calls_to("chat.update")))
    await asyncio.sleep(0.3)  # room for a wrong second answer to show up
    assert len(fake_slack.calls_to("chat.postMessage")) == 1
    assert len(fake_slack.calls_to("chat.update")) == 1


@pytest.mark.parametrize(
    "event",
    [
        {"subtype": "message_changed", "message": {"text": "edited"}},
        {"subtype": "message_deleted", "previous_message": {"text": "gone"}},
        {"subtype": "bot_message", "bot_id": "B0OTHER", "text": "a bot"},
        {"bot_id": "BBOT", "user": BOT_USER, "text": "our own"},
        {"subtype": "channel_join", "user": "U0ALICE", "text": "joined"},
    ],
)
async def test_edits_deletions_and_bots_are_ignored(
    slack: SignedClient, fake_slack: FakeSlack, event: dict[str, Any]
) -> None:
    base = {"type": "message", "channel": "D0ALICE", "channel_type": "im", "ts": "1.2"}
    response = await slack.event({**base, **event})
    assert response.status_code == 200
    await asyncio.sleep(0.3)
    assert [c.method for c in fake_slack.calls if c.method != "auth.test"] == []


async def test_replies_in_a_briefings_thread_are_answered_there(
    app: Runtime,
    slack: SignedClient,
    fake_slack: FakeSlack,
    clock: Clock,
    corpus: Store,
) -> None:
    clock.advance(minutes=31)
    [delivered] = await app.jobs.deliver()
    thread = delivered.message_ref
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
    # A follow-up in the same thread is the same conversation.
    assert await corpus.chat.turns(f"slack:{CHANNEL}:{thread}", last=10)


async def test_other_threads_are_left_alone(slack: SignedClient, fake_slack: FakeSlack) -> None:
    reply = {
        "type": "message",
        "channel": CHANNEL,
        "channel_type": "channel",
        "user": "U0ALICE",
        "text": "lunch?",
        "ts": "1795505999.000300",
        "thread_ts": "1795505000.000100",
    }
    await slack.event(reply)
    await asyncio.sleep(0.3)
    assert fake_slack.calls_to("chat.postMessage") == []


async def test_a_dm_with_a_link_is_answered_in_the_dm(
    slack: SignedClient, fake_slack: FakeSlack
) -> None:
    # The link is on 127.0.0.1: users' links are always checked (the allow-list is for
    # sources), so the answer is the refusal, posted where the DM is.
    page = (FIXTURES / "pages" / "unions.html").read_bytes()
    with WebServer() as web:
        web.add("/unions", page)
        dm = {
            "type": "message",
            "channel": "D0ALICE",
            "channel_type": "im",
            "user": "U0ALICE",
            "text": f"<{web.url('/unions')}>",
            "ts": "1795505999.000400",
        }
        await slack.event(dm)
        await eventually(lambda: bool(fake_slack.calls_to("chat.update")))
    [update] = fake_slack.calls_to("chat.update")
    assert update.params["channel"] == "D0ALICE"
    assert "I couldn't use that link" in json.dumps(update.params["blocks"])
    assert web.requests == []


async def test_message_shortcut_takes_the_message_link(
    slack: SignedClient, fake_slack: FakeSlack
) -> None:
    # The shortcut reads the link out of the message and checks it as a user's link.
    page = (FIXTURES / "pages" / "unions.html").read_bytes()
    with WebServer() as web:
        web.add("/unions", page)
        payload = {
            "type": "message_action",
            "callback_id": "summarize_article",
            "trigger_id": "t.1",
            "team": {"id": TEAM, "domain": "briefbot-test"},
            "user": {"id": "U0ALICE", "name": "alice"},
            "channel": {"id": CHANNEL, "name": "steel"},
            "message_ts": "1795505999.000500",
            "message": {
                "type": "message",
                "user": "U0BOB",
                "ts": "1795505999.000500",
                "text": f"have you seen <{web.url('/unions')}|this>?",
            },
            "response_url": fake_slack.response_url("shortcut"),
        }
        response = await slack.interaction(payload)
        assert response.status_code == 200
        await eventually(lambda: bool(responses(fake_slack)))
    [reply] = responses(fake_slack)
    assert reply["response_type"] == "ephemeral"
    assert "I couldn't use that link: refused: 127.0.0.1 resolves to a loopback" in shown(reply)
    assert web.requests == []


async def test_assistant_thread_prompts_status_and_answer(
    slack: SignedClient, fake_slack: FakeSlack, corpus: Store
) -> None:
    started = {
        "type": "assistant_thread_started",
        "assistant_thread": {
            "user_id": "U0ALICE",
            "context": {"channel_id": CHANNEL, "team_id": TEAM},
            "channel_id": "D0ALICE",
            "thread_ts": "1795505999.000600",
        },
        "event_ts": "1795505999.000601",
    }
    await slack.event(started)
    await eventually(lambda: bool(fake_slack.calls_to("assistant.threads.setSuggestedPrompts")))
    [prompts] = fake_slack.calls_to("assistant.threads.setSuggestedPrompts")
    titles = [p["title"] for p in prompts.params["prompts"]]
    assert "Today's briefing" in titles and "What changed since yesterday?" in titles
    question = {
        "type": "message",
        "channel": "D0ALICE",
        "channel_type": "im",
        "user": "U0ALICE",
        "text": "What deadline did the Commission set?",
        "ts": "1795505999.000700",
        "thread_ts": "1795505999.000600",
    }
    await slack.event(question)
    await eventually(lambda: bool(fake_slack.calls_to("chat.stopStream")))
    assert fake_slack.calls_to("assistant.threads.setStatus")
    [start] = fake_slack.calls_to("chat.startStream")  # the answer streams into the thread
    assert start.params["thread_ts"] == "1795505999.000600"
    [answer] = [m for m in fake_slack.posted("D0ALICE") if "streaming" in m]
    assert "December 15" in answer["text"]


async def test_hostile_text_in_a_question_stays_inert(
    slack: SignedClient, fake_slack: FakeSlack, corpus: Store
) -> None:
    await slack.event(
        mention("<!channel> <!here> <@U123> <https://evil.example|https://good.example> steel?")
    )
    await eventually(lambda: bool(fake_slack.calls_to("chat.update")))
    sent = json.dumps([c.params for c in fake_slack.calls if c.method.startswith("chat.")])
    for bad in ("<!channel>", "<!here>", "<@U123>", "|https://good.example>"):
        assert bad not in sent
