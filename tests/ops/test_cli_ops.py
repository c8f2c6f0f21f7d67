"""Operations commands: status, deliveries, retry-delivery, migrate."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner, Result

from bot.cli import app
from bot.runtime import running
from bot.store import Store
from testkit.slack_api import FakeSlack, error
from tests.helpers.clock import Clock
from tests.helpers.settings import LLM_VARS
from tests.helpers.slack import CONFIG, slack_config, slack_settings

runner = CliRunner()


async def cli(*args: str) -> Result:
    """The CLI runs its own event loop: run it beside the test's."""
    return await asyncio.to_thread(runner.invoke, app, list(args))


@pytest.fixture
def env(tmp_path: Path, fake_slack: FakeSlack, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    for name in (*LLM_VARS, "BRIEFBOT_DATABASE_URL", "SLACK_APP_TOKEN", "MICROSOFT_APP_ID"):
        monkeypatch.delenv(name, raising=False)
    (tmp_path / "briefbot.toml").write_text(CONFIG, encoding="utf-8")
    monkeypatch.setenv("BRIEFBOT_CONFIG", str(tmp_path / "briefbot.toml"))
    monkeypatch.setenv("BRIEFBOT_DATA_DIR", str(tmp_path))
    monkeypatch.setenv("SLACK_BOT_TOKEN", "xoxb-test")
    monkeypatch.setenv("SLACK_SIGNING_SECRET", "s")
    monkeypatch.setenv("BRIEFBOT_SLACK_API_URL", fake_slack.api_url)
    return tmp_path


def test_migrate_then_nothing_to_do(env: Path) -> None:
    (env / "briefbot.db").unlink(missing_ok=True)
    first = runner.invoke(app, ["migrate"])
    assert first.exit_code == 0 and "Applied migrations 1, 2" in first.output
    again = runner.invoke(app, ["migrate"])
    assert again.exit_code == 0 and "Nothing to do" in again.output


async def test_status_deliveries_and_retry(
    env: Path, fake_slack: FakeSlack, clock: Clock, corpus: Store
) -> None:
    fake_slack.fail("chat.postMessage", error("not_in_channel"))
    clock.advance(minutes=31)
    async with running(
        slack_settings(env, fake_slack), slack_config(), now=clock.now, schedule=False
    ) as live:
        await live.jobs.collect()  # the feed is unreachable: a failing source
        [failed] = await live.jobs.deliver()
    assert failed.outcome == "failed"

    fake_slack.add_channel("steel-desk", "C0STEEL")
    status = await cli("status")
    assert status.exit_code == 0, status.output
    # Slack channels by name and id (the table may wrap between the two)
    assert "#steel-desk" in status.output and "(C0STEEL)" in status.output
    assert "feeds.test" in status.output and "Next runs" in status.output
    assert "briefing" in status.output and "C0STEEL" in status.output
    assert "failed" in status.output

    listed = await cli("deliveries", "--date", "2026-11-24", "--format", "json")
    [row] = json.loads(listed.output)
    assert (row["status"], row["channel"]) == ("failed", "C0STEEL")

    retried = await cli("retry-delivery", str(row["id"]))
    assert retried.exit_code == 0, retried.output
    assert "is posted" in retried.output
    assert len([m for m in fake_slack.posted("C0STEEL") if m.get("metadata")]) == 1
    again = await cli("retry-delivery", str(row["id"]))
    assert "already posted" in again.output
    assert len([m for m in fake_slack.posted("C0STEEL") if m.get("metadata")]) == 1

    missing = await cli("retry-delivery", "999")
    assert missing.exit_code == 1 and "there is no delivery 999" in missing.output
    bad = await cli("deliveries", "--date", "yesterday")
    assert bad.exit_code == 2
