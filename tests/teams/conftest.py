"""The running app with the Teams bot (development mode: no credentials) and a webhook, and a
stand-in for the Bot Connector and Workflows; topic, settings and activities are in
tests/helpers/teams.py."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import httpx
import pytest

from bot.runtime import Runtime, running
from bot.store import Store
from testkit.teams import FakeTeams
from tests.helpers.clock import Clock
from tests.helpers.teams import teams_config, teams_settings


@pytest.fixture
def fake_teams() -> Iterator[FakeTeams]:
    with FakeTeams() as fake:
        yield fake


@pytest.fixture
async def app(
    tmp_path: Path, fake_teams: FakeTeams, clock: Clock, store: Store
) -> AsyncIterator[Runtime]:
    settings = teams_settings(tmp_path, fake_teams)
    async with running(settings, teams_config(), now=clock.now, schedule=False) as runtime:
        yield runtime


@pytest.fixture
async def http() -> AsyncIterator[httpx.AsyncClient]:
    async with httpx.AsyncClient(timeout=30) as client:
        yield client
