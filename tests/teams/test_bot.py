"""The Teams bot over HTTP: activities POSTed to /api/messages, replies captured by the local
Bot Connector stand-in at the activity's serviceUrl."""

from __future__ import annotations

import asyncio
import json
import threading
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.chat import Intent, read_intent
from bot.config import check_settings
from bot.errors import ConfigError
from bot.runtime import Runtime, running
from bot.store import Store
from bot.teams.bot import message_text
from testkit.openai_server import Answer, FakeOpenAI, status
from testkit.slack_api import FakeSlack
from testkit.teams import FakeTeams
from testkit.web import WebServer
from tests.helpers.clock import Clock
from tests.helpers.slack import SECRET, SignedClient
from tests.helpers.teams import (
    CHANNEL_CONVERSATION,
    installed,
    message,
    teams_config,
    teams_settings,
)

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"


async def send(http: httpx.AsyncClient, app: Runtime, activity: dict[str, Any]) -> httpx.Response:
    """POST an activity, then wait for its answer (sent after the request) to go out."""
    response = await http.post(f"{app.url}/api/messages", json=activity)
    assert app.teams is not None
    await app.teams.drain()
    return response


def cards(fake: FakeTeams) -> list[dict[str, Any]]:
    out = []
    for received in fake.activities():
        for a in received.body.get("attachments") or []:
            assert a["contentType"] == "application/vnd.microsoft.card.adaptive"
            out.append(a["content"])
    return out


def shown(fake: FakeTeams) -> str:
    return json.dumps(cards(fake), ensure_ascii=False)


def deadline_question_in_a_channel(fake: FakeTeams) -> dict[str, Any]:
    """An @mention in a channel's reply chain, asking what the corpus answers."""
    return message(
        "What deadline did the Commission set?",
        fake,
        conversation=f"{CHANNEL_CONVERSATION};messageid=1732430000001",
        conversation_type="channel",
        mention=True,
    )


async def test_ask_in_a_personal_chat_answers_with_citations(
    app: Runtime, http: httpx.AsyncClient, fake_teams: FakeTeams, corpus: Store
) -> None:
    response = await send(
        http, app, message("ask What deadline did the Commission set?", fake_teams)
    )
    assert response.status_code in (200, 202)
    [reply] = fake_teams.activities()
    assert reply.path.startswith("/v3/conversations/a:1on1-alice/activities/")
    assert reply.body["replyToId"]
    assert "December 15" in shown(fake_teams)
    assert "**Sources**" in shown(fake_teams)
    assert "](https://" in shown(fake_teams)  # citations link to their articles


async def test_a_plain_question_and_its_follow_up_share_the_conversation(
    app: Runtime, http: httpx.AsyncClient, fake_teams: FakeTeams, corpus: Store
) -> None:
    await send(http, app, message("What did Whitcombe say about overcapacity?", fake_teams))
    await send(http, app, message("and what did he say after that?", fake_teams))
    turns = await corpus.chat.turns("teams:a:1on1-alice", last=10)
    assert [t.role for t in turns] == ["user", "assistant", "user", "assistant"]
    assert len(cards(fake_teams)) == 2


async def test_mention_in_a_channel_answers_in_the_reply_chain(
    app: Runtime, http: httpx.AsyncClient, fake_teams: FakeTeams, corpus: Store
) -> None:
    activity = deadline_question_in_a_channel(fake_teams)
    chain = activity["conversation"]["id"]
    await send(http, app, activity)
    [reply] = fake_teams.activities()
    assert f"/v3/conversations/{chain}/activities/" in reply.path
    assert "December 15" in shown(fake_teams)
    assert await corpus.chat.turns(f"teams:{chain}", last=4)
    # The channel itself is remembered for scheduled briefings.
    assert await corpus.chat.reference("teams", CHANNEL_CONVERSATION) is not None


async def test_a_slow_answer_is_sent_after_the_request_as_a_reply(
    tmp_path: Path,
    fake_teams: FakeTeams,
    clock: Clock,
    corpus: Store,
    http: httpx.AsyncClient,
) -> None:
    thinking, release = threading.Event(), threading.Event()

    def slow_model(_request: dict[str, Any]) -> Answer:
        thinking.set()
        release.wait(30)
        return status(500)  # and then it fails: the offline answer, marked degraded

    with FakeOpenAI() as llm:
        llm.script(slow_model)
        settings = teams_settings(
            tmp_path, fake_teams, llm_base_url=llm.base_url, llm_api_key="k", llm_max_retries=0
        )
        async with running(settings, teams_config(), now=clock.now, schedule=False) as app:
            assert app.teams is not None
            activity = deadline_question_in_a_channel(fake_teams)
            chain = activity["conversation"]["id"]
            response = await http.post(f"{app.url}/api/messages", json=activity)
            assert response.status_code in (200, 202)
            assert await asyncio.to_thread(thinking.wait, 30)
            # Teams has its answer to the request while the model is still thinking.
            assert fake_teams.activities() == []
            [typing] = fake_teams.activities("typing")
            assert typing.path.startswith(f"/v3/conversations/{chain}/activities")
            release.set()
            await app.teams.drain()
    [reply] = fake_teams.activities()
    assert reply.path == f"/v3/conversations/{chain}/activities/{activity['id']}"
    assert reply.body["replyToId"] == activity["id"]
    assert "December 15" in shown(fake_teams)


async def test_a_link_never_uses_the_allow_list(
    app: Runtime, http: httpx.AsyncClient, fake_teams: FakeTeams
) -> None:
    # The app's BRIEFBOT_ALLOW_HOSTS=127.0.0.1 is for its sources, not for users' links.
    page = (FIXTURES / "pages" / "unions.html").read_bytes()
    with WebServer() as web:
        web.add("/unions", page)
        await send(http, app, message(f"summarize {web.url('/unions')}", fake_teams))
        await send(http, app, message("summarize http://xn--a/", fake_teams))
    assert "I couldn't use that link" in shown(fake_teams)
    assert "127.0.0.1 resolves to a loopback address" in shown(fake_teams)
    assert "not a valid URL (bad host name)" in shown(fake_teams)
    assert web.requests == []


async def test_summarize_refuses_private_addresses(
    tmp_path: Path,
    fake_teams: FakeTeams,
    clock: Clock,
    store: Store,
    http: httpx.AsyncClient,
) -> None:
    settings = teams_settings(tmp_path, fake_teams, allow_hosts=())
    async with running(settings, teams_config(), now=clock.now, schedule=False) as app:
        await send(http, app, message("summarize http://169.254.169.254/latest/", fake_teams))
    assert "I couldn't use that link" in shown(fake_teams)
    assert "Traceback" not in shown(fake_teams)


async def test_today_and_help(
    app: Runtime, http: httpx.AsyncClient, fake_teams: FakeTeams, corpus: Store
) -> None:
    await send(http, app, message("today", fake_teams))
    first = cards(fake_teams)[0]
    assert first["version"] == "1.5"
    assert "EU–US steel" in first["body"][0]["text"]
    await send(http, app, message("help", fake_teams))
    assert "**summarize**" in json.dumps(cards(fake_teams)[-1])


async def test_installing_the_bot_welcomes_and_remembers_the_channel(
    app: Runtime, http: httpx.AsyncClient, fake_teams: FakeTeams, store: Store
) -> None:
    response = await send(http, app, installed(fake_teams))
    assert response.status_code in (200, 202)
    assert "Hi!" in shown(fake_teams)
    reference = await store.chat.reference("teams", CHANNEL_CONVERSATION)
    assert reference is not None and reference["service_url"] == fake_teams.service_url


async def test_hostile_text_cannot_forge_links_or_mentions(
    app: Runtime, http: httpx.AsyncClient, fake_teams: FakeTeams, corpus: Store
) -> None:
    await send(
        http,
        app,
        message(
            "ask [https://good.example](https://evil.example) <at>Everyone</at> steel?", fake_teams
        ),
    )
    text = shown(fake_teams)
    assert "](https://evil.example)" not in text
    assert "<at>" not in text


async def test_production_refuses_unauthenticated_activities(
    tmp_path: Path,
    fake_teams: FakeTeams,
    clock: Clock,
    store: Store,
    http: httpx.AsyncClient,
) -> None:
    settings = teams_settings(
        tmp_path,
        fake_teams,
        teams_anonymous=False,
        environment="production",
        microsoft_app_id="11111111-2222-3333-4444-555555555555",
        microsoft_app_password="secret",
        microsoft_app_tenant_id="tenant",
    )
    async with running(settings, teams_config(), now=clock.now, schedule=False) as app:
        bare = await send(http, app, message("help", fake_teams))
        forged = await http.post(
            f"{app.url}/api/messages",
            json=message("help", fake_teams),
            headers={"Authorization": "Bearer eyJhbGciOiJub25lIn0.eyJhdWQiOiJ4In0."},
        )
    assert bare.status_code == 401
    assert forged.status_code == 401
    assert fake_teams.activities() == []


def test_development_mode_is_refused_in_production(tmp_path: Path, fake_teams: FakeTeams) -> None:
    with pytest.raises(ConfigError, match="refused in production"):
        check_settings(teams_settings(tmp_path, fake_teams, environment="production"))
    with pytest.raises(ConfigError, match="MICROSOFT_APP_PASSWORD"):
        check_settings(
            teams_settings(tmp_path, fake_teams, teams_anonymous=False, microsoft_app_id="app-id")
        )


def test_what_a_teams_message_asks_for() -> None:
    # Teams reads messages with the one parser (tests/chat/test_intents.py has the table).
    assert message_text("<p>ask &lt;when&gt; do talks resume?</p>") == "ask <when> do talks resume?"
    assert read_intent(message_text("<p>subscribe 7am</p>"), direct=False) == Intent(
        "subscribe", at="07:00"
    )


async def test_slack_and_teams_share_one_server(
    tmp_path: Path,
    fake_teams: FakeTeams,
    clock: Clock,
    store: Store,
    http: httpx.AsyncClient,
) -> None:
    with FakeSlack() as slack:
        settings = teams_settings(
            tmp_path,
            fake_teams,
            slack_bot_token="xoxb-test",
            slack_signing_secret=SECRET,
            slack_api_url=slack.api_url,
        )
        async with running(settings, teams_config(), now=clock.now, schedule=False) as app:
            assert app.mode == "http" and app.teams is not None
            signed = SignedClient(app.url, slack)
            assert (await signed.command("")).status_code == 200
            await signed.close()
            assert (await send(http, app, message("help", fake_teams))).status_code in (200, 202)
    assert "**summarize**" in shown(fake_teams)
