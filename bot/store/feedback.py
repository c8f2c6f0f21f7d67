"""Thumbs up/down on answers and briefing messages: one vote per person and message (the
newest wins), people kept only as a hash. It stores and counts; it never renders.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Literal

import sqlalchemy as sa

from bot.store import schema
from bot.store.db import Database

Kind = Literal["answer", "briefing"]
Value = Literal["up", "down"]


@dataclass(frozen=True, slots=True)
class Vote:
    platform: str
    channel: str
    message_ts: str
    kind: Kind
    ref: str
    value: Value
    user_hash: str
    at: datetime


@dataclass(frozen=True, slots=True)
class FeedbackCount:
    kind: str
    up: int
    down: int


class Feedback:
    """Votes on answers and briefings."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def record(self, vote: Vote) -> None:
        """Keep a person's vote on a message (a changed mind replaces the earlier vote)."""
        t = schema.feedback
        where = (
            t.c.platform == vote.platform,
            t.c.channel == vote.channel,
            t.c.message_ts == vote.message_ts,
            t.c.user_hash == vote.user_hash,
        )
        async with self.db.engine.begin() as conn:
            updated = await conn.execute(
                # only by a later click: clicks may be stored in another order than made
                t.update()
                .where(*where, t.c.at <= vote.at)
                .values(value=vote.value, ref=vote.ref[:300], at=vote.at)
            )
            if not updated.rowcount:
                await conn.execute(
                    self.db.insert_ignore(
                        t, ["platform", "channel", "message_ts", "user_hash"]
                    ).values(
                        platform=vote.platform,
                        channel=vote.channel,
                        message_ts=vote.message_ts,
                        kind=vote.kind,
                        ref=vote.ref[:300],
                        value=vote.value,
                        user_hash=vote.user_hash,
                        at=vote.at,
                    )
                )

    async def counts(self, since: datetime | None = None) -> list[FeedbackCount]:
        """Ups and downs per kind (answer, briefing), since a time if given."""
        t = schema.feedback
        query = sa.select(t.c.kind, t.c.value, sa.func.count()).group_by(t.c.kind, t.c.value)
        if since is not None:
            query = query.where(t.c.at >= since)
        async with self.db.engine.connect() as conn:
            rows = (await conn.execute(query)).all()
        tally: dict[str, dict[str, int]] = {}
        for kind, value, n in rows:
            tally.setdefault(str(kind), {"up": 0, "down": 0})[str(value)] = int(n)
        return [FeedbackCount(k, v["up"], v["down"]) for k, v in sorted(tally.items())]
