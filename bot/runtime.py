"""`briefbot run`: the chat apps and the scheduler in one asyncio process — the lifecycle only.

One web server on BRIEFBOT_HOST:BRIEFBOT_PORT serves `GET /healthz`, Slack's
`POST /slack/events` (HTTP mode; signed requests only) and the Teams bot's
`POST /api/messages` (token-checked). Slack's Socket Mode connects out with the app-level
token instead. Teams briefings can also go through Workflows webhooks alone. `running()` is an
async context manager so tests start the very same stack on port 0 and stop it cleanly. What
runs is built by `wiring.open_app`; this module starts and stops it.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime

from aiohttp import web
from slack_bolt.async_app import AsyncApp

from bot.chat import ChatService
from bot.config import BriefbotConfig, Settings
from bot.schedule import Jobs, build_scheduler
from bot.slack.answering import acks_first
from bot.teams.bot import TeamsBot
from bot.web import build_web_app
from bot.wiring import Services, Sleep, open_app, utc_now

log = logging.getLogger(__name__)
# How long a stopping process waits for Teams answers still on their way (Kubernetes and
# systemd allow 30 s between SIGTERM and SIGKILL).
DRAIN_SECONDS = 20.0
SLACK_EVENTS = "/slack/events"


@dataclass
class Runtime:
    services: Services
    chat: ChatService
    bolt: AsyncApp | None
    teams: TeamsBot | None
    jobs: Jobs
    mode: str
    port: int

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"


@asynccontextmanager
async def running(
    settings: Settings,
    config: BriefbotConfig,
    *,
    now: Callable[[], datetime] = utc_now,
    sleep: Sleep = asyncio.sleep,
    llm_retries: int | None = None,
    schedule: bool = True,
) -> AsyncIterator[Runtime]:
    """Start the app (and the scheduler); stop everything on the way out."""
    async with open_app(settings, config, now=now, sleep=sleep, llm_retries=llm_retries) as parts:
        mode, bolt = parts.mode, parts.bolt
        web_app = build_web_app(
            bolt if mode == "http" else None,
            parts.services.store.db,
            mode,
            parts.teams,
            parts.metrics,
        )
        if mode == "http" and bolt is not None:
            # Slack's requests are acked before queued answers start (bot.slack.answering).
            web_app.middlewares.append(acks_first(parts.answers, SLACK_EVENTS))
        runner = web.AppRunner(web_app, access_log=None)
        await runner.setup()
        scheduler = None
        socket = None
        try:
            site = web.TCPSite(runner, settings.host, settings.port)
            await site.start()
            port = runner.addresses[0][1] if runner.addresses else settings.port
            if mode == "socket" and bolt is not None:
                from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

                socket = AsyncSocketModeHandler(bolt, settings.slack_app_token.get_secret_value())
                await socket.connect_async()  # type: ignore[no-untyped-call]
            if schedule:
                scheduler = build_scheduler(parts.jobs, deliver_every=settings.deliver_every)
                scheduler.start()
            yield Runtime(parts.services, parts.chat, bolt, parts.teams, parts.jobs, mode, port)
        finally:
            loop = asyncio.get_running_loop()
            deadline = loop.time() + DRAIN_SECONDS  # one grace period for Teams and Slack
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            if parts.teams is not None:  # answers on their way (within a stop's grace period)
                await parts.teams.drain(timeout=DRAIN_SECONDS)
            if socket is not None:
                await socket.close_async()  # type: ignore[no-untyped-call]
            await runner.cleanup()
            # No request comes in now: Slack's answers queued or under way get what is left
            # of the grace period (the rest is cancelled when the app closes).
            await parts.answers.drain(timeout=max(0.0, deadline - loop.time()))


async def serve(settings: Settings, config: BriefbotConfig) -> None:
    """Run until SIGINT/SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with running(settings, config) as runtime:
        paths = [
            p
            for p, on in (
                ("/slack/events", runtime.mode == "http"),
                ("/api/messages", runtime.teams),
            )
            if on
        ]
        log.warning(
            "briefbot is running (%s) on port %d %s", runtime.mode, runtime.port, " ".join(paths)
        )
        await stop.wait()
