"""Votes on answers and briefings (bot/store/feedback.py): one vote per person and message,
and a changed mind ends on the person's last click even when the clicks are stored in another
order (Slack's clicks are stored after the ack, concurrently)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.slack.feedback import read_vote
from bot.store import Store
from bot.store.feedback import Vote

AT = datetime(2026, 11, 24, 7, 40, tzinfo=UTC)


def _vote(value: str, at: datetime, user: str = "alice") -> Vote:
    return Vote("slack", "C0STEEL", "1.2", "briefing", "ref", value, user, at)  # type: ignore[arg-type]


async def test_the_last_click_wins_whatever_order_it_is_stored_in(store: Store) -> None:
    await store.feedback.record(_vote("up", AT + timedelta(seconds=2)))
    await store.feedback.record(_vote("down", AT))  # made first, stored last
    counts = await store.feedback.counts()
    assert [(c.kind, c.up, c.down) for c in counts] == [("briefing", 1, 0)]
    await store.feedback.record(_vote("down", AT + timedelta(seconds=3)))
    counts = await store.feedback.counts()
    assert [(c.kind, c.up, c.down) for c in counts] == [("briefing", 0, 1)]


def test_a_click_is_dated_by_slack_unless_that_is_implausible() -> None:
    def body(action_ts: str) -> dict[str, object]:
        return {
            "team": {"id": "T1"},
            "user": {"id": "U1"},
            "channel": {"id": "C1"},
            "message": {"ts": "1.2"},
            "actions": [
                {"block_id": "briefbot_feedback|briefing|r", "value": "up", "action_ts": action_ts}
            ],
        }

    now = AT + timedelta(minutes=5)
    assert (vote := read_vote(body(str(AT.timestamp())), now)) is not None and vote.at == AT
    assert (vote := read_vote(body("1.5"), now)) is not None and vote.at == now  # 1970
    assert (vote := read_vote(body("soon"), now)) is not None and vote.at == now
