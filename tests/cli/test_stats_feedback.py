"""`briefbot stats` counts the thumbs up/down given in chat."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.store import Store
from bot.store.feedback import Vote
from tests.helpers.settings import LLM_VARS

runner = CliRunner()


async def _votes(db: Path) -> None:
    store = Store.from_url(f"sqlite+aiosqlite:///{db}")
    await store.db.migrate()
    now = datetime.now(UTC)
    for user, kind, value in [
        ("a", "answer", "up"),
        ("b", "answer", "down"),
        ("a", "briefing", "up"),
    ]:
        await store.feedback.record(
            Vote("slack", "C0STEEL", f"{kind}-1", kind, "ref", value, user, now)  # type: ignore[arg-type]
        )
    await store.close()


def test_stats_counts_feedback(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("BRIEFBOT_CONFIG", "BRIEFBOT_DATABASE_URL", *LLM_VARS):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BRIEFBOT_DATA_DIR", str(tmp_path))
    asyncio.run(_votes(tmp_path / "briefbot.db"))
    result = runner.invoke(app, ["stats"])
    assert result.exit_code == 0, result.output
    assert "Feedback on answers: 1 up, 1 down" in result.output
    assert "Feedback on briefings: 1 up, 0 down" in result.output
