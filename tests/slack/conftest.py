"""The running app on 127.0.0.1 (the same `running()` as `briefbot run`), a Slack Web API
stand-in it talks to, and a client that sends Slack-signed requests to it."""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import AsyncIterator, Callable, Iterator
from itertools import count
from pathlib import Path
from typing import Any
from urllib.parse import urlencode

import httpx
import pytest
from slack_sdk.signature import SignatureVerifier

from bot.config import BriefbotConfig, Settings, parse_config
from bot.runtime import Runtime, running
from bot.store import Store
from tests.conftest import Clock
from tests.servers.slack_api import BOT_USER, TEAM, FakeSlack

SECRET = "test-signing-secret"
CHANNEL = "C0STEEL"

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
channel = "C0STEEL"
time = "08:30"
timezone = "Europe/Brussels"
"""


def slack_config(text: str = CONFIG) -> BriefbotConfig:
    return parse_config(text, origin="test config")


def slack_settings(tmp_path: Path, fake: FakeSlack, **extra: Any) -> Settings:
    values: dict[str, Any] = {
        "slack_bot_token": "xoxb-test",
        "slack_signing_secret": SECRET,
        "slack_app_token": "",  # HTTP mode, whatever the environment says
        "llm_base_url": "",
        "llm_api_key": "",
        "openai_api_key": "",
        "azure_openai_endpoint": "",
        "slack_api_url": fake.api_url,
        "host": "127.0.0.1",
        "port": 0,
        "data_dir": tmp_path,
        "database_url": "",
        "allow_hosts": ("127.0.0.1",),
        "embeddings": False,
    }
    values.update(extra)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


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


async def eventually(check: Callable[[], bool], *, within: float = 15.0) -> None:
    """Wait for work Slack's ack does not wait for (a bound, not a timing assertion)."""
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the app never did it")
        await asyncio.sleep(0.02)


@pytest.fixture
def fake_slack(clock: Clock) -> Iterator[FakeSlack]:
    with FakeSlack(now=lambda: clock.now().timestamp()) as fake:
        yield fake


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


from tests.answer.conftest import corpus  # noqa: E402,F401  (the 30-article corpus fixture)
