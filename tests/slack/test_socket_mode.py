"""Socket Mode: with SLACK_APP_TOKEN the app connects out (apps.connections.open, then a
WebSocket) instead of listening for /slack/events; envelopes are acked on the socket."""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from aiohttp import WSMsgType, web

from bot.config import check_slack_settings
from bot.errors import ConfigError
from bot.runtime import running
from bot.store import Store
from testkit.slack_api import TEAM, FakeSlack
from tests.helpers.clock import Clock, eventually
from tests.helpers.slack import CHANNEL, slack_config, slack_settings


class FakeSocket:
    """Slack's side of a Socket Mode connection: says hello, sends envelopes, keeps acks."""

    def __init__(self) -> None:
        self.acks: list[dict[str, Any]] = []
        self.connected = asyncio.Event()
        self._outbox: asyncio.Queue[dict[str, Any]] = asyncio.Queue()

    async def handler(self, request: web.Request) -> web.WebSocketResponse:
        ws = web.WebSocketResponse()
        await ws.prepare(request)
        await ws.send_json({"type": "hello", "num_connections": 1})
        self.connected.set()

        async def send() -> None:
            while True:
                await ws.send_json(await self._outbox.get())

        sender = asyncio.create_task(send())
        try:
            async for message in ws:
                if message.type == WSMsgType.TEXT:
                    self.acks.append(json.loads(message.data))
        finally:
            sender.cancel()
        return ws

    def send(self, envelope: dict[str, Any]) -> None:
        self._outbox.put_nowait(envelope)


@pytest.fixture
async def socket(fake_slack: FakeSlack) -> AsyncIterator[FakeSocket]:
    fake = FakeSocket()
    app = web.Application()
    app.router.add_get("/link", fake.handler)
    runner = web.AppRunner(app)
    await runner.setup()
    site = web.TCPSite(runner, "127.0.0.1", 0)
    await site.start()
    fake_slack.socket_url = f"ws://127.0.0.1:{runner.addresses[0][1]}/link"
    yield fake
    await runner.cleanup()


async def test_slash_command_over_the_socket(
    tmp_path: Path, fake_slack: FakeSlack, socket: FakeSocket, clock: Clock, store: Store
) -> None:
    settings = slack_settings(
        tmp_path, fake_slack, slack_app_token="xapp-test", slack_signing_secret=""
    )
    async with running(settings, slack_config(), now=clock.now, schedule=False) as app:
        assert app.mode == "socket"
        await asyncio.wait_for(socket.connected.wait(), 10)
        assert fake_slack.calls_to("apps.connections.open")[0].headers["Authorization"] == (
            "Bearer xapp-test"
        )
        socket.send(
            {
                "envelope_id": "env-1",
                "type": "slash_commands",
                "accepts_response_payload": True,
                "payload": {
                    "team_id": TEAM,
                    "channel_id": CHANNEL,
                    "user_id": "U0ALICE",
                    "command": "/brief",
                    "text": "sources",
                    "api_app_id": "A0BRIEF",
                    "response_url": fake_slack.response_url("socket"),
                    "trigger_id": "t.1",
                },
            }
        )
        await eventually(lambda: bool(fake_slack.calls_to("response_url")))
        # the ack travels over the socket: it may arrive after the response did
        await eventually(lambda: bool(socket.acks))
        assert socket.acks[0]["envelope_id"] == "env-1"
        assert "feeds.test" in json.dumps(fake_slack.calls_to("response_url")[0].params)
        async with httpx.AsyncClient() as http:
            assert (await http.get(f"{app.url}/healthz")).json()["mode"] == "socket"
            # No HTTP events endpoint in Socket Mode.
            assert (await http.post(f"{app.url}/slack/events", content=b"{}")).status_code in (
                404,
                405,
            )


def test_missing_slack_settings_say_what_to_set(tmp_path: Path, fake_slack: FakeSlack) -> None:
    with pytest.raises(ConfigError, match="SLACK_BOT_TOKEN"):
        check_slack_settings(slack_settings(tmp_path, fake_slack, slack_bot_token=""))
    with pytest.raises(ConfigError, match=r"SLACK_SIGNING_SECRET.*SLACK_APP_TOKEN"):
        check_slack_settings(slack_settings(tmp_path, fake_slack, slack_signing_secret=""))
