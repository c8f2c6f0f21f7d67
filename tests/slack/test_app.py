"""The Slack app over real HTTP: signed requests in, Web API calls out (to the stand-in)."""

from __future__ import annotations

import time

from bot.runtime import Runtime
from tests.servers.slack_api import FakeSlack
from tests.slack.conftest import SignedClient, eventually


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
