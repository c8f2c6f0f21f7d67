"""Operations: LLM calls and their tokens, scheduled-run claims (one replica at a time), and
the counts monitoring reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa

from bot.store import schema
from bot.store.db import Database, row_to


@dataclass(frozen=True, slots=True)
class LLMCall:
    """One call to the language model and the tokens it used."""

    at: datetime
    purpose: str
    model: str
    prompt: str
    prompt_tokens: int
    completion_tokens: int
    ok: bool
    topic: str | None
    briefing_date: str | None


@dataclass(frozen=True, slots=True)
class RunClaim:
    """Who holds (or last held) a scheduled run, and until when."""

    name: str
    holder: str
    until: datetime
    started_at: datetime
    finished_at: datetime | None


class Operations:
    """LLM usage, run claims and monitoring figures."""

    def __init__(self, db: Database) -> None:
        self.db = db

    async def record_llm_call(
        self,
        *,
        at: datetime,
        purpose: str,
        model: str,
        prompt: str,
        prompt_tokens: int,
        completion_tokens: int,
        ok: bool,
        topic: str | None = None,
        briefing_date: str | None = None,
    ) -> None:
        """Record one call to the language model and the tokens it used."""
        async with self.db.engine.begin() as conn:
            await conn.execute(
                schema.llm_calls.insert().values(
                    at=at,
                    purpose=purpose,
                    model=model,
                    prompt=prompt,
                    prompt_tokens=prompt_tokens,
                    completion_tokens=completion_tokens,
                    ok=ok,
                    topic=topic,
                    briefing_date=briefing_date,
                )
            )

    async def llm_usage(self, since: datetime) -> list[LLMCall]:
        """LLM calls since a time: one row per call (stats group them)."""
        t = schema.llm_calls
        async with self.db.engine.connect() as conn:
            rows = await conn.execute(sa.select(t).where(t.c.at >= since).order_by(t.c.at))
            return [row_to(LLMCall, r) for r in rows]

    async def figures(self) -> dict[str, list[tuple[Any, ...]]]:
        """Counts for monitoring, grouped (the last value of each row is the number)."""
        a, src, sm = schema.articles, schema.sources, schema.summaries
        d, llm = schema.deliveries, schema.llm_calls
        queries = {
            "articles": sa.select(a.c.topic, a.c.source, sa.func.count()).group_by(
                a.c.topic, a.c.source
            ),
            "sources_failing": sa.select(src.c.topic, sa.func.count())
            .where(src.c.last_error.is_not(None))
            .group_by(src.c.topic),
            "summaries": sa.select(sm.c.summariser, sa.func.count()).group_by(sm.c.summariser),
            "deliveries": sa.select(d.c.platform, d.c.status, sa.func.count()).group_by(
                d.c.platform, d.c.status
            ),
            "delivery_retries": sa.select(d.c.platform, sa.func.sum(d.c.attempts - 1)).group_by(
                d.c.platform
            ),
            "llm_prompt_tokens": sa.select(
                llm.c.purpose, sa.func.sum(llm.c.prompt_tokens)
            ).group_by(llm.c.purpose),
            "llm_completion_tokens": sa.select(
                llm.c.purpose, sa.func.sum(llm.c.completion_tokens)
            ).group_by(llm.c.purpose),
        }
        async with self.db.engine.connect() as conn:
            return {
                name: [tuple(row) for row in await conn.execute(query)]
                for name, query in queries.items()
            }

    async def claim_run(self, name: str, holder: str, *, now: datetime, lease: timedelta) -> bool:
        """Claim a scheduled run for `lease` (one replica at a time): True when it is free,
        never claimed, or its previous holder's lease (or rest period) has run out."""
        t = schema.run_claims
        async with self.db.engine.begin() as conn:
            inserted = (
                await conn.execute(
                    self.db.insert_ignore(t, ["name"])
                    .values(name=name, holder=holder, until=now + lease, started_at=now)
                    .returning(t.c.name)
                )
            ).scalar()
            if inserted is not None:
                return True
            taken = await conn.execute(
                t.update()
                .where(t.c.name == name, t.c.until <= now)
                .values(holder=holder, until=now + lease, started_at=now, finished_at=None)
            )
            return bool(taken.rowcount == 1)

    async def finish_run(
        self, name: str, holder: str, *, now: datetime, next_after: timedelta
    ) -> None:
        """Mark a run done; nobody claims it again before `next_after` has passed."""
        t = schema.run_claims
        async with self.db.engine.begin() as conn:
            await conn.execute(
                t.update()
                .where(t.c.name == name, t.c.holder == holder)
                .values(until=now + next_after, finished_at=now)
            )

    async def runs(self) -> list[RunClaim]:
        t = schema.run_claims
        async with self.db.engine.connect() as conn:
            rows = await conn.execute(sa.select(t).order_by(t.c.name))
            return [row_to(RunClaim, r) for r in rows]
