"""`briefbot run`: the Slack app and the scheduler in one asyncio process.

HTTP mode serves `POST /slack/events` (signed requests only) and `GET /healthz` on
BRIEFBOT_HOST:BRIEFBOT_PORT; Socket Mode connects out to Slack with the app-level token and
serves `/healthz` alone. `running()` is an async context manager so tests start the very same
stack on port 0 and stop it cleanly.
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
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from sqlalchemy.exc import SQLAlchemyError

from bot.chat import ChatService
from bot.config import BriefbotConfig, Settings
from bot.deliver import DeliveryService
from bot.errors import ConfigError
from bot.schedule import Jobs, build_scheduler
from bot.slack.app import build_app, build_web_client, socket_mode
from bot.slack.delivery import SlackDelivery
from bot.store.repository import ArticleStore
from bot.summarise.ondemand import OnDemandSummariser
from bot.wiring import Services, open_services, utc_now

log = logging.getLogger(__name__)


def check_slack_settings(settings: Settings) -> str:
    """The transport to use ("http" or "socket"), or a ConfigError saying what to set."""
    if not settings.slack_bot_token.get_secret_value():
        raise ConfigError(
            "SLACK_BOT_TOKEN is not set: create the Slack app from deploy/slack-manifest.yaml "
            "and copy its bot token (xoxb-…) into .env"
        )
    if socket_mode(settings):
        return "socket"
    if not settings.slack_signing_secret.get_secret_value():
        raise ConfigError(
            "set SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode); "
            "both are on the Slack app's Basic Information page"
        )
    return "http"


def build_web_app(bolt: AsyncApp | None, store: ArticleStore, mode: str) -> web.Application:
    """/slack/events (HTTP mode only) and /healthz."""

    async def events(request: web.Request) -> web.Response:
        assert bolt is not None
        response = await bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    async def health(_request: web.Request) -> web.Response:
        try:
            version = await store.schema_version()
        except (SQLAlchemyError, OSError):
            return web.json_response({"status": "unavailable", "database": "down"}, status=503)
        return web.json_response({"status": "ok", "mode": mode, "schema": version})

    web_app = web.Application()
    web_app.router.add_get("/healthz", health)
    if bolt is not None:
        web_app.router.add_post("/slack/events", events)
    return web_app


@dataclass
class Runtime:
    services: Services
    chat: ChatService
    bolt: AsyncApp
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
    schedule: bool = True,
) -> AsyncIterator[Runtime]:
    """Start the app (and the scheduler); stop everything on the way out."""
    mode = check_slack_settings(settings)
    async with open_services(settings, now=now) as services:
        chat = ChatService(
            services.store,
            config,
            services.briefings,
            services.questions,
            OnDemandSummariser(services.fetcher, services.summariser),
            now=now,
        )
        client = build_web_client(settings)
        bolt = build_app(settings, chat, services.store, client, now=now)
        deliveries = DeliveryService(
            services.store, services.briefings, config, {"slack": SlackDelivery(client)}, now=now
        )
        jobs = Jobs(
            collector=services.collector,
            deliveries=deliveries,
            store=services.store,
            config=config,
            now=now,
        )
        runner = web.AppRunner(
            build_web_app(bolt if mode == "http" else None, services.store, mode),
            access_log=None,
        )
        await runner.setup()
        scheduler = None
        socket = None
        try:
            site = web.TCPSite(runner, settings.host, settings.port)
            await site.start()
            port = runner.addresses[0][1] if runner.addresses else settings.port
            if mode == "socket":
                from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

                socket = AsyncSocketModeHandler(bolt, settings.slack_app_token.get_secret_value())
                await socket.connect_async()  # type: ignore[no-untyped-call]
            if schedule:
                scheduler = build_scheduler(jobs, collect_every=settings.collect_every)
                scheduler.start()
            yield Runtime(services, chat, bolt, jobs, mode, port)
        finally:
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            if socket is not None:
                await socket.close_async()  # type: ignore[no-untyped-call]
            await runner.cleanup()
            if client.session is not None:
                await client.session.close()


async def serve(settings: Settings, config: BriefbotConfig) -> None:
    """Run until SIGINT/SIGTERM."""
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with running(settings, config) as runtime:
        where = f"port {runtime.port}" + (" (/slack/events)" if runtime.mode == "http" else "")
        log.warning("briefbot is running: Slack over %s, %s", runtime.mode, where)
        await stop.wait()
