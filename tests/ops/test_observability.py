"""Health, readiness, metrics and logs of a running app; secrets never reach the logs."""

from __future__ import annotations

import io
import json
import logging
from pathlib import Path

import httpx
import pytest

from bot.observe import setup_logging
from bot.runtime import running
from bot.store import Store
from bot.store.migrations import latest_version
from testkit.openai_server import FakeOpenAI, status
from testkit.slack_api import FakeSlack
from testkit.teams import FakeTeams
from tests.helpers.clock import Clock, eventually
from tests.helpers.slack import SignedClient, slack_config, slack_settings

SLACK_TOKEN = "xoxb-1111-2222-SECRETSLACKTOKEN"
LLM_KEY = "sk-live-SECRETLLMKEY-0000"
TEAMS_PASSWORD = "SECRET-teams-client-secret"


async def test_readyz_and_metrics(
    tmp_path: Path, fake_slack: FakeSlack, clock: Clock, corpus: Store
) -> None:
    settings = slack_settings(tmp_path, fake_slack)
    async with (
        running(settings, slack_config(), now=clock.now, schedule=False) as app,
        httpx.AsyncClient() as http,
    ):
        assert (await http.get(f"{app.url}/healthz")).status_code == 200
        ready = await http.get(f"{app.url}/readyz")
        assert ready.status_code == 200 and ready.json()["status"] == "ok"
        clock.advance(minutes=31)
        await app.jobs.deliver()
        await http.get(f"{app.url}/healthz")
        text = (await http.get(f"{app.url}/metrics")).text
    assert 'briefbot_articles{source="corpus",topic="eu-us-steel"}' in text
    assert 'briefbot_deliveries{platform="slack",status="posted"} 1.0' in text
    assert "briefbot_summaries{summariser=" in text
    assert 'briefbot_request_seconds_count{route="/healthz",status="200"} 2.0' in text
    assert "briefbot_delivery_retries" in text and "briefbot_sources_failing" in text


async def test_readyz_refuses_an_old_schema(
    tmp_path: Path, fake_slack: FakeSlack, clock: Clock, store: Store
) -> None:
    settings = slack_settings(tmp_path, fake_slack)
    async with running(settings, slack_config(), now=clock.now, schedule=False) as app:
        async with store.db.engine.begin() as conn:
            await conn.exec_driver_sql(
                f"DELETE FROM schema_migrations WHERE version = {latest_version()}"
            )
        async with httpx.AsyncClient() as http:
            response = await http.get(f"{app.url}/readyz")
    assert response.status_code == 503
    assert response.json()["needs"] == latest_version()


async def test_json_logs_carry_ids_and_never_secrets(
    tmp_path: Path, fake_slack: FakeSlack, clock: Clock, corpus: Store
) -> None:
    stream = io.StringIO()
    with FakeOpenAI() as llm, FakeTeams() as teams:
        llm.default = status(500)  # the model fails: its errors get logged too
        hook = teams.webhook_url("steel") + "?sig=SECRETWEBHOOKSIGNATURE0000"
        teams.fail("/workflows/steel", (400, {}))
        settings = slack_settings(
            tmp_path,
            fake_slack,
            slack_bot_token=SLACK_TOKEN,
            llm_base_url=llm.base_url,
            llm_api_key=LLM_KEY,
            llm_max_retries=0,
            teams_webhooks={"steel-team": hook},
            microsoft_app_password=TEAMS_PASSWORD,
            log_format="json",
            database_url=f"sqlite:///{tmp_path / 'briefbot.db'}",
        )
        secrets = [SLACK_TOKEN, LLM_KEY, TEAMS_PASSWORD, hook, "SECRETWEBHOOKSIGNATURE0000"]
        handler = setup_logging(settings, verbose=True, stream=stream, instance="test-1")
        config_text = (
            slack_config.__globals__["CONFIG"]
            + '\n[[topics.channels]]\nplatform = "teams"\nchannel = "steel-team"\n'
            + 'time = "08:30"\ntimezone = "Europe/Brussels"\n'
        )
        from bot.config import parse_config

        config = parse_config(config_text, origin="test")
        try:
            async with running(settings, config, now=clock.now, schedule=False) as app:
                slack = SignedClient(app.url, fake_slack)
                await slack.command("ask What deadline did the Commission set?")
                await eventually(lambda: bool(fake_slack.calls_to("response_url")))
                await slack.close()
                clock.advance(minutes=31)
                results = await app.jobs.deliver()
                await app.jobs.collect()
        finally:
            logging.getLogger().removeHandler(handler)
    assert {r.outcome for r in results} == {"posted", "failed"}
    log = stream.getvalue()
    assert log.count("\n") > 20  # a real, verbose run
    for secret in secrets:
        assert secret not in log, "a secret reached the log"
    assert "[redacted]" in log
    records = [json.loads(line) for line in log.splitlines()]
    assert all({"time", "level", "logger", "message", "instance"} <= set(r) for r in records)
    assert any(r.get("run_id", "").startswith("deliver-") for r in records)
    assert any("request_id" in r for r in records)


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_tracebacks_are_redacted_too(tmp_path: Path, fmt: str) -> None:
    from bot.config import Settings

    settings = Settings(_env_file=None, slack_bot_token=SLACK_TOKEN, log_format=fmt)  # type: ignore[call-arg]
    stream = io.StringIO()
    handler = setup_logging(settings, stream=stream)
    try:
        try:
            raise RuntimeError(f"boom with {SLACK_TOKEN}")
        except RuntimeError:
            logging.getLogger("bot.test").exception("failed calling %s", SLACK_TOKEN)
    finally:
        logging.getLogger().removeHandler(handler)
    assert SLACK_TOKEN not in stream.getvalue()
    assert "boom with [redacted]" in stream.getvalue()
