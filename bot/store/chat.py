"""Chat state: conversation turns (for follow-up questions), how to reach a conversation
again (Teams references), and the event ids already handled by any replica.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.store import schema
from bot.store.db import Database


@dataclass(frozen=True, slots=True)
class Turn:
    role: str
    text: str
    at: datetime
    citations: tuple[int, ...] = ()


class Conversations:
    """Turns, conversation references and handled events."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def add_turn(
        self, conversation: str, role: str, text: str, at: datetime, citations: Sequence[int] = ()
    ) -> None:
        async with self.db.engine.begin() as conn:
            await conn.execute(
                schema.conversation_turns.insert().values(
                    conversation=conversation,
                    role=role,
                    text=text,
                    at=at,
                    citations=json.dumps(list(citations)),
                )
            )

    async def add_exchange(
        self,
        conversation: str,
        question: str,
        answer: str,
        at: datetime,
        citations: Sequence[int] = (),
    ) -> None:
        """A question and its answer as two turns in one transaction: a follow-up never finds
        the one without the other, and the store is written once per answer, not twice."""
        async with self.db.engine.begin() as conn:
            await conn.execute(
                schema.conversation_turns.insert(),
                [
                    {
                        "conversation": conversation,
                        "role": "user",
                        "text": question,
                        "at": at,
                        "citations": "[]",
                    },
                    {
                        "conversation": conversation,
                        "role": "assistant",
                        "text": answer,
                        "at": at,
                        "citations": json.dumps(list(citations)),
                    },
                ],
            )

    async def turns(self, conversation: str, *, last: int) -> list[Turn]:
        """The conversation's last turns, oldest first."""
        t = schema.conversation_turns
        async with self.db.engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.select(t.c.role, t.c.text, t.c.at, t.c.citations)
                    .where(t.c.conversation == conversation)
                    .order_by(t.c.id.desc())
                    .limit(last)
                )
            ).all()
        return [Turn(r[0], r[1], r[2], tuple(json.loads(r[3]))) for r in reversed(rows)]

    async def save_reference(
        self, platform: str, conversation: str, reference: Mapping[str, Any], now: datetime
    ) -> None:
        """Remember how to reach a conversation (the newest reference wins)."""
        t = schema.conversation_refs
        values = {"reference": json.dumps(dict(reference)), "updated_at": now}
        async with self.db.engine.begin() as conn:
            updated = await conn.execute(
                t.update()
                .where(t.c.platform == platform, t.c.conversation == conversation)
                .values(**values)
            )
            if not updated.rowcount:
                await conn.execute(
                    self.db.insert_ignore(t, ["platform", "conversation"]).values(
                        platform=platform, conversation=conversation, **values
                    )
                )

    async def reference(self, platform: str, conversation: str) -> dict[str, Any] | None:
        t = schema.conversation_refs
        async with self.db.engine.connect() as conn:
            raw = (
                await conn.execute(
                    sa.select(t.c.reference).where(
                        t.c.platform == platform, t.c.conversation == conversation
                    )
                )
            ).scalar()
        return dict(json.loads(raw)) if raw else None

    async def claim_event(self, event_id: str, now: datetime) -> bool:
        """True the first time an event id is seen (by any replica)."""
        t = schema.event_claims
        async with self.db.engine.begin() as conn:
            inserted = await conn.execute(
                self.db.insert_ignore(t, ["event_id"])
                .values(event_id=event_id, claimed_at=now)
                .returning(t.c.event_id)
            )
            return inserted.scalar() is not None

    async def forget_events(self, before: datetime) -> int:
        t = schema.event_claims
        async with self.db.engine.begin() as conn:
            return (await conn.execute(t.delete().where(t.c.claimed_at < before))).rowcount
