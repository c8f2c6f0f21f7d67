"""The running app on 127.0.0.1 (the same `running()` as `briefbot run`), talking to the Slack
Web API stand-in (`fake_slack`, tests/conftest.py), and a client that sends Slack-signed
requests to it (tests/helpers/slack.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.runtime import Runtime, running
from bot.store import Store
from testkit.slack_api import FakeSlack
from tests.helpers.clock import Clock
from tests.helpers.slack import SignedClient, slack_config, slack_settings


@pytest.fixture
async def app(
    tmp_path: Path, fake_slack: FakeSlack, clock: Clock, store: Store
) -> AsyncIterator[Runtime]:
    """The app on the same SQLite file as the `store` fixture (seed it through that)."""
    settings = slack_settings(tmp_path, fake_slack)
    async with running(settings, slack_config(), now=clock.now, schedule=False) as runtime:
        yield runtime


@pytest.fixture
async def slack(app: Runtime, fake_slack: FakeSlack) -> AsyncIterator[SignedClient]:
    client = SignedClient(app.url, fake_slack)
    yield client
    await client.close()
