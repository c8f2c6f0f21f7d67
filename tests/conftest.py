"""Shared fixtures: a real SQLite store in a temp folder and a controllable clock."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from bot.config import Settings
from bot.store import Store

# Variables that would switch an LLM on; CLI tests clear them unless they set their own.
LLM_VARS = (
    "OPENAI_API_KEY",
    "BRIEFBOT_LLM_BASE_URL",
    "BRIEFBOT_LLM_API_KEY",
    "AZURE_OPENAI_ENDPOINT",
    "BRIEFBOT_AZURE_OPENAI_ENDPOINT",
)


def setting_names() -> set[str]:
    """The environment variable of every setting (its alias where it has one)."""
    names = set()
    for name, info in Settings.model_fields.items():
        alias = info.validation_alias
        first = alias.choices[0] if alias is not None else None  # type: ignore[union-attr]
        names.add(str(first) if first else f"BRIEFBOT_{name.upper()}")
    return names


class Clock:
    """A clock tests move by hand; pass `clock.now` wherever a `now` function is wanted."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 24, 7, 0, tzinfo=UTC))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    s = Store.from_url(f"sqlite+aiosqlite:///{tmp_path / 'briefbot.db'}")
    await s.db.migrate()
    yield s
    await s.close()
