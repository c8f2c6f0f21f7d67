"""CLI behaviour that needs no network: init, config errors, usage errors and exit codes."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app, parse_since
from tests.helpers.settings import LLM_VARS

runner = CliRunner()


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("BRIEFBOT_CONFIG", "BRIEFBOT_DATA_DIR", "BRIEFBOT_DATABASE_URL", *LLM_VARS):
        monkeypatch.delenv(name, raising=False)


def test_init_writes_a_valid_starter_and_refuses_to_overwrite(tmp_path: Path) -> None:
    result = runner.invoke(app, ["init"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "briefbot.toml").read_text().startswith("# briefbot.toml")
    again = runner.invoke(app, ["init"])
    assert again.exit_code == 1
    assert "already exists" in again.output and "--force" in again.output
    assert runner.invoke(app, ["init", "--force"]).exit_code == 0


def test_missing_config_is_one_clear_line() -> None:
    result = runner.invoke(app, ["collect"])
    assert result.exit_code == 1
    assert "briefbot init" in result.output
    assert "Traceback" not in result.output


def test_invalid_config_names_the_field(tmp_path: Path) -> None:
    (tmp_path / "briefbot.toml").write_text(
        '[[topics]]\nname = "x"\n[[topics.sources]]\nkind = "rss"\nurl = "https://a.test/"\n'
    )
    result = runner.invoke(app, ["brief"])
    assert result.exit_code == 1
    assert "sources[0]" in result.output and "feed, page" in result.output
    assert "Traceback" not in result.output


def test_bad_environment_value_is_reported(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFBOT_FETCH_PER_HOST", "many")
    result = runner.invoke(app, ["collect"])
    assert result.exit_code == 1 and "BRIEFBOT_FETCH_PER_HOST" in result.output


def test_unknown_topic_lists_known_ones(tmp_path: Path) -> None:
    runner.invoke(app, ["init"])
    result = runner.invoke(app, ["brief", "--topic", "nope"])
    assert result.exit_code == 1 and "eu-us-steel" in result.output


def test_bad_since_is_a_usage_error(tmp_path: Path) -> None:
    runner.invoke(app, ["init"])
    result = runner.invoke(app, ["brief", "--since", "last tuesday"])
    assert result.exit_code == 2


def test_brief_shows_times_in_the_topics_zone_or_the_one_given(tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from bot.text.when import local_date

    runner.invoke(app, ["init"])  # the starter's channel is in Europe/Brussels
    before = local_date(datetime.now(UTC), "Asia/Tokyo")
    tokyo = runner.invoke(app, ["brief", "--tz", "Asia/Tokyo"])
    after = local_date(datetime.now(UTC), "Asia/Tokyo")
    assert tokyo.exit_code == 0, tokyo.output
    heading = tokyo.stdout.splitlines()[0]
    assert heading.endswith((f"briefing for {before}", f"briefing for {after}"))
    assert " JST to " in tokyo.stdout and "UTC" not in tokyo.stdout
    default = runner.invoke(app, ["brief"])
    assert default.exit_code == 0, default.output
    assert "Coverage from" in default.stdout and "UTC" not in default.stdout
    assert " CET to " in default.stdout or " CEST to " in default.stdout


@pytest.mark.parametrize("command", [["brief"], ["ask", "What happened?"], ["demo"]])
def test_an_unknown_zone_is_a_one_line_usage_error(command: list[str]) -> None:
    runner.invoke(app, ["init"])
    result = runner.invoke(app, [*command, "--tz", "Mars/Olympus"])
    assert result.exit_code == 2
    [line] = result.output.strip().splitlines()
    assert "--tz" in line and "'Mars/Olympus' is not a known time zone" in line


def test_parse_since() -> None:
    from datetime import UTC, datetime, timedelta

    now = datetime(2026, 11, 24, 12, tzinfo=UTC)
    assert parse_since("24h", now) == now - timedelta(hours=24)
    assert parse_since("90m", now) == now - timedelta(minutes=90)
    assert parse_since("2d", now) == now - timedelta(days=2)
    assert parse_since("2026-11-20", now) == datetime(2026, 11, 20, tzinfo=UTC)
    assert parse_since("2026-11-20T08:30", now) == datetime(2026, 11, 20, 8, 30, tzinfo=UTC)
