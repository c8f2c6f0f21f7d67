"""Claiming a request once, without holding up its ack.

Slack retries an event it thinks was lost (`X-Slack-Retry-Num`), replicas share one database,
and a signed slash command can be replayed: each is claimed in the store by its key
(`claim_key`), and only the first claim is answered. The claim's write starts when the
request arrives but is not waited for there: under a burst, fifty claims' writes queue up
behind one another and the answers' writes, and Slack's ack would wait for all of them. Every
listener that shows anything waits for it instead, after its ack and before its first visible
step (`first_time`).

A retry or a replay therefore gets the same ack as the first delivery (an empty 200 for an
event, the "working…" note for a command, which for a replay reaches only whoever replayed
it) and nothing else. If the store cannot be reached, the request is answered as the first:
its answer then says, in one line, what went wrong; it was acked, so Slack will not retry.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, MutableMapping
from typing import Any

from bot.slack.answering import AnswerPool

log = logging.getLogger(__name__)

CONTEXT_KEY = "briefbot_claim"


def claim_key(body: dict[str, Any]) -> str | None:
    """What makes a request one of a kind (pure): an event's id, a slash command's team and
    trigger id; None for anything else."""
    if body.get("type") == "event_callback":
        event_id = body.get("event_id")
        return str(event_id) if event_id else None
    if body.get("command") and body.get("trigger_id"):
        return f"command:{body.get('team_id') or ''}:{body['trigger_id']}"
    return None


def start_claim(
    context: MutableMapping[str, Any],
    key: str,
    claim: Callable[[], Awaitable[bool]],
    pool: AnswerPool,
) -> None:
    """Start writing the claim (tracked by `pool`, so that shutdown waits for it) and leave
    its outcome in the request's context for `first_time`."""
    outcome: asyncio.Future[bool] = asyncio.get_running_loop().create_future()

    async def write() -> None:
        won = False  # cancelled (the app is stopping): not answered
        try:
            won = await claim()
            if not won:
                log.info("%s already handled (a retry or a replay)", key)
        except Exception:
            log.exception("could not claim %s; answering it anyway", key)
            won = True
        finally:
            if not outcome.done():
                outcome.set_result(won)

    pool.spawn(write, f"claiming {key}")
    context[CONTEXT_KEY] = outcome


async def first_time(context: MutableMapping[str, Any]) -> bool:
    """Whether this request is the first delivery of its kind (True when it has no key)."""
    outcome: asyncio.Future[bool] | None = context.get(CONTEXT_KEY)
    return True if outcome is None else await outcome
