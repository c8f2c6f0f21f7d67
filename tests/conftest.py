"""Fixtures every test can use: a controllable clock, a real SQLite store in a temp folder,
the 30-article corpus in it, and the stand-ins for Slack's Web API and an OpenAI-compatible
server. Shared helpers (not fixtures) are in tests/helpers/."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime
from pathlib import Path

import pytest

from bot.store import Store
from testkit.openai_server import FakeOpenAI
from testkit.slack_api import FakeSlack
from tests.helpers.clock import Clock
from tests.helpers.corpus import add_corpus


@pytest.fixture
def clock() -> Clock:
    return Clock(datetime(2026, 11, 24, 7, 0, tzinfo=UTC))


@pytest.fixture
async def store(tmp_path: Path) -> AsyncIterator[Store]:
    s = Store.from_url(f"sqlite+aiosqlite:///{tmp_path / 'briefbot.db'}")
    await s.db.migrate()
    yield s
    await s.close()


@pytest.fixture
async def corpus(store: Store, clock: Clock) -> Store:
    """The corpus (tests/helpers/corpus.py) in `store`: plain SQLite unless a folder's
    conftest.py makes `store` run on both backends."""
    return await add_corpus(store, clock)


@pytest.fixture
def fake_slack(clock: Clock) -> Iterator[FakeSlack]:
    with FakeSlack(now=lambda: clock.now().timestamp()) as fake:
        yield fake


@pytest.fixture
def fake_llm() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture(autouse=True)
def _cpu_in_a_thread(monkeypatch: pytest.MonkeyPatch) -> None:
    """Parse articles in one thread rather than a spawned process per test (each spawn loads
    the language model again); the process pool has its own tests."""
    monkeypatch.setenv("BRIEFBOT_WORKERS", "0")
