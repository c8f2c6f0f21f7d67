"""The Teams app tests' topic and settings (development mode: no credentials, a webhook), and
activities shaped as Teams sends them."""

from __future__ import annotations

from itertools import count
from pathlib import Path
from typing import Any

from bot.config import BriefbotConfig, Settings, parse_config
from testkit.teams import FakeTeams
from tests.helpers.settings import local_settings, steel_topic

BOT = {"id": "28:briefbot-app", "name": "briefbot"}
ALICE = {"id": "29:alice", "name": "Alice", "aadObjectId": "00000000-0000-0000-0000-00000000a11c"}
TENANT = "72f988bf-0000-0000-0000-000000000000"
CHANNEL_CONVERSATION = "19:steel@thread.tacv2"

CONFIG = steel_topic('platform = "teams"\nchannel = "steel-team"\n')


def teams_config(text: str = CONFIG) -> BriefbotConfig:
    return parse_config(text, origin="test config")


def teams_settings(tmp_path: Path, fake: FakeTeams, **extra: Any) -> Settings:
    """No Slack; the Teams bot anonymous (development), the channel's webhook at `fake`."""
    teams = {
        "slack_bot_token": "",
        "slack_app_token": "",
        "teams_anonymous": True,
        "environment": "development",
        "microsoft_app_id": "",
        "teams_webhooks": {"steel-team": fake.webhook_url("steel")},
    }
    return local_settings(tmp_path, teams, **extra)


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
