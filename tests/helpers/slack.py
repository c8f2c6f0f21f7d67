"""The Slack app tests' topic and settings, and a client that sends Slack-signed requests."""

from __future__ import annotations

import json
import time
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
from slack_sdk.signature import SignatureVerifier

from bot.config import BriefbotConfig, Settings, parse_config
from testkit.slack_api import BOT_USER, TEAM, FakeSlack
from tests.helpers.settings import local_settings, steel_topic

SECRET = "test-signing-secret"
CHANNEL = "C0STEEL"

CONFIG = steel_topic(f'channel = "{CHANNEL}"\n')


def slack_config(text: str = CONFIG) -> BriefbotConfig:
    return parse_config(text, origin="test config")


def slack_settings(tmp_path: Path, fake: FakeSlack, **extra: Any) -> Settings:
    """HTTP mode (whatever the environment says), Slack's Web API at `fake`."""
    slack = {
        "slack_bot_token": "xoxb-test",
        "slack_signing_secret": SECRET,
        "slack_app_token": "",
        "slack_api_url": fake.api_url,
    }
    return local_settings(tmp_path, slack, **extra)


class SignedClient:
    """Sends requests the way Slack does: form or JSON bodies, v0 signatures, retry headers."""

    def __init__(self, url: str, fake: FakeSlack, secret: str = SECRET) -> None:
        self.url = f"{url}/slack/events"
        self.fake = fake
        self.verifier = SignatureVerifier(secret)
        self.http = httpx.AsyncClient(timeout=10)
        self._ids = count(1)

    async def close(self) -> None:
        await self.http.aclose()

    async def post(
        self,
        body: str,
        content_type: str,
        *,
        timestamp: int | None = None,
        signature: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> httpx.Response:
        ts = str(timestamp if timestamp is not None else int(time.time()))
        sig = signature or self.verifier.generate_signature(timestamp=ts, body=body)
        return await self.http.post(
            self.url,
            content=body.encode(),
            headers={
                "Content-Type": content_type,
                "X-Slack-Request-Timestamp": ts,
                "X-Slack-Signature": sig,
                **(headers or {}),
            },
        )

    async def command(self, text: str, *, channel: str = CHANNEL, **kw: Any) -> httpx.Response:
        n = next(self._ids)
        form = {
            "token": "legacy",
            "team_id": TEAM,
            "team_domain": "briefbot-test",
            "channel_id": channel,
            "channel_name": "steel",
            "user_id": "U0ALICE",
            "user_name": "alice",
            "command": "/brief",
            "text": text,
            "api_app_id": "A0BRIEF",
            "is_enterprise_install": "false",
            "response_url": self.fake.response_url(f"cmd{n}"),
            "trigger_id": f"trigger.{n}",
        }
        return await self.post(urlencode(form), "application/x-www-form-urlencoded", **kw)

    async def event(
        self, event: dict[str, Any], *, event_id: str | None = None, retry: int | None = None
    ) -> httpx.Response:
        body = {
            "token": "legacy",
            "team_id": TEAM,
            "api_app_id": "A0BRIEF",
            "type": "event_callback",
            "event_id": event_id or f"Ev{next(self._ids):08d}",
            "event_time": int(time.time()),
            "authorizations": [
                {
                    "team_id": TEAM,
                    "user_id": BOT_USER,
                    "is_bot": True,
                    "is_enterprise_install": False,
                }
            ],
            "event": event,
        }
        headers = (
            {"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"}
            if retry
            else None
        )
        return await self.post(json.dumps(body), "application/json", headers=headers)

    async def interaction(self, payload: dict[str, Any]) -> httpx.Response:
        body = urlencode({"payload": json.dumps(payload)})
        return await self.post(body, "application/x-www-form-urlencoded")

    def response_url(self, n: int) -> str:
        return self.fake.response_url(f"cmd{n}")
