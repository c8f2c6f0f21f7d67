"""The one web server's routes: /healthz, /readyz, /metrics, Slack's /slack/events (HTTP mode)
and the Teams bot's /api/messages. Routing only: what a request does is the apps' business.
"""

from __future__ import annotations

import logging

from aiohttp import web
from slack_bolt.adapter.aiohttp import to_aiohttp_response, to_bolt_request
from slack_bolt.async_app import AsyncApp
from sqlalchemy.exc import SQLAlchemyError

from bot.errors import StoreError
from bot.observe import Metrics
from bot.store.db import Database
from bot.store.migrations import latest_version
from bot.teams.bot import TeamsBot

log = logging.getLogger(__name__)


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
        try:
            parsed = await to_bolt_request(request)
        except (ValueError, AttributeError, TypeError, KeyError) as exc:
            # not UTF-8, not JSON, JSON that is not an object, a payload that is not JSON …
            # Refused before the signature is checked: nothing in it was read or trusted.
            log.warning("refused a Slack request that could not be parsed (%s)", type(exc).__name__)
            return web.Response(status=400, text="bad request\n")
        response = await bolt.async_dispatch(parsed)
        return await to_aiohttp_response(response)

    async def health(_request: web.Request) -> web.Response:
        return web.json_response({"status": "ok", "mode": mode})

    async def ready(_request: web.Request) -> web.Response:
        try:
            version = await db.schema_version()
        except (SQLAlchemyError, OSError, StoreError):
            return web.json_response({"status": "unavailable", "database": "down"}, status=503)
        if version < latest_version():
            body = {"status": "unavailable", "schema": version, "needs": latest_version()}
            return web.json_response(body, status=503)
        return web.json_response({"status": "ok", "mode": mode, "schema": version})

    async def scrape(_request: web.Request) -> web.Response:
        assert metrics is not None
        try:
            body = await metrics.exposition()
        except (SQLAlchemyError, OSError, StoreError):
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
