"""Thumbs up/down under answers and briefings: the block (pure), reading a click (pure), and
the listener that stores it. It never changes what an answer or a briefing says.

The block is Slack's `context_actions` with a `feedback_buttons` element; two plain buttons
(`briefbot_feedback_up` / `_down`) are read the same way, for surfaces without it. What was
rated travels in the block id (`briefbot_feedback|answer|<question>`).
"""

from __future__ import annotations

import hashlib
import logging
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from typing import Any, Literal

from slack_bolt.async_app import AsyncAck, AsyncApp

from bot.store.feedback import Feedback, Vote

log = logging.getLogger(__name__)

Block = dict[str, Any]
ACTION_ID = "briefbot_feedback"
BUTTON_ACTIONS = re.compile(r"briefbot_feedback_(up|down)")
_PREFIX = "briefbot_feedback"
MAX_BLOCK_ID = 255


def feedback_block(kind: Literal["answer", "briefing"], ref: str) -> Block:
    """Thumbs up/down for one answer or briefing (`ref`: the question, the delivery key)."""
    block_id = f"{_PREFIX}|{kind}|{' '.join(ref.split())}"[:MAX_BLOCK_ID]
    return {
        "type": "context_actions",
        "block_id": block_id,
        "elements": [
            {
                "type": "feedback_buttons",
                "action_id": ACTION_ID,
                "positive_button": {
                    "text": {"type": "plain_text", "text": "Good"},
                    "accessibility_label": "This was useful",
                    "value": "up",
                },
                "negative_button": {
                    "text": {"type": "plain_text", "text": "Not good"},
                    "accessibility_label": "This was not useful",
                    "value": "down",
                },
            }
        ],
    }


def with_feedback(
    blocks: Sequence[Block], kind: Literal["answer", "briefing"], ref: str, *, on: bool = True
) -> list[Block]:
    """The blocks with the feedback block after them (unchanged when feedback is off)."""
    return [*blocks, feedback_block(kind, ref)] if on else list(blocks)


def read_vote(body: dict[str, Any], now: datetime) -> Vote | None:
    """The vote a `block_actions` payload carries, or None when it is not one of ours (pure)."""
    for action in body.get("actions") or []:
        block_id = str(action.get("block_id") or "")
        if not block_id.startswith(_PREFIX + "|"):
            continue
        _, kind, ref = [*block_id.split("|", 2), "", ""][:3]
        button = BUTTON_ACTIONS.fullmatch(str(action.get("action_id") or ""))
        value = button.group(1) if button else str(action.get("value") or "")
        if kind not in ("answer", "briefing") or value not in ("up", "down"):
            return None
        channel = (body.get("channel") or {}).get("id") or (body.get("container") or {}).get(
            "channel_id"
        )
        ts = (body.get("message") or {}).get("ts") or (body.get("container") or {}).get(
            "message_ts"
        )
        user = (body.get("user") or {}).get("id") or ""
        team = (body.get("team") or {}).get("id") or (body.get("user") or {}).get("team_id") or ""
        if not channel or not ts or not user:
            return None
        return Vote(
            platform="slack",
            channel=str(channel),
            message_ts=str(ts),
            kind="answer" if kind == "answer" else "briefing",
            ref=ref,
            value="up" if value == "up" else "down",
            user_hash=hashlib.sha256(f"slack:{team}:{user}".encode()).hexdigest(),
            at=_clicked_at(action, now),
        )
    return None


def _clicked_at(action: dict[str, Any], now: datetime) -> datetime:
    """When the person clicked (Slack's `action_ts`), so that a changed mind stored out of
    order (clicks are stored after the ack, concurrently) still ends on the last click; now
    when it is missing or implausible (more than a day off)."""
    try:
        clicked = datetime.fromtimestamp(float(action.get("action_ts") or ""), tz=UTC)
    except (TypeError, ValueError, OverflowError, OSError):
        return now
    return clicked if abs((clicked - now).total_seconds()) <= 86_400 else now


def register(app: AsyncApp, votes: Feedback, *, now: Callable[[], datetime]) -> None:
    """Store each thumbs up/down click."""

    async def clicked(ack: AsyncAck, body: dict[str, Any]) -> None:
        await ack()
        vote = read_vote(body, now())
        if vote is None:
            log.info("ignored a feedback click that did not say what it rated")
            return
        await votes.record(vote)

    app.action(ACTION_ID)(clicked)
    app.action(BUTTON_ACTIONS)(clicked)
