"""The Slack app, built from settings by functions (nothing is created at import time).

    client = build_web_client(settings)          # Web API client, 429s retried
    app = build_app(settings, chat, conversations, client, now=...)

Events are claimed by id in the store before any listener sees them, so Slack's retries
(`X-Slack-Retry-Num`) and replicas never answer one event twice.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from slack_bolt.async_app import AsyncApp
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat import ChatService
from bot.config import Settings
from bot.slack.listeners import register_all
from bot.store.chat import Conversations

log = logging.getLogger(__name__)

RATE_LIMIT_RETRIES = 3


def build_web_client(settings: Settings, *, instance: str = "") -> AsyncWebClient:
    """The Web API client: Slack's URL (or BRIEFBOT_SLACK_API_URL), 429s retried after
    Retry-After by slack_sdk's handler; the User-Agent names the replica."""
    base = (
        settings.slack_api_url
        if settings.slack_api_url.endswith("/")
        else settings.slack_api_url + "/"
    )
    client = AsyncWebClient(
        token=settings.slack_bot_token.get_secret_value() or None,
        base_url=base,
        user_agent_suffix=f"briefbot-instance/{instance}" if instance else None,
    )
    client.retry_handlers.append(
        AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES)
    )
    return client


def build_app(
    settings: Settings,
    chat: ChatService,
    conversations: Conversations,
    client: AsyncWebClient,
    *,
    now: Callable[[], datetime],
) -> AsyncApp:
    """The Bolt app with every listener registered."""
    over_socket = settings.slack_socket_mode
    app = AsyncApp(
        client=client,
        signing_secret=settings.slack_signing_secret.get_secret_value() or "",
        # Socket Mode messages are not signed; HTTP requests always are checked.
        request_verification_enabled=not over_socket,
        raise_error_for_unhandled_request=False,
        logger=logging.getLogger("bot.slack.bolt"),
    )

    async def once_per_event(
        body: dict[str, Any], next: Callable[[], Awaitable[None]]
    ) -> BoltResponse | None:
        event_id = body.get("event_id") if body.get("type") == "event_callback" else None
        if event_id and not await conversations.claim_event(str(event_id), now()):
            log.info("event %s already handled (Slack retry)", event_id)
            return BoltResponse(status=200, body="")
        await next()
        return None

    app.middleware(once_per_event)
    register_all(app, chat)
    return app
