"""The running app with the Teams bot (development mode: no credentials) and a webhook, a
stand-in for the Bot Connector and Workflows, and Teams-shaped activities."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from itertools import count
from pathlib import Path
from typing import Any

import httpx
import pytest

from bot.config import BriefbotConfig, Settings, parse_config
from bot.runtime import Runtime, running
from bot.store import Store
from tests.answer.conftest import corpus  # noqa: F401  (the 30-article corpus fixture)
from tests.conftest import Clock
from tests.servers.teams import FakeTeams

BOT = {"id": "28:briefbot-app", "name": "briefbot"}
ALICE = {"id": "29:alice", "name": "Alice", "aadObjectId": "00000000-0000-0000-0000-00000000a11c"}
TENANT = "72f988bf-0000-0000-0000-000000000000"
CHANNEL_CONVERSATION = "19:steel@thread.tacv2"

CONFIG = """
[[topics]]
name = "eu-us-steel"
title = "EU–US steel"
[topics.query]
may = ["steel", "aluminium", "tariff", "trade talks", "Kovalenko", "Whitcombe"]
[[topics.sources]]
kind = "feed"
url = "https://feeds.test/steel.xml"
[[topics.channels]]
platform = "teams"
channel = "steel-team"
time = "08:30"
timezone = "Europe/Brussels"
"""


def teams_config(text: str = CONFIG) -> BriefbotConfig:
    return parse_config(text, origin="test config")


def teams_settings(tmp_path: Path, fake: FakeTeams, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": "",
        "slack_app_token": "",
        "teams_anonymous": True,
        "environment": "development",
        "microsoft_app_id": "",
        "teams_webhooks": {"steel-team": fake.webhook_url("steel")},
        "host": "127.0.0.1",
        "port": 0,
        "data_dir": tmp_path,
        "database_url": "",
        "allow_hosts": ("127.0.0.1",),
        "embeddings": False,
        "llm_base_url": "",
        "llm_api_key": "",
        "openai_api_key": "",
        "azure_openai_endpoint": "",
    }
    values.update(extra)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


_ids = count(1)


def message(
    text: str,
    fake: FakeTeams,
    *,
    conversation: str = "a:1on1-alice",
    conversation_type: str = "personal",
    mention: bool = False,
) -> dict[str, Any]:
    """A message activity as Teams sends it (a channel message mentions the bot)."""
    n = next(_ids)
    activity: dict[str, Any] = {
        "type": "message",
        "id": f"{1732430000000 + n}",
        "timestamp": "2026-11-24T07:00:00.000Z",
        "localTimestamp": "2026-11-24T08:00:00.000+01:00",
        "serviceUrl": fake.service_url,
        "channelId": "msteams",
        "from": ALICE,
        "conversation": {
            "id": conversation,
            "conversationType": conversation_type,
            "tenantId": TENANT,
        },
        "recipient": BOT,
        "textFormat": "plain",
        "text": text,
        "locale": "en-GB",
        "channelData": {"tenant": {"id": TENANT}},
    }
    if mention:
        activity["text"] = f"<at>briefbot</at> {text}"
        activity["entities"] = [
            {"type": "mention", "text": "<at>briefbot</at>", "mentioned": BOT},
        ]
        activity["channelData"].update(
            {"teamsChannelId": CHANNEL_CONVERSATION, "teamsTeamId": "19:team@thread.tacv2"}
        )
    return activity


def installed(fake: FakeTeams) -> dict[str, Any]:
    """conversationUpdate: the bot was added to a team's channel."""
    return {
        "type": "conversationUpdate",
        "id": "f:install-1",
        "timestamp": "2026-11-24T07:00:00.000Z",
        "serviceUrl": fake.service_url,
        "channelId": "msteams",
        "from": ALICE,
        "conversation": {
            "id": CHANNEL_CONVERSATION,
            "conversationType": "channel",
            "isGroup": True,
            "tenantId": TENANT,
        },
        "recipient": BOT,
        "membersAdded": [BOT],
        "channelData": {
            "tenant": {"id": TENANT},
            "team": {"id": "19:team@thread.tacv2"},
            "eventType": "teamMemberAdded",
        },
    }


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
