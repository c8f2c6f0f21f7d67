"""Posting briefings to Slack channels: the `ChatPlatform` delivery uses for Slack.

A briefing is posted as one message (split into its thread when it is longer than Slack
allows) carrying message metadata (`briefbot_briefing` with the delivery key), which is how an
interrupted delivery finds out, from the channel's history, that it already posted. Each
thread part carries `briefbot_briefing_part` metadata with its number, so a delivery that died
between parts posts only the parts still missing.

A channel may be given by name (`#trade-desk`); it is posted to, and looked up, by its id,
which is what Slack's history methods need and what thread replies carry. The first message
ends with thumbs up/down (unless feedback is off).
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime
from typing import Any

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient
from slack_sdk.web.async_slack_response import AsyncSlackResponse

from bot.errors import BriefbotError, DeliveryError
from bot.models import Briefing
from bot.slack.channels import ChannelResolver
from bot.slack.feedback import with_feedback
from bot.slack.render import MAX_BLOCKS, Block, briefing_blocks, fallback_text, split_messages

log = logging.getLogger(__name__)

EVENT_TYPE = "briefbot_briefing"
PART_EVENT_TYPE = "briefbot_briefing_part"
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

    def __init__(
        self,
        client: AsyncWebClient,
        channels: ChannelResolver | None = None,
        *,
        feedback: bool = True,
    ) -> None:
        self.client = client
        self.channels = channels
        self.feedback = feedback

    async def _id(self, channel: str) -> str:
        """The channel's id (a name is looked up; an id is kept)."""
        if self.channels is None:
            return channel
        try:
            return await self.channels.channel_id(channel)
        except BriefbotError as exc:
            raise DeliveryError(exc.reason) from exc

    def _refused(self, exc: Exception) -> DeliveryError:
        """A Slack failure as our error; `channel_not_found` refreshes the channel names."""
        if (
            self.channels is not None
            and isinstance(exc, SlackApiError)
            and exc.response is not None
            and exc.response.get("error") == "channel_not_found"
        ):
            self.channels.forget()
        return slack_failure(exc)

    def _parts(self, briefing: Briefing, key: str) -> list[list[Block]]:
        """The briefing's messages; the first ends with the feedback block when it is on."""
        room = MAX_BLOCKS - 1 if self.feedback else MAX_BLOCKS
        parts = split_messages(briefing_blocks(briefing), max_blocks=room)
        parts[0] = with_feedback(parts[0], "briefing", key, on=self.feedback)
        return parts

    async def post_briefing(self, channel: str, briefing: Briefing, *, key: str) -> str:
        channel = await self._id(channel)
        parts = self._parts(briefing, key)
        text = fallback_text(briefing)
        metadata = {
            "event_type": EVENT_TYPE,
            "event_payload": {"key": key, "topic": briefing.topic, "parts": len(parts)},
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
        except SLACK_ERRORS as exc:
            raise self._refused(exc) from exc
        ts = str(first["ts"])
        await self._post_parts(channel, ts, text, parts, key=key, skip=set())
        return ts

    async def finish_briefing(
        self, channel: str, ref: str, briefing: Briefing, *, key: str
    ) -> None:
        parts = self._parts(briefing, key)
        if len(parts) < 2:
            return
        channel = await self._id(channel)
        found = await self._marked(
            self.client.conversations_replies, {"channel": channel, "ts": ref}, PART_EVENT_TYPE, key
        )
        posted = {int(payload.get("part") or 0) for _, payload in found}
        if len(posted) < len(parts) - 1:
            log.info(
                "briefing %s: posting %d missing thread part(s)", key, len(parts) - 1 - len(posted)
            )
        await self._post_parts(channel, ref, fallback_text(briefing), parts, key=key, skip=posted)

    async def _post_parts(
        self,
        channel: str,
        ts: str,
        text: str,
        parts: list[list[dict[str, Any]]],
        *,
        key: str,
        skip: set[int],
    ) -> None:
        """Parts 2… of a briefing into the first message's thread, but those in `skip`."""
        try:
            for n, part in enumerate(parts[1:], start=2):
                if n in skip:
                    continue
                await self.client.chat_postMessage(
                    channel=channel,
                    thread_ts=ts,
                    text=f"{text} (part {n} of {len(parts)})",
                    blocks=part,
                    metadata={
                        "event_type": PART_EVENT_TYPE,
                        "event_payload": {"key": key, "part": n},
                    },
                    unfurl_links=False,
                    unfurl_media=False,
                )
        except SLACK_ERRORS as exc:
            raise self._refused(exc) from exc

    async def find_briefing(self, channel: str, *, key: str, since: datetime) -> str | None:
        channel = await self._id(channel)
        args = {"channel": channel, "oldest": f"{since.timestamp():.6f}"}
        found = await self._marked(
            self.client.conversations_history, args, EVENT_TYPE, key, first=True
        )
        return str(found[0][0]["ts"]) if found else None

    async def _marked(
        self,
        method: Callable[..., Awaitable[AsyncSlackResponse]],
        args: dict[str, Any],
        event_type: str,
        key: str,
        *,
        first: bool = False,
    ) -> list[tuple[dict[str, Any], dict[str, Any]]]:
        """(message, metadata payload) of the messages a history method returns that carry
        our metadata for this delivery key; pages through at most HISTORY_PAGES pages."""
        found: list[tuple[dict[str, Any], dict[str, Any]]] = []
        cursor: str | None = None
        try:
            for _ in range(HISTORY_PAGES):
                extra = {"cursor": cursor} if cursor else {}
                page = await method(**args, **extra, include_all_metadata=True, limit=200)
                for message in page.get("messages") or []:
                    meta = message.get("metadata") or {}
                    payload = meta.get("event_payload") or {}
                    if meta.get("event_type") == event_type and payload.get("key") == key:
                        found.append((message, payload))
                        if first:
                            return found
                cursor = (page.get("response_metadata") or {}).get("next_cursor")
                if not cursor:
                    break
        except SLACK_ERRORS as exc:
            raise self._refused(exc) from exc
        return found
