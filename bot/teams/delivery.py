"""Posting briefings to Teams channels: the `ChatPlatform` delivery uses for Teams.

A channel is either the name of a Workflows webhook (BRIEFBOT_TEAMS_WEBHOOKS) or the id of a
conversation where the bot is installed (posted proactively through the Bot Connector). 429s
and 5xx answers are retried with backoff (Retry-After when given). Neither a webhook nor the
Bot Connector can read a channel's history, so an attempt interrupted after posting cannot be
recognised the way Slack's metadata allows; the claim in the store still guarantees a retry
or a second replica never posts twice.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from datetime import datetime
from typing import Protocol

import httpx

from bot.errors import DeliveryError
from bot.models import Briefing
from bot.store.feedback import Kind
from bot.teams.cards import Card, briefing_cards, webhook_message

log = logging.getLogger(__name__)

RETRIED = {429, 500, 502, 503, 504}
MAX_ATTEMPTS = 4
MAX_WAIT = 30.0


class ProactiveSender(Protocol):
    async def send_card(
        self, conversation: str, card: Card, text: str, *, rated: Kind | None = "briefing"
    ) -> str: ...


class TeamsDelivery:
    """Teams as a delivery platform: Workflows webhooks, or the bot where it is installed."""

    name = "teams"

    def __init__(
        self,
        http: httpx.AsyncClient,
        webhooks: Mapping[str, str],
        *,
        bot: ProactiveSender | None = None,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        self.http = http
        self.webhooks = dict(webhooks)
        self.bot = bot
        self.sleep = sleep

    async def post_briefing(self, channel: str, briefing: Briefing, *, key: str) -> str:
        cards = briefing_cards(briefing)
        if channel in self.webhooks:
            for card in cards:
                await self._post_webhook(channel, webhook_message(card))
            return f"webhook:{key}"
        if self.bot is not None:
            # The last card of a briefing carries the thumbs up/down.
            refs = [
                await self.bot.send_card(
                    channel, card, briefing.title, rated="briefing" if n == len(cards) else None
                )
                for n, card in enumerate(cards, 1)
            ]
            return refs[0]
        raise DeliveryError(
            f"no Teams webhook named {channel!r} in BRIEFBOT_TEAMS_WEBHOOKS, "
            "and the Teams bot is not configured"
        )

    async def find_briefing(self, channel: str, *, key: str, since: datetime) -> str | None:
        return None  # see the module docstring

    async def finish_briefing(
        self, channel: str, ref: str, briefing: Briefing, *, key: str
    ) -> None:
        return None  # never called: find_briefing finds nothing to finish

    async def _post_webhook(self, name: str, payload: dict[str, object]) -> None:
        url = self.webhooks[name]
        for attempt in range(1, MAX_ATTEMPTS + 1):
            try:
                response = await self.http.post(url, json=payload)
            except httpx.HTTPError as exc:
                problem = f"could not reach the {name!r} webhook ({type(exc).__name__})"
                wait = 2.0**attempt
            else:
                if response.status_code < 300:
                    return
                problem = f"the {name!r} webhook answered {response.status_code}"
                if response.status_code not in RETRIED:
                    raise DeliveryError(problem)
                wait = _retry_after(response) or 2.0**attempt
            if attempt == MAX_ATTEMPTS:
                raise DeliveryError(problem)
            log.info("%s; retrying in %.1f s", problem, wait)
            await self.sleep(min(wait, MAX_WAIT))


def _retry_after(response: httpx.Response) -> float | None:
    try:
        return float(response.headers["Retry-After"])
    except (KeyError, ValueError):
        return None
