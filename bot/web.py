"""The one web server's routes: /healthz, /readyz, /metrics, Slack's /slack/events (HTTP mode)
and the Teams bot's /api/messages. Routing only: what a request does is the apps' business.
"""

from __future__ import annotations

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from sqlalchemy.exc import SQLAlchemyError

from bot.observe import Metrics
from bot.store.db import Database
from bot.store.migrations import latest_version
from bot.teams.bot import TeamsBot


def build_web_app(
    bolt: AsyncApp | None,
    db: Database,
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
            version = await db.schema_version()
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
