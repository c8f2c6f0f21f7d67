"""Delivery: claim → compose → post → complete, so a retry or a restart never posts twice.

Platform-agnostic: Slack and Teams implement `ChatPlatform` in their own packages; this module
imports neither. A delivery is claimed in the store (unique per topic, platform, channel and
local date) before anything is posted, and completed with the message's reference after. A
claim that never completed (a crash, a timeout, an error) is taken over once its lease runs
out, and the platform is asked first whether the briefing is already in the channel (Slack
message metadata), so an attempt that posted but died before completing is not repeated; if
it died between the parts of a long briefing, only the missing parts are posted.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass, replace
from datetime import datetime, time, timedelta
from typing import Literal, Protocol
from zoneinfo import ZoneInfo

from bot.briefing.compose import BriefingService
from bot.config import BriefbotConfig
from bot.errors import BriefbotError, RequestError
from bot.models import Briefing, Subscription
from bot.store.deliveries import Deliveries

log = logging.getLogger(__name__)

# How long a claim protects a delivery in progress; composing with a slow model fits in it.
LEASE = timedelta(minutes=10)
# A briefing more than this late (the bot was down all day) is skipped, not posted at night.
CATCH_UP = timedelta(hours=12)


class ChatPlatform(Protocol):
    """What delivery needs from a chat platform."""

    name: str

    async def post_briefing(self, channel: str, briefing: Briefing, *, key: str) -> str:
        """Post the briefing, marked with `key`; returns the message's reference."""
        ...

    async def find_briefing(self, channel: str, *, key: str, since: datetime) -> str | None:
        """The reference of a briefing marked `key` posted since a time, if there is one."""
        ...

    async def finish_briefing(
        self, channel: str, ref: str, briefing: Briefing, *, key: str
    ) -> None:
        """Post whatever is missing of a briefing whose first message (`ref`) is posted
        (the rest of a thread a dead attempt had started)."""
        ...


@dataclass(frozen=True, slots=True)
class DeliveryResult:
    subscription: Subscription
    date: str
    outcome: Literal["posted", "found", "skipped", "failed"]
    message_ref: str | None = None
    error: str | None = None


def delivery_key(subscription: Subscription, date: str) -> str:
    """What marks a delivered briefing (Slack message metadata carries it)."""
    return f"{subscription.topic}/{subscription.channel}/{date}"


def due_date(
    subscription: Subscription, now: datetime, *, catch_up: timedelta = CATCH_UP
) -> str | None:
    """The local date whose briefing is due in this channel now, or None (pure)."""
    zone = ZoneInfo(subscription.timezone)
    local = now.astimezone(zone)
    scheduled = datetime.combine(local.date(), time.fromisoformat(subscription.at), zone)
    if local < scheduled or local - scheduled > catch_up:
        return None
    return local.date().isoformat()


def next_due(subscription: Subscription, now: datetime) -> datetime:
    """When this channel's next briefing is due (pure; today's if its time has not come)."""
    zone = ZoneInfo(subscription.timezone)
    local = now.astimezone(zone)
    at = time.fromisoformat(subscription.at)
    scheduled = datetime.combine(local.date(), at, zone)
    if scheduled <= local:
        scheduled = datetime.combine(local.date() + timedelta(days=1), at, zone)
    return scheduled


def in_channel_zone(briefing: Briefing, subscription: Subscription) -> Briefing:
    """The briefing as a channel sees it: its dates and times in the channel's zone."""
    return replace(briefing, timezone=subscription.timezone)


def merge_subscriptions(
    config: BriefbotConfig,
    stored: list[Subscription],
    muted: Collection[tuple[str, str, str]] = (),
) -> list[Subscription]:
    """briefbot.toml's channels, less those muted from chat (`muted` keys), plus those
    subscribed from chat (chat settings win)."""
    merged: dict[tuple[str, str, str], Subscription] = {}
    for topic in config.topics:
        for channel in topic.channels:
            sub = Subscription(
                topic.name, channel.platform, channel.channel, channel.time, channel.timezone
            )
            if sub.key not in muted:
                merged[sub.key] = sub
    known = {t.name for t in config.topics}
    for sub in stored:
        if sub.topic in known:
            merged[sub.key] = sub
    return list(merged.values())


class DeliveryService:
    """Posts due briefings to every subscribed channel, through the platforms it is given."""

    def __init__(
        self,
        records: Deliveries,
        briefings: BriefingService,
        config: BriefbotConfig,
        platforms: Mapping[str, ChatPlatform],
        *,
        now: Callable[[], datetime],
        lease: timedelta = LEASE,
    ) -> None:
        self.records = records
        self.briefings = briefings
        self.config = config
        self.platforms = platforms
        self.now = now
        self.lease = lease

    async def subscriptions(self) -> list[Subscription]:
        """Every channel's schedule that runs: the file's (less the muted) and chat's."""
        return merge_subscriptions(
            self.config, await self.records.subscriptions(), await self.records.muted()
        )

    async def deliver_due(self) -> list[DeliveryResult]:
        """Deliver every briefing that is due now and not delivered yet."""
        results = []
        now = self.now()
        for sub in await self.subscriptions():
            date = due_date(sub, now)
            if date is None or sub.platform not in self.platforms:
                continue
            results.append(await self.deliver(sub, date))
        return results

    async def retry(self, delivery_id: int) -> DeliveryResult:
        """An operator's retry of one delivery: released, then delivered now (a platform that
        can tell is asked first whether it was posted after all)."""
        row = await self.records.delivery(delivery_id)
        if row is None:
            raise RequestError(f"there is no delivery {delivery_id}")
        sub = next(
            (
                s
                for s in await self.subscriptions()
                if s.key == (row.topic, row.platform, row.channel)
            ),
            Subscription(row.topic, row.platform, row.channel, "00:00", "UTC"),
        )
        if row.status == "posted":
            return DeliveryResult(sub, row.delivery_date, "skipped", row.message_ref)
        if sub.platform not in self.platforms:
            raise RequestError(f"{sub.platform} is not configured here, so it cannot be retried")
        await self.records.release_delivery(delivery_id, now=self.now(), lease=self.lease)
        return await self.deliver(sub, row.delivery_date)

    async def deliver(self, sub: Subscription, date: str) -> DeliveryResult:
        """Deliver one channel's briefing for a date, at most once."""
        platform = self.platforms[sub.platform]
        key = delivery_key(sub, date)
        claim = await self.records.claim_delivery(
            topic=sub.topic,
            platform=sub.platform,
            channel=sub.channel,
            delivery_date=date,
            now=self.now(),
            lease=self.lease,
        )
        if claim.state in ("done", "busy"):
            return DeliveryResult(sub, date, "skipped", claim.message_ref)
        try:
            if claim.state == "resumed":
                since = self.now() - self.lease * (claim.attempts + 1) - timedelta(days=1)
                ref = await platform.find_briefing(sub.channel, key=key, since=since)
                if ref is not None:
                    log.info("briefing %s was already posted (%s); completing", key, ref)
                    # The day's briefing as composed for that post (kept in the store).
                    posted = await self.briefings.as_posted(self.config.topic(sub.topic)[0])
                    await platform.finish_briefing(
                        sub.channel, ref, in_channel_zone(posted, sub), key=key
                    )
                    await self.records.complete_delivery(
                        claim.id, message_ref=ref, briefing_id=None, now=self.now()
                    )
                    return DeliveryResult(sub, date, "found", ref)
            topic = self.config.topic(sub.topic)[0]
            made = await self.briefings.make(topic)
            shown = in_channel_zone(made.briefing, sub)
            ref = await platform.post_briefing(sub.channel, shown, key=key)
        except BriefbotError as exc:
            log.warning("could not deliver %s: %s", key, exc)
            await self.records.fail_delivery(claim.id)
            return DeliveryResult(sub, date, "failed", error=str(exc))
        except Exception:  # one channel's failure never stops the others' briefings
            log.exception("could not deliver %s", key)
            await self.records.fail_delivery(claim.id)
            return DeliveryResult(sub, date, "failed", error="unexpected error (see the log)")
        await self.records.complete_delivery(
            claim.id, message_ref=ref, briefing_id=made.id, now=self.now()
        )
        return DeliveryResult(sub, date, "posted", ref)
