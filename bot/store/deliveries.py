"""Briefings, delivery claims, chat subscriptions, muted file schedules and briefing posts:
what makes each channel get its briefing exactly once, across retries, crashes and replicas,
and lets the reply listener know which messages are briefings.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any, Literal

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite

from bot.models import Subscription
from bot.store import schema
from bot.store.db import Database, row_to


@dataclass(frozen=True, slots=True)
class StoredBriefing:
    id: int
    topic: str
    briefing_date: str
    created_at: datetime
    window_start: datetime
    window_end: datetime
    story_ids: tuple[int, ...]
    payload: dict[str, Any]


@dataclass(frozen=True, slots=True)
class DeliveryClaim:
    """The outcome of claiming a day's delivery to a channel.

    new: nobody tried before, post it. resumed: an earlier attempt did not finish (a crash, an
    error); look for its message before posting again. done: already posted. busy: another
    worker holds a fresh claim."""

    id: int
    state: Literal["new", "resumed", "done", "busy"]
    attempts: int
    claimed_at: datetime
    message_ref: str | None = None


@dataclass(frozen=True, slots=True)
class DeliveryRecord:
    """One row of the delivery log: a topic's briefing of a date to one channel."""

    id: int
    topic: str
    platform: str
    channel: str
    delivery_date: str
    status: str
    attempts: int
    claimed_at: datetime
    completed_at: datetime | None
    message_ref: str | None
    briefing_id: int | None


class Deliveries:
    """Briefings, the delivery log and subscriptions."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def briefing_of(self, topic: str, briefing_date: str) -> StoredBriefing | None:
        """The topic's briefing of a date, if one was made."""
        latest = await self.last_briefing(topic, before_date=_next_day(briefing_date))
        return latest if latest and latest.briefing_date == briefing_date else None

    async def last_briefing(
        self, topic: str, *, before_date: str | None = None
    ) -> StoredBriefing | None:
        """The newest briefing of the topic, or the newest dated before `before_date`."""
        t = schema.briefings
        query = sa.select(t).where(t.c.topic == topic)
        if before_date is not None:
            query = query.where(t.c.briefing_date < before_date)
        query = query.order_by(t.c.briefing_date.desc()).limit(1)
        async with self.db.engine.connect() as conn:
            row = (await conn.execute(query)).first()
        if row is None:
            return None
        m = row._mapping
        return StoredBriefing(
            id=m["id"],
            topic=m["topic"],
            briefing_date=m["briefing_date"],
            created_at=m["created_at"],
            window_start=m["window_start"],
            window_end=m["window_end"],
            story_ids=tuple(json.loads(m["story_ids"])),
            payload=json.loads(m["payload"]),
        )

    async def save_briefing(
        self,
        *,
        topic: str,
        briefing_date: str,
        created_at: datetime,
        window_start: datetime,
        window_end: datetime,
        story_ids: Sequence[int],
        payload: dict[str, Any],
        degraded: bool,
    ) -> int:
        """Store the topic's briefing for a date; re-running the same day replaces it."""
        t = schema.briefings
        values = {
            "created_at": created_at,
            "window_start": window_start,
            "window_end": window_end,
            "story_ids": json.dumps(list(story_ids)),
            "payload": json.dumps(payload, ensure_ascii=False),
            "degraded": degraded,
        }
        dialect_insert = postgresql.insert if self.db.dialect == "postgresql" else sqlite.insert
        statement = (
            dialect_insert(t)
            .values(topic=topic, briefing_date=briefing_date, **values)
            .on_conflict_do_update(index_elements=["topic", "briefing_date"], set_=values)
            .returning(t.c.id)
        )
        async with self.db.engine.begin() as conn:
            return int((await conn.execute(statement)).scalar_one())

    async def claim_delivery(
        self,
        *,
        topic: str,
        platform: str,
        channel: str,
        delivery_date: str,
        now: datetime,
        lease: timedelta,
    ) -> DeliveryClaim:
        """Claim the day's delivery of a topic to a channel (unique per topic, channel and
        date). A claim older than `lease` that never completed can be taken over."""
        t = schema.deliveries
        insert = self.db.insert_ignore(t, ["topic", "platform", "channel", "delivery_date"])
        async with self.db.engine.begin() as conn:
            inserted = (
                await conn.execute(
                    insert.values(
                        topic=topic,
                        platform=platform,
                        channel=channel,
                        delivery_date=delivery_date,
                        status="claimed",
                        attempts=1,
                        claimed_at=now,
                    ).returning(t.c.id)
                )
            ).scalar()
            if inserted is not None:
                return DeliveryClaim(int(inserted), "new", 1, now)
            row = (
                (
                    await conn.execute(
                        sa.select(t).where(
                            t.c.topic == topic,
                            t.c.platform == platform,
                            t.c.channel == channel,
                            t.c.delivery_date == delivery_date,
                        )
                    )
                )
                .one()
                ._mapping
            )
            if row["status"] == "posted":
                return DeliveryClaim(
                    row["id"], "done", row["attempts"], row["claimed_at"], row["message_ref"]
                )
            if row["claimed_at"] > now - lease:
                return DeliveryClaim(row["id"], "busy", row["attempts"], row["claimed_at"])
            # Take the stale claim over only if nobody else did in the meantime.
            taken = await conn.execute(
                t.update()
                .where(t.c.id == row["id"], t.c.claimed_at == row["claimed_at"])
                .where(t.c.status != "posted")
                .values(claimed_at=now, attempts=t.c.attempts + 1, status="claimed")
            )
            if taken.rowcount != 1:
                return DeliveryClaim(row["id"], "busy", row["attempts"], row["claimed_at"])
            return DeliveryClaim(row["id"], "resumed", row["attempts"] + 1, now)

    async def complete_delivery(
        self, claim_id: int, *, message_ref: str, briefing_id: int | None, now: datetime
    ) -> None:
        t = schema.deliveries
        async with self.db.engine.begin() as conn:
            await conn.execute(
                t.update()
                .where(t.c.id == claim_id)
                .values(
                    status="posted",
                    message_ref=message_ref,
                    briefing_id=briefing_id,
                    completed_at=now,
                )
            )

    async def fail_delivery(self, claim_id: int) -> None:
        """Mark a claim failed; it is retried once its lease runs out."""
        t = schema.deliveries
        async with self.db.engine.begin() as conn:
            await conn.execute(
                t.update().where(t.c.id == claim_id, t.c.status != "posted").values(status="failed")
            )

    async def deliveries(
        self, *, topic: str | None = None, date: str | None = None, last: int | None = None
    ) -> list[DeliveryRecord]:
        """Deliveries (of a topic, of a local date, or the last few), oldest first."""
        t = schema.deliveries
        query = sa.select(t).order_by(t.c.id)
        if topic is not None:
            query = query.where(t.c.topic == topic)
        if date is not None:
            query = query.where(t.c.delivery_date == date)
        if last is not None:
            query = sa.select(t).order_by(t.c.id.desc()).limit(last).subquery().select()
            query = query.order_by(query.selected_columns.id)
        async with self.db.engine.connect() as conn:
            return [row_to(DeliveryRecord, r) for r in await conn.execute(query)]

    async def delivery(self, delivery_id: int) -> DeliveryRecord | None:
        t = schema.deliveries
        async with self.db.engine.connect() as conn:
            row = (await conn.execute(sa.select(t).where(t.c.id == delivery_id))).first()
        return row_to(DeliveryRecord, row) if row else None

    async def release_delivery(self, delivery_id: int, *, now: datetime, lease: timedelta) -> bool:
        """Make an unfinished delivery claimable at once (an operator's retry); False when it
        was already posted."""
        t = schema.deliveries
        async with self.db.engine.begin() as conn:
            done = await conn.execute(
                t.update()
                .where(t.c.id == delivery_id, t.c.status != "posted")
                .values(status="failed", claimed_at=now - lease - timedelta(seconds=1))
            )
        return bool(done.rowcount)

    async def delivery_topic(self, platform: str, channel: str, message_ref: str) -> str | None:
        """The topic of a briefing posted as `message_ref` in a channel (for thread replies):
        a scheduled delivery, or a briefing posted on request (`record_post`)."""
        async with self.db.engine.connect() as conn:
            for t in (schema.deliveries, schema.briefing_posts):
                topic = (
                    await conn.execute(
                        sa.select(t.c.topic)
                        .where(
                            t.c.platform == platform,
                            t.c.channel == channel,
                            t.c.message_ref == message_ref,
                        )
                        .limit(1)
                    )
                ).scalar()
                if topic is not None:
                    return str(topic)
        return None

    async def record_post(
        self, *, topic: str, platform: str, channel: str, message_ref: str, now: datetime
    ) -> None:
        """Remember a briefing posted on request, so replies in its thread are answered."""
        t = schema.briefing_posts
        async with self.db.engine.begin() as conn:
            await conn.execute(
                self.db.insert_ignore(t, ["platform", "channel", "message_ref"]).values(
                    platform=platform,
                    channel=channel,
                    message_ref=message_ref,
                    topic=topic,
                    posted_at=now,
                )
            )

    async def mute(
        self, topic: str, platform: str, channel: str, *, now: datetime, by: str | None
    ) -> bool:
        """Mute a briefbot.toml schedule in a channel; True when it was not muted yet."""
        t = schema.schedule_mutes
        async with self.db.engine.begin() as conn:
            done = await conn.execute(
                self.db.insert_ignore(t, ["topic", "platform", "channel"]).values(
                    topic=topic, platform=platform, channel=channel, muted_at=now, muted_by=by
                )
            )
        return bool(done.rowcount)

    async def unmute(self, topic: str, platform: str, channel: str) -> bool:
        """Let a muted briefbot.toml schedule run again; True when it was muted."""
        t = schema.schedule_mutes
        async with self.db.engine.begin() as conn:
            done = await conn.execute(
                t.delete().where(
                    t.c.topic == topic, t.c.platform == platform, t.c.channel == channel
                )
            )
        return bool(done.rowcount)

    async def muted(self) -> set[tuple[str, str, str]]:
        """The muted schedules, as (topic, platform, channel) keys."""
        t = schema.schedule_mutes
        async with self.db.engine.connect() as conn:
            rows = await conn.execute(sa.select(t.c.topic, t.c.platform, t.c.channel))
            return {(r.topic, r.platform, r.channel) for r in rows}

    async def subscribe(self, subscription: Subscription, *, now: datetime, by: str | None) -> bool:
        """Add or update a chat subscription; True when it is new."""
        t = schema.subscriptions
        values = {"at": subscription.at, "timezone": subscription.timezone}
        async with self.db.engine.begin() as conn:
            updated = await conn.execute(
                t.update()
                .where(
                    t.c.platform == subscription.platform,
                    t.c.channel == subscription.channel,
                    t.c.topic == subscription.topic,
                )
                .values(**values)
            )
            if updated.rowcount:
                return False
            await conn.execute(
                self.db.insert_ignore(t, ["platform", "channel", "topic"]).values(
                    platform=subscription.platform,
                    channel=subscription.channel,
                    topic=subscription.topic,
                    created_at=now,
                    created_by=by,
                    **values,
                )
            )
            return True

    async def unsubscribe(self, platform: str, channel: str, topic: str | None = None) -> list[str]:
        """Remove a channel's chat subscriptions (one topic's or all); returns the topics."""
        t = schema.subscriptions
        where = [t.c.platform == platform, t.c.channel == channel]
        if topic is not None:
            where.append(t.c.topic == topic)
        async with self.db.engine.begin() as conn:
            topics = list((await conn.execute(sa.select(t.c.topic).where(*where))).scalars())
            await conn.execute(t.delete().where(*where))
        return topics

    async def subscriptions(self, platform: str | None = None) -> list[Subscription]:
        t = schema.subscriptions
        query = sa.select(t).order_by(t.c.id)
        if platform is not None:
            query = query.where(t.c.platform == platform)
        async with self.db.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        return [
            Subscription(r.topic, r.platform, r.channel, r.at, r.timezone, origin="chat")
            for r in rows
        ]


def _next_day(day: str) -> str:
    return (date.fromisoformat(day) + timedelta(days=1)).isoformat()
