"""The jobs `briefbot run` schedules (APScheduler 3, in the running asyncio loop).

    collect   every minute, each topic whose collection is due (every BRIEFBOT_COLLECT_EVERY
              minutes) and not claimed by another replica
    deliver   every BRIEFBOT_DELIVER_EVERY seconds: each subscription whose local time has
              come gets its briefing (claimed per topic, channel and date); a briefbot.toml
              schedule muted from chat (`unsubscribe`) is skipped
    tidy      every few hours: forget handled chat event ids

Jobs never raise: one failing topic is logged and the rest carry on. APScheduler's own job
store is in memory on purpose: it must not be shared between processes (APScheduler 3 runs
jobs twice when it is). Any number of replicas may run these jobs: what makes each run happen
once is the claim in our database (a lease another replica takes over if its holder dies).
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from apscheduler.schedulers.asyncio import AsyncIOScheduler
from apscheduler.triggers.interval import IntervalTrigger

from bot.collect.pipeline import Collector
from bot.config import BriefbotConfig
from bot.deliver import DeliveryResult, DeliveryService
from bot.deliver.service import next_due
from bot.errors import BriefbotError
from bot.models import SourceOutcome, Subscription
from bot.observe import run_context
from bot.store.chat import Conversations
from bot.store.ops import Operations, RunClaim

log = logging.getLogger(__name__)

EVENT_MEMORY = timedelta(days=2)


class Jobs:
    """The scheduled work, as plain coroutines (tests call them directly)."""

    def __init__(
        self,
        *,
        collector: Collector,
        deliveries: DeliveryService,
        ops: Operations,
        conversations: Conversations,
        config: BriefbotConfig,
        now: Callable[[], datetime],
        instance: str = "local",
        collect_every: timedelta = timedelta(minutes=30),
        lease: timedelta = timedelta(minutes=10),
    ) -> None:
        self.collector = collector
        self.deliveries = deliveries
        self.ops = ops
        self.conversations = conversations
        self.config = config
        self.now = now
        self.instance = instance
        self.collect_every = collect_every
        self.lease = lease

    async def collect(self) -> list[SourceOutcome]:
        """Collect every topic that is due and not being collected by another replica."""
        with run_context("collect"):
            return await self._collect()

    async def _collect(self) -> list[SourceOutcome]:
        outcomes: list[SourceOutcome] = []
        for topic in self.config.topics:
            name = f"collect:{topic.name}"
            if not await self.ops.claim_run(name, self.instance, now=self.now(), lease=self.lease):
                continue
            try:
                done = await self.collector.collect(topic)
            except BriefbotError as exc:
                log.warning("collection of %s failed: %s", topic.name, exc)
                continue
            except Exception:
                log.exception("collection of %s failed", topic.name)
                continue
            finally:
                await self.ops.finish_run(
                    name, self.instance, now=self.now(), next_after=self.collect_every
                )
            outcomes += done
            failed = [o for o in done if not o.ok]
            log.info(
                "collected %s: %d new, %d sources failed",
                topic.name,
                sum(o.new for o in done),
                len(failed),
            )
        return outcomes

    async def deliver(self) -> list[DeliveryResult]:
        with run_context("deliver"):
            return await self._deliver()

    async def _deliver(self) -> list[DeliveryResult]:
        try:
            results = await self.deliveries.deliver_due()
        except Exception:
            log.exception("delivery round failed")
            return []
        for r in results:
            if r.outcome != "skipped":
                log.info(
                    "briefing %s → %s: %s", r.subscription.topic, r.subscription.channel, r.outcome
                )
        return results

    async def tidy(self) -> None:
        try:
            await self.conversations.forget_events(self.now() - EVENT_MEMORY)
        except Exception:
            log.exception("tidying failed")


def build_scheduler(
    jobs: Jobs, *, deliver_every: int = 60, now: datetime | None = None
) -> AsyncIOScheduler:
    """The scheduler with its three jobs (start it inside the running loop)."""
    start = now or datetime.now(UTC)
    scheduler = AsyncIOScheduler(timezone=UTC)
    common = {"max_instances": 1, "coalesce": True, "misfire_grace_time": 60}
    scheduler.add_job(
        jobs.collect,
        IntervalTrigger(minutes=1),
        id="collect",
        next_run_time=start,
        **common,
    )
    scheduler.add_job(
        jobs.deliver,
        IntervalTrigger(seconds=deliver_every),
        id="deliver",
        next_run_time=start + timedelta(seconds=min(5, deliver_every)),
        **common,
    )
    scheduler.add_job(jobs.tidy, IntervalTrigger(hours=6), id="tidy", **common)
    return scheduler


@dataclass(frozen=True, slots=True)
class NextRun:
    """One line of "what runs next": a topic's collection or a channel's briefing."""

    run: str
    when: datetime | None  # None: see `state`
    state: str  # "", "at start-up" (never collected) or "running"
    note: str


def next_runs(
    config: BriefbotConfig,
    claims: Sequence[RunClaim],
    subscriptions: Sequence[Subscription],
    now: datetime,
    muted: Sequence[Subscription] = (),
) -> list[NextRun]:
    """When each topic is collected next (from its run claim) and each channel briefed next,
    with where each schedule comes from (file or chat); `muted`: the file's schedules muted
    from chat, listed as such."""
    claimed = {c.name: c for c in claims}
    upcoming: list[NextRun] = []
    for topic in config.topics:
        run, claim = f"collect {topic.name}", claimed.get(f"collect:{topic.name}")
        if claim is None:
            upcoming.append(NextRun(run, None, "at start-up", "never collected"))
        elif claim.finished_at is None and claim.until > now:
            upcoming.append(NextRun(run, claim.started_at, "running", f"on {claim.holder}"))
        else:
            upcoming.append(NextRun(run, claim.until, "", ""))
    for sub in subscriptions:
        origin = "chat" if sub.origin == "chat" else "file"
        upcoming.append(
            NextRun(
                f"briefing {sub.topic} → {sub.platform} {sub.channel}",
                next_due(sub, now).astimezone(UTC),
                "",
                f"{sub.at} {sub.timezone} ({origin})",
            )
        )
    for sub in muted:
        upcoming.append(
            NextRun(
                f"briefing {sub.topic} → {sub.platform} {sub.channel}",
                None,
                "muted",
                f"{sub.at} {sub.timezone} (file, muted from chat)",
            )
        )
    return upcoming
