"""deploy/slack-manifest.yaml lists everything the code uses: command, shortcut, events, scopes."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import yaml

from bot.slack.listeners import shortcuts

ROOT = Path(__file__).resolve().parents[2]

# Web API methods → the bot scope each needs (a method missing here fails the test below).
SCOPES = {
    "chat_postMessage": "chat:write",
    "chat_update": "chat:write",
    "conversations_history": "channels:history",
    "conversations_replies": "channels:history",
    "conversations_list": "channels:read",
    "assistant_threads_setStatus": "assistant:write",
    "assistant_threads_setSuggestedPrompts": "assistant:write",
    "chat_startStream": "chat:write",
    "chat_appendStream": "chat:write",
    "chat_stopStream": "chat:write",
}


def manifest() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load((ROOT / "deploy/slack-manifest.yaml").read_text())
    return data


def test_command_and_shortcut() -> None:
    features = manifest()["features"]
    assert [c["command"] for c in features["slash_commands"]] == ["/brief"]
    assert [s["callback_id"] for s in features["shortcuts"]] == [shortcuts.CALLBACK_ID]
    # Slack's agent messaging experience: new apps may only declare agent_view.
    assert features["agent_view"]["agent_description"]
    assert "assistant_view" not in features
    assert features["app_home"]["messages_tab_enabled"] is True


def test_events_match_the_listeners() -> None:
    events = set(manifest()["settings"]["event_subscriptions"]["bot_events"])
    source = "\n".join(p.read_text() for p in (ROOT / "bot/slack").rglob("*.py"))
    assert 'app.event("app_mention")' in source and 'app.event("message")' in source
    assert {"app_mention", "message.channels", "message.groups", "message.im"} <= events
    assert 'app.event("app_home_opened")' in source and 'app.event("channel_rename")' in source
    assert {"app_home_opened", "channel_rename"} <= events


def test_every_web_api_method_used_has_its_scope() -> None:
    scopes = set(manifest()["oauth_config"]["scopes"]["bot"])
    source = "\n".join(p.read_text() for p in (ROOT / "bot/slack").rglob("*.py"))
    used = set(re.findall(r"client\.([a-z]+_[A-Za-z_]+)\(", source))
    assert used, "no Web API calls found"
    assert used <= set(SCOPES), f"add the scope for {used - set(SCOPES)} to SCOPES and the manifest"
    needed = {SCOPES[m] for m in used} | {"commands", "app_mentions:read", "im:history"}
    assert needed <= scopes
    assert "groups:history" in scopes  # briefing threads in private channels
    assert "groups:read" in scopes  # private channels' names


def test_both_transports_are_documented() -> None:
    text = (ROOT / "deploy/slack-manifest.yaml").read_text()
    assert "socket_mode_enabled" in text and "SLACK_APP_TOKEN" in text
    data = manifest()
    assert data["settings"]["event_subscriptions"]["request_url"].endswith("/slack/events")
    assert data["settings"]["interactivity"]["request_url"].endswith("/slack/events")


def test_the_agent_views_prompts_are_the_apps_own() -> None:

    from bot.slack.listeners.assistant import PROMPTS

    manifest = yaml.safe_load((ROOT / "deploy" / "slack-manifest.yaml").read_text())
    view = manifest["features"]["agent_view"]
    assert view["agent_description"]
    assert view["suggested_prompts"] == PROMPTS
    assert "assistant_view" not in manifest["features"]
