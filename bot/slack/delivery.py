"""Posting briefings to Slack channels: the `ChatPlatform` delivery uses for Slack.

A briefing is posted as one message (split into its thread when it is longer than Slack
allows) carrying message metadata (`briefbot_briefing` with the delivery key), which is how an
interrupted delivery finds out, from the channel's history, that it already posted.
"""

from __future__ import annotations

import logging
from datetime import datetime
from typing import Any

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import DeliveryError
from bot.models import Briefing
from bot.slack.render import briefing_blocks, fallback_text, split_messages

log = logging.getLogger(__name__)

EVENT_TYPE = "briefbot_briefing"
HISTORY_PAGES = 5


def slack_failure(exc: Exception) -> DeliveryError:
    """A Slack or network failure as a user-safe error (Slack's error code, never a dump)."""
    if isinstance(exc, SlackApiError):
        code = exc.response.get("error") if exc.response is not None else None
        return DeliveryError(f"Slack refused the request ({code or 'unknown error'})")
    return DeliveryError("Slack could not be reached")


SLACK_ERRORS = (SlackApiError, SlackRequestError, ClientError, TimeoutError)


class SlackDelivery:
    """Slack as a delivery platform."""

    name = "slack"

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client

    async def post_briefing(self, channel: str, briefing: Briefing, *, key: str) -> str:
        parts = split_messages(briefing_blocks(briefing))
        text = fallback_text(briefing)
        metadata = {
            "event_type": EVENT_TYPE,
            "event_payload": {"key": key, "topic": briefing.topic},
        }
        try:
            first = await self.client.chat_postMessage(
                channel=channel,
                text=text,
                blocks=parts[0],
                metadata=metadata,
                unfurl_links=False,
                unfurl_media=False,
            )
            ts = str(first["ts"])
            for n, part in enumerate(parts[1:], start=2):
                await self.client.chat_postMessage(
                    channel=channel,
                    thread_ts=ts,
                    text=f"{text} (part {n} of {len(parts)})",
                    blocks=part,
                    unfurl_links=False,
                    unfurl_media=False,
                )
        except SLACK_ERRORS as exc:
            raise slack_failure(exc) from exc
        return ts

    async def find_briefing(self, channel: str, *, key: str, since: datetime) -> str | None:
        cursor: str | None = None
        try:
            for _ in range(HISTORY_PAGES):
                args: dict[str, Any] = {
                    "channel": channel,
                    "oldest": f"{since.timestamp():.6f}",
                    "include_all_metadata": True,
                    "limit": 200,
                }
                if cursor:
                    args["cursor"] = cursor
                page = await self.client.conversations_history(**args)
                for message in page.get("messages") or []:
                    meta = message.get("metadata") or {}
                    payload = meta.get("event_payload") or {}
                    if meta.get("event_type") == EVENT_TYPE and payload.get("key") == key:
                        return str(message["ts"])
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
        except SLACK_ERRORS as exc:
            raise slack_failure(exc) from exc
        return None
