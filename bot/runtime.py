"""`briefbot run`: the chat apps and the scheduler in one asyncio process.

One web server on BRIEFBOT_HOST:BRIEFBOT_PORT serves `GET /healthz`, Slack's
`POST /slack/events` (HTTP mode; signed requests only) and the Teams bot's
`POST /api/messages` (token-checked). Slack's Socket Mode connects out with the app-level
token instead. Teams briefings can also go through Workflows webhooks alone. `running()` is an
async context manager so tests start the very same stack on port 0 and stop it cleanly.
"""

from __future__ import annotations

import asyncio
import logging
import signal
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

import httpx
from aiohttp import web
from prometheus_client.core import Metric
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from sqlalchemy.exc import SQLAlchemyError

from bot.chat import ChatService
from bot.config import BriefbotConfig, Settings
from bot.deliver import ChatPlatform, DeliveryService
from bot.errors import ConfigError
from bot.observe import Metrics, instance_id, store_metrics
from bot.schedule import Jobs, build_scheduler
from bot.slack.app import build_app, build_web_client, socket_mode
from bot.slack.delivery import SlackDelivery
from bot.store.migrations import latest_version
from bot.store.repository import ArticleStore
from bot.summarise.ondemand import OnDemandSummariser
from bot.teams.bot import TeamsBot, teams_auth
from bot.teams.delivery import TeamsDelivery
from bot.wiring import Services, open_services, utc_now

log = logging.getLogger(__name__)
# How long a stopping process waits for Teams answers still on their way (Kubernetes and
# systemd allow 30 s between SIGTERM and SIGKILL).
DRAIN_SECONDS = 20.0


def check_settings(settings: Settings) -> str | None:
    """Slack's transport ("http", "socket", or None when Slack is not set up); a ConfigError
    when no chat platform is set up at all, or one is set up halfway."""
    teams = settings.teams_bot_enabled or bool(settings.teams_webhooks)
    if teams and not settings.slack_bot_token.get_secret_value():
        if settings.teams_bot_enabled:
            teams_auth(settings)  # refuses unsafe or incomplete Teams settings
        return None
    mode = check_slack_settings(settings)
    if settings.teams_bot_enabled:
        teams_auth(settings)
    return mode


def check_slack_settings(settings: Settings) -> str:
    """The transport to use ("http" or "socket"), or a ConfigError saying what to set."""
    if not settings.slack_bot_token.get_secret_value():
        raise ConfigError(
            "no chat platform is set up: for Slack, create the app from "
            "deploy/slack-manifest.yaml and set SLACK_BOT_TOKEN (xoxb-…); for Teams, see "
            "deploy/teams/README.md (MICROSOFT_APP_ID or BRIEFBOT_TEAMS_WEBHOOKS)"
        )
    if socket_mode(settings):
        return "socket"
    if not settings.slack_signing_secret.get_secret_value():
        raise ConfigError(
            "set SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode); "
            "both are on the Slack app's Basic Information page"
        )
    return "http"


def build_web_app(
    bolt: AsyncApp | None,
    store: ArticleStore,
    mode: str,
    teams: TeamsBot | None = None,
    metrics: Metrics | None = None,
) -> web.Application:
    """/healthz (up), /readyz (database reachable, schema current), /metrics, /slack/events
    (Slack's HTTP mode) and /api/messages (the Teams bot)."""

    async def events(request: web.Request) -> web.Response:
        assert bolt is not None
        response = await bolt.async_dispatch(await to_bolt_request(request))
        return await to_aiohttp_response(response)

    async def health(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "mode": mode})

    async def ready(_request: web.Request) -> web.Response:
        try:
            version = await store.schema_version()
        except (SQLAlchemyError, OSError):
            return web.json_response({"status": "unavailable", "database": "down"}, status=503)
        if version < latest_version():
            body = {"status": "unavailable", "schema": version, "needs": latest_version()}
            return web.json_response(body, status=503)
        return web.json_response({"status": "ok", "mode": mode, "schema": version})

    async def scrape(_request: web.Request) -> web.Response:
        assert metrics is not None
        try:
            body = await metrics.exposition()
        except (SQLAlchemyError, OSError):
            return web.Response(status=503, text="database unavailable\n")
        return web.Response(body=body, content_type="text/plain", charset="utf-8")

    web_app = web.Application(middlewares=[metrics.middleware()] if metrics else [])
    web_app.router.add_get("/healthz", health)
    web_app.router.add_get("/readyz", ready)
    if metrics is not None:
        web_app.router.add_get("/metrics", scrape)
    if bolt is not None:
        web_app.router.add_post("/slack/events", events)
    if teams is not None:
        teams.configure(web_app)
    return web_app


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


@dataclass
class Assembly:
    """Everything `briefbot run` is made of, before it listens or schedules anything."""

    services: Services
    chat: ChatService
    bolt: AsyncApp | None
    teams: TeamsBot | None
    deliveries: DeliveryService
    jobs: Jobs
    metrics: Metrics
    mode: str


@asynccontextmanager
async def assembled(
    settings: Settings, config: BriefbotConfig, *, now: Callable[[], datetime] = utc_now
) -> AsyncIterator[Assembly]:
    """Build the services, the chat apps and the delivery platforms from settings."""
    slack_mode = check_settings(settings)
    instance = instance_id()
    lease = timedelta(seconds=settings.claim_lease)
    async with (
        open_services(settings, now=now) as services,
        httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=10.0)) as webhook_http,
    ):
        store = services.store
        chat = ChatService(
            store,
            config,
            services.briefings,
            services.questions,
            OnDemandSummariser(services.fetcher, services.summariser),
            now=now,
        )
        platforms: dict[str, ChatPlatform] = {}
        client = build_web_client(settings, instance=instance) if slack_mode else None
        bolt = None
        if client is not None:
            bolt = build_app(settings, chat, store, client, now=now)
            platforms["slack"] = SlackDelivery(client)
        teams = TeamsBot(settings, chat, store, now=now) if settings.teams_bot_enabled else None
        if teams is not None or settings.teams_webhooks:
            webhooks = {k: v.get_secret_value() for k, v in settings.teams_webhooks.items()}
            platforms["teams"] = TeamsDelivery(webhook_http, webhooks, bot=teams)
        deliveries = DeliveryService(
            store, services.briefings, config, platforms, now=now, lease=lease
        )
        jobs = Jobs(
            collector=services.collector,
            deliveries=deliveries,
            store=store,
            config=config,
            now=now,
            instance=instance,
            collect_every=timedelta(minutes=settings.collect_every),
            lease=lease,
        )

        async def figures() -> list[Metric]:
            return store_metrics(await store.figures())

        try:
            yield Assembly(
                services,
                chat,
                bolt,
                teams,
                deliveries,
                jobs,
                Metrics(figures),
                slack_mode or "teams",
            )
        finally:
            if client is not None and client.session is not None:
                await client.session.close()


@asynccontextmanager
async def running(
    settings: Settings,
    config: BriefbotConfig,
    *,
    now: Callable[[], datetime] = utc_now,
    schedule: bool = True,
) -> AsyncIterator[Runtime]:
    """Start the app (and the scheduler); stop everything on the way out."""
    async with assembled(settings, config, now=now) as parts:
        mode, bolt = parts.mode, parts.bolt
        runner = web.AppRunner(
            build_web_app(
                bolt if mode == "http" else None,
                parts.services.store,
                mode,
                parts.teams,
                parts.metrics,
            ),
            access_log=None,
        )
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
            if scheduler is not None:
                scheduler.shutdown(wait=False)
            if parts.teams is not None:  # answers on their way (within a stop's grace period)
                await parts.teams.drain(timeout=DRAIN_SECONDS)
            if socket is not None:
                await socket.close_async()  # type: ignore[no-untyped-call]
            await runner.cleanup()


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
