"""Teams speaks every verb of the one parser: subscribe, unsubscribe and sources over
/api/messages; and a domain error reads the same in Slack and Teams (one mapping)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx

from bot.runtime import Runtime, running
from bot.store import Store
from testkit.slack_api import FakeSlack
from testkit.teams import FakeTeams
from tests.helpers.clock import Clock, eventually
from tests.helpers.slack import SECRET, SignedClient
from tests.helpers.teams import message, teams_config, teams_settings


async def send(http: httpx.AsyncClient, app: Runtime, activity: dict[str, Any]) -> None:
    response = await http.post(f"{app.url}/api/messages", json=activity)
    assert response.status_code in (200, 202)
    assert app.teams is not None
    await app.teams.drain()


def last_card(fake: FakeTeams) -> dict[str, Any]:
    content: dict[str, Any] = fake.activities()[-1].body["attachments"][0]["content"]
    assert content["msteams"] == {"width": "Full"}  # every card takes the full width
    return content


def text_of(card: dict[str, Any]) -> str:
    return json.dumps(card, ensure_ascii=False)


async def test_subscribe_sources_and_unsubscribe_in_teams(
    app: Runtime, http: httpx.AsyncClient, fake_teams: FakeTeams, store: Store
) -> None:
    await send(http, app, message("subscribe 7:30am Europe/Brussels", fake_teams))
    assert "will get the **eu-us-steel** briefing every day at 07:30 (Europe/Brussels)" in (
        text_of(last_card(fake_teams))
    )
    [sub] = await store.deliveries.subscriptions("teams")
    assert (sub.channel, sub.at, sub.timezone) == ("a:1on1-alice", "07:30", "Europe/Brussels")

    await send(http, app, message("sources", fake_teams))
    shown = text_of(last_card(fake_teams))
    assert "Briefing → teams a:1on1-alice at 07:30 (Europe/Brussels) — subscribed from chat" in (
        shown
    )
    assert "Briefing → teams steel-team at 08:30 (Europe/Brussels) — set in briefbot.toml" in (
        shown
    )

    await send(http, app, message("subscribe 7 o'clock", fake_teams))
    assert "`7` is not a time; try `7am`, `07:00` or `7:30pm`." in text_of(last_card(fake_teams))
    await send(http, app, message("unsubscribe", fake_teams))
    assert "No more **eu-us-steel** briefings here." in text_of(last_card(fake_teams))
    assert await store.deliveries.subscriptions("teams") == []


async def test_a_domain_error_reads_the_same_in_slack_and_teams(
    tmp_path: Path, fake_teams: FakeTeams, clock: Clock, store: Store, http: httpx.AsyncClient
) -> None:
    expected = "There is no topic called `no-such-topic`. Topics: `eu-us-steel`."
    with FakeSlack() as slack:
        settings = teams_settings(
            tmp_path,
            fake_teams,
            slack_bot_token="xoxb-test",
            slack_signing_secret=SECRET,
            slack_api_url=slack.api_url,
        )
        async with running(settings, teams_config(), now=clock.now, schedule=False) as app:
            signed = SignedClient(app.url, slack)
            await signed.command("subscribe no-such-topic")
            await eventually(lambda: bool(slack.calls_to("response_url")))
            await signed.close()
            await send(http, app, message("subscribe no-such-topic", fake_teams))
    in_slack = slack.calls_to("response_url")[-1].params["blocks"][0]["text"]["text"]
    in_teams = last_card(fake_teams)["body"][0]["text"]
    assert in_slack == f":warning: {expected}"
    assert in_teams == f"⚠️ {expected}"
