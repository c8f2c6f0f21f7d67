"""The CLI with an LLM configured: summarize, the demo and stats use the local
OpenAI-compatible server through the real client; a dead LLM still gives a briefing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from testkit.openai_server import FakeOpenAI, echo_model, status
from tests.helpers.settings import LLM_VARS

runner = CliRunner()
PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


@pytest.fixture
def fake_llm(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[FakeOpenAI]:
    monkeypatch.chdir(tmp_path)
    for name in ("BRIEFBOT_CONFIG", "BRIEFBOT_DATABASE_URL", *LLM_VARS):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BRIEFBOT_DATA_DIR", str(tmp_path / "data"))
    with FakeOpenAI() as server:
        monkeypatch.setenv("BRIEFBOT_LLM_BASE_URL", server.base_url)
        monkeypatch.setenv("BRIEFBOT_LLM_MODEL", "local-test")
        monkeypatch.setenv("BRIEFBOT_LLM_TIMEOUT", "5")
        monkeypatch.setenv("BRIEFBOT_LLM_MAX_RETRIES", "1")
        server.default = echo_model
        yield server


def test_summarize_uses_the_llm(fake_llm: FakeOpenAI) -> None:
    result = runner.invoke(app, ["summarize", str(PAGES / "wire-original.html"), "-f", "json"])
    assert result.exit_code == 0, result.output
    assert "Summarising with local-test" in result.stderr
    doc = json.loads(result.stdout)
    assert doc["key_points"][0]["text"].startswith("Negotiators from the European Union")
    assert len(fake_llm.requests) == 1 and fake_llm.requests[0]["model"] == "local-test"


def test_demo_uses_the_llm_and_stats_count_it(fake_llm: FakeOpenAI, tmp_path: Path) -> None:
    result = runner.invoke(app, ["demo", "--data-dir", str(tmp_path / "demo")])
    assert result.exit_code == 0, result.output
    assert "**Update: " in result.stdout or "Update: " in result.stdout
    summaries = [r for r in fake_llm.requests if "briefing_headlines" not in json.dumps(r)]
    assert summaries  # the articles whose points the briefing shows, five to a request
    stats = runner.invoke(app, ["stats"], env={"BRIEFBOT_DATA_DIR": str(tmp_path / "demo")})
    assert stats.exit_code == 0, stats.output
    assert "LLM use per day" in stats.stdout and "eu-us-steel" in stats.stdout


def test_dead_llm_still_gives_a_degraded_briefing(
    fake_llm: FakeOpenAI, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFBOT_LLM_MAX_RETRIES", "0")  # dead is dead: no back-off to wait out
    fake_llm.default = status(500)
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    assert "Top stories" in result.stdout and "Partly degraded" in result.stdout


def test_without_llm_says_offline(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.chdir(tmp_path)
    for name in LLM_VARS:
        monkeypatch.delenv(name, raising=False)
    result = runner.invoke(app, ["summarize", str(PAGES / "unions.html")])
    assert result.exit_code == 0 and "summarising offline" in result.stderr
