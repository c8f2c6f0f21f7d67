"""The Slack app, built from settings by functions (nothing is created at import time).

    client = build_web_client(settings)          # Web API client, 429s retried
    async with AnswerPool(settings.answer_workers) as pool:
        app = build_app(settings, chat, conversations, client, pool, now=...)

Events are claimed by id in the store, so Slack's retries (`X-Slack-Retry-Num`) and replicas
never answer one event twice; a slash command is claimed the same way by its team and
`trigger_id`, so a replayed signed `/brief` runs once (`claims.py`: the claim is written while
the request is acked, and waited for before anything is shown). Listeners ack, then hand the
work to `pool` (`bot.slack.answering`), which answers a bounded number of requests at a time.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

import aiohttp
from slack_bolt.async_app import AsyncApp
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.http_retry.builtin_async_handlers import AsyncRateLimitErrorRetryHandler
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat import ChatService
from bot.config import Settings
from bot.slack import feedback as feedback_listener
from bot.slack.answering import AnswerPool
from bot.slack.channels import ChannelResolver
from bot.slack.claims import claim_key, start_claim
from bot.slack.listeners import assistant, register_all
from bot.slack.respond import PooledResponses
from bot.store.chat import Conversations
from bot.store.feedback import Feedback

log = logging.getLogger(__name__)

RATE_LIMIT_RETRIES = 3


class ClaimOnce(AsyncMiddleware):
    """Starts each request's claim (`claims.py`) before any listener sees it.

    A middleware object, not a function: Bolt calls a function middleware with arguments it
    builds for it on every request (two dozen, `say` and `respond` among them), a cost paid
    between the request's arrival and its ack."""

    def __init__(
        self,
        claim: Callable[[str, datetime], Awaitable[bool]],
        pool: AnswerPool,
        now: Callable[[], datetime],
    ) -> None:
        self.claim = claim
        self.pool = pool
        self.now = now

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        key = claim_key(req.body)
        if key:
            at = self.now()
            # Written while the request is acked; listeners wait for it before they show
            # anything (`claims.first_time`).
            start_claim(req.context, key, lambda: self.claim(key, at), self.pool)
        return await next()


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


def shared_session(client: AsyncWebClient) -> aiohttp.ClientSession:
    """The client's aiohttp session, made if it has none (its owner closes it: `open_app`).

    Without one slack_sdk opens a session, a connection and a TLS handshake per call and
    closes them after it; with one, the Web API and response URLs reuse kept-alive
    connections (`respond.py`)."""
    if client.session is None:
        client.session = aiohttp.ClientSession(
            timeout=aiohttp.ClientTimeout(total=client.timeout),
            trust_env=client.trust_env_in_session,
        )
    return client.session


def build_app(
    settings: Settings,
    chat: ChatService,
    conversations: Conversations,
    client: AsyncWebClient,
    pool: AnswerPool,
    *,
    now: Callable[[], datetime],
    claim: Callable[[str, datetime], Awaitable[bool]] | None = None,
    channels: ChannelResolver | None = None,
    votes: Feedback | None = None,
) -> AsyncApp:
    """The Bolt app with every listener registered, answering in `pool` (requests claimed by
    `claim`, by default in `conversations`; channel renames kept in `channels`, thumbs up/down
    stored in `votes`)."""
    claim_event = claim or conversations.claim_event
    over_socket = settings.slack_socket_mode
    app = AsyncApp(
        client=client,
        signing_secret=settings.slack_signing_secret.get_secret_value() or "",
        # Socket Mode messages are not signed; HTTP requests always are checked.
        request_verification_enabled=not over_socket,
        raise_error_for_unhandled_request=False,
        logger=logging.getLogger("bot.slack.bolt"),
    )
    app.middleware(ClaimOnce(claim_event, pool, now))
    app.middleware(PooledResponses(shared_session(client)))
    feedback_on = settings.feedback and votes is not None
    agent = assistant.AgentOptions(conversations, now, feedback=feedback_on)
    register_all(app, chat, pool, agent)
    if votes is not None:
        feedback_listener.register(app, votes, now=now)
    if channels is not None:
        resolver = channels

        async def renamed(event: dict[str, Any]) -> None:
            channel = event.get("channel") or {}
            if channel.get("id") and channel.get("name"):
                resolver.renamed(str(channel["id"]), str(channel["name"]))

        app.event("channel_rename")(renamed)
    return app
