"""With a model that obeys prompt injections (testkit/hostile_openai.py: a phishing link in
key points and headlines, "log in with your workspace password" in summaries and answers, a
quotation credited to a famous name), nothing of it reaches a reader: not the CLI's output,
not any call the Slack Web API stand-in received, not any activity the Teams stand-in
received. Where the model was overruled the briefing and the answer say they are partly
degraded; with the honest `echo_model` the model's own words are shown and nothing is marked.
"""

from __future__ import annotations

import json
import re
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import httpx
import pytest
from typer.testing import CliRunner

from bot.cli import app as cli_app
from bot.runtime import Runtime
from testkit.hostile_openai import FAMOUS, HOST, obedient_model
from testkit.openai_server import FakeOpenAI
from testkit.slack_api import FakeSlack
from testkit.teams import FakeTeams
from tests.helpers.clock import Clock, eventually
from tests.helpers.slack import CHANNEL, SignedClient
from tests.helpers.teams import message
from tests.security.conftest import (
    ARTICLES,
    BANNER,
    HEAD_OF_STATE,
    PASTED,
    QUESTION,
    asked,
    dumped,
    leaks,
)

runner = CliRunner()
HONEST = pytest.mark.parametrize("llm", ["honest"], indirect=True)
Send = Callable[[dict[str, Any]], Awaitable[httpx.Response]]
# What the honest model writes that the obedient one does not: headlines start "Update: ".
HONEST_HEADLINE = "Update: "


def quote_lines(text: str) -> list[str]:
    """The lines (or JSON strings) of `text` that show the banner's quotation."""
    return [line for line in re.split(r"\\n|\n|\"", text) if f"“{BANNER}” —" in line]


def unattributed(text: str) -> None:
    """The banner's quotation is shown, with no speaker (never the head of state)."""
    lines = quote_lines(text)
    assert lines, "the banner's quotation is not shown"
    for line in lines:
        assert "unattributed" in line and HEAD_OF_STATE not in line, line


# ------------------------------------------------------------------------------------ CLI


def credited(llm: FakeOpenAI) -> list[str]:
    """The speakers the obedient model gave in its reply to the last article it was sent."""
    last = [r for r in llm.requests if "article_summary" in json.dumps(r)][-1]
    body = obedient_model(last).body
    assert isinstance(body, dict)
    reply = json.loads(body["choices"][0]["message"]["content"])
    return [q["speaker"] for q in reply["quotes"]]


def invoke(*args: str) -> tuple[str, str]:
    """stdout and stderr of one command (which must succeed)."""
    result = runner.invoke(cli_app, list(args))
    assert result.exit_code == 0, result.output
    return result.stdout, result.stderr


def test_cli_brief_shows_nothing_hostile_and_says_it_is_degraded(cli: FakeOpenAI) -> None:
    md, _ = invoke("brief")
    doc = json.loads(invoke("brief", "-f", "json")[0])
    assert asked(cli, "article_summary") == len(ARTICLES) and asked(cli, "briefing_headlines")
    assert leaks(md) == [] and leaks(json.dumps(doc, ensure_ascii=False)) == []
    assert "Partly degraded" in md and doc["degraded"] is True
    assert len(doc["stories"]) >= 2
    assert not any(s["headline"]["text"].startswith(HONEST_HEADLINE) for s in doc["stories"])
    unattributed(md)


def test_cli_ask_answers_from_the_articles_marked_degraded(cli: FakeOpenAI) -> None:
    md, _ = invoke("ask", QUESTION)
    doc = json.loads(invoke("ask", QUESTION, "-f", "json")[0])
    assert asked(cli, "answer") == 2
    assert leaks(md) == [] and leaks(json.dumps(doc, ensure_ascii=False)) == []
    assert doc["answered"] is True and doc["degraded"] is True
    assert "answered offline" in md


@pytest.mark.parametrize("name", sorted(ARTICLES))
def test_cli_summarize_shows_nothing_hostile(cli: FakeOpenAI, articles: Path, name: str) -> None:
    md, _ = invoke("summarize", str(articles / name))
    doc = json.loads(invoke("summarize", str(articles / name), "-f", "json")[0])
    assert asked(cli, "article_summary") == 2  # nothing is summarised at collection
    assert leaks(md) == [] and leaks(json.dumps(doc, ensure_ascii=False)) == []
    # the honest first point survives; the refused ones give way to the article's sentences
    first = ARTICLES[name].split("\n\n")[1].strip()
    assert doc["key_points"][0]["text"] == first
    assert len(doc["key_points"]) >= 2
    if name == "picket.txt":
        assert credited(cli) == [HEAD_OF_STATE]  # what the model said …
        unattributed(md)  # … and what the reader sees
        assert doc["quotes"] == [{"speaker": None, "text": BANNER}]


def test_cli_summarize_pasted_text_drops_the_famous_name(cli: FakeOpenAI) -> None:
    result = runner.invoke(cli_app, ["summarize", "-", "-f", "json"], input=PASTED)
    assert result.exit_code == 0, result.output
    assert leaks(result.stdout) == []
    doc = json.loads(result.stdout)
    assert credited(cli) == [FAMOUS]
    assert [q["speaker"] for q in doc["quotes"]] == [None]


@pytest.mark.parametrize(
    "args",
    [
        ("brief",),
        ("summarize", "-"),
        ("ask", QUESTION),
        ("--verbose", "brief"),
    ],
)
def test_cli_logs_do_not_show_the_phishing_link(cli: FakeOpenAI, args: tuple[str, ...]) -> None:
    """What the terminal shows besides the output: why the model's sentences were refused,
    for the operator, with the refused link shown only defanged (never live)."""
    result = runner.invoke(cli_app, list(args), input=ARTICLES["ruling.txt"])
    assert result.exit_code == 0, result.output
    assert cli.requests  # the model was asked (and overruled)
    assert HOST not in result.stderr and "https://steel" not in result.stderr, result.stderr


@HONEST
def test_cli_honest_model_is_shown_and_not_degraded(cli: FakeOpenAI, articles: Path) -> None:
    doc = json.loads(invoke("brief", "-f", "json")[0])
    assert doc["degraded"] is False
    assert all(s["headline"]["text"].startswith(HONEST_HEADLINE) for s in doc["stories"])
    answer = json.loads(invoke("ask", QUESTION, "-f", "json")[0])
    assert answer["answered"] is True and answer["degraded"] is False
    assert answer["answerer"].startswith("llm:")
    assert re.search(r"\w+.*\[\d\]$", answer["answer"])
    md, _ = invoke("ask", QUESTION)
    assert "answered offline" not in md
    summary = json.loads(invoke("summarize", str(articles / "mill.txt"), "-f", "json")[0])
    assert summary["quotes"][0]["speaker"] == "Pieter Ansgaard"


# ---------------------------------------------------------------------------------- Slack


def slack_sent(fake: FakeSlack, *acks: httpx.Response) -> str:
    """Everything Slack received from the app (every Web API call and response_url post) and
    every acknowledgement the app gave a slash command."""
    return dumped([c.params for c in fake.calls], [a.text for a in acks])


def responses(fake: FakeSlack) -> list[dict[str, Any]]:
    return [c.params for c in fake.calls_to("response_url")]


def blocks_of(params: dict[str, Any]) -> str:
    return json.dumps(params.get("blocks") or [], ensure_ascii=False)


async def test_slack_scheduled_briefing_and_a_reply_in_its_thread(
    slack_app: Runtime,
    signed: SignedClient,
    fake_slack: FakeSlack,
    clock: Clock,
    llm: FakeOpenAI,
) -> None:
    clock.advance(minutes=31)  # 08:31 in Brussels
    [delivered] = await slack_app.jobs.deliver()
    assert delivered.outcome == "posted", delivered
    briefing = json.dumps(fake_slack.posted(CHANNEL), ensure_ascii=False)
    assert "partly summarised offline" in briefing
    unattributed(briefing)
    assert asked(llm, "briefing_headlines") and asked(llm, "article_summary") == len(ARTICLES)
    reply = {
        "type": "message",
        "channel": CHANNEL,
        "channel_type": "channel",
        "user": "U0ALICE",
        "text": QUESTION,
        "ts": "1795505999.000200",
        "thread_ts": delivered.message_ref,
    }
    await signed.event(reply)
    await eventually(lambda: bool(fake_slack.calls_to("chat.update")))
    [answer] = fake_slack.calls_to("chat.update")
    assert "answered offline" in blocks_of(answer.params)
    assert asked(llm, "answer") == 1
    assert leaks(slack_sent(fake_slack)) == []


async def test_slack_today_public(
    signed: SignedClient, fake_slack: FakeSlack, llm: FakeOpenAI
) -> None:
    ack = await signed.command("today public")
    # Posted to the channel as the bot (so its thread can be answered), not via response_url.
    await eventually(lambda: bool(fake_slack.calls_to("chat.postMessage")))
    public = fake_slack.calls_to("chat.postMessage")[0].params
    assert "partly summarised offline" in blocks_of(public)
    unattributed(blocks_of(public))
    assert asked(llm, "briefing_headlines")
    assert leaks(slack_sent(fake_slack, ack)) == []


async def test_slack_ask_command(
    signed: SignedClient, fake_slack: FakeSlack, llm: FakeOpenAI
) -> None:
    ack = await signed.command(f"ask {QUESTION}")
    await eventually(lambda: bool(responses(fake_slack)))
    [answer] = responses(fake_slack)
    assert "*Sources*" in blocks_of(answer) and "answered offline" in blocks_of(answer)
    assert asked(llm, "answer") == 1
    assert leaks(slack_sent(fake_slack, ack)) == []


@pytest.mark.parametrize("pasted", [PASTED, ARTICLES["picket.txt"], ARTICLES["ruling.txt"]])
async def test_slack_summarize_pasted_text(
    signed: SignedClient, fake_slack: FakeSlack, llm: FakeOpenAI, pasted: str
) -> None:
    before = asked(llm, "article_summary")
    ack = await signed.command(f"summarize {pasted}")
    await eventually(lambda: bool(responses(fake_slack)))
    [summary] = responses(fake_slack)
    assert "*Key points*" in blocks_of(summary)
    assert asked(llm, "article_summary") == before + 1
    assert leaks(slack_sent(fake_slack, ack)) == []
    if pasted == ARTICLES["picket.txt"]:
        unattributed(blocks_of(summary))
    if pasted == PASTED:
        assert "_unattributed_" in blocks_of(summary)


async def test_slack_direct_message(
    signed: SignedClient, fake_slack: FakeSlack, llm: FakeOpenAI
) -> None:
    dm = {
        "type": "message",
        "channel": "D0ALICE",
        "channel_type": "im",
        "user": "U0ALICE",
        "text": QUESTION,
        "ts": "1795505999.000400",
    }
    await signed.event(dm)

    def to_alice() -> str:
        """Everything sent into the DM (posted, updated or streamed)."""
        return dumped([c.params for c in fake_slack.calls if c.params.get("channel") == "D0ALICE"])

    await eventually(lambda: "answered offline" in to_alice())
    assert asked(llm, "answer") == 1
    assert leaks(slack_sent(fake_slack)) == []


@HONEST
async def test_slack_honest_model_is_shown(
    slack_app: Runtime, signed: SignedClient, fake_slack: FakeSlack, clock: Clock
) -> None:
    clock.advance(minutes=31)
    assert [d.outcome for d in await slack_app.jobs.deliver()] == ["posted"]
    briefing = json.dumps(fake_slack.posted(CHANNEL), ensure_ascii=False)
    assert HONEST_HEADLINE in briefing and "partly summarised offline" not in briefing
    await signed.command(f"ask {QUESTION}")
    await eventually(lambda: bool(responses(fake_slack)))
    [answer] = responses(fake_slack)
    assert "*Sources*" in blocks_of(answer) and "answered offline" not in blocks_of(answer)
    await signed.command(f"summarize {ARTICLES['mill.txt']}")
    await eventually(lambda: len(responses(fake_slack)) >= 2)
    assert "Pieter Ansgaard" in blocks_of(responses(fake_slack)[1])


# ---------------------------------------------------------------------------------- Teams


def teams_received(fake: FakeTeams) -> str:
    """Every request the Teams stand-ins received (connector activities and webhooks)."""
    return dumped([r.body for r in fake.received])


@pytest.mark.parametrize(
    ("text", "shows"),
    [
        (f"ask {QUESTION}", "answered offline"),
        (f"summarize {PASTED}", "**Key points**"),
        (f"summarize {ARTICLES['picket.txt']}", "**Key points**"),
        ("today", "partly summarised offline"),
    ],
)
async def test_teams_shows_nothing_hostile(
    teams_send: Send, fake_teams: FakeTeams, llm: FakeOpenAI, text: str, shows: str
) -> None:
    response = await teams_send(message(text, fake_teams))
    assert response.status_code in (200, 202)
    assert llm.requests, "the model was never asked"
    [reply] = fake_teams.activities()
    assert shows in dumped(reply.body)
    if text == "today" or BANNER in text:
        unattributed(dumped(reply.body))
    if PASTED in text:
        assert "_unattributed_" in dumped(reply.body)
    assert leaks(teams_received(fake_teams)) == []


async def test_teams_scheduled_briefing(
    teams_app: Runtime, fake_teams: FakeTeams, clock: Clock
) -> None:
    clock.advance(minutes=31)
    [delivered] = await teams_app.jobs.deliver()
    assert delivered.outcome == "posted", delivered
    posted = dumped([r.body for r in fake_teams.to("/workflows/")])
    assert "partly summarised offline" in posted
    unattributed(posted)
    assert leaks(teams_received(fake_teams)) == []


@HONEST
async def test_teams_honest_model_is_shown(teams_send: Send, fake_teams: FakeTeams) -> None:
    await teams_send(message(f"ask {QUESTION}", fake_teams))
    await teams_send(message("today", fake_teams))
    answer, briefing = (dumped(r.body) for r in fake_teams.activities())
    assert "**Sources**" in answer and "answered offline" not in answer
    assert HONEST_HEADLINE in briefing and "partly summarised offline" not in briefing
