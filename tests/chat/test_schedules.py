"""Where each schedule comes from (pure): the file, chat, or the file's muted from chat, as
`/brief sources` and `briefbot status` show it."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.chat import ScheduleLine, schedule_lines
from bot.config import parse_config
from bot.deliver.service import merge_subscriptions
from bot.models import Subscription
from bot.schedule import next_runs
from tests.helpers.settings import steel_topic

CONFIG = parse_config(steel_topic('channel = "C0STEEL"\n'), origin="test")
NOW = datetime(2026, 11, 24, 7, 0, tzinfo=UTC)
CHAT = Subscription("eu-us-steel", "slack", "C0OTHER", "07:00", "UTC", origin="chat")
MUTED = {("eu-us-steel", "slack", "C0STEEL")}


def test_schedule_lines_say_where_each_comes_from() -> None:
    assert [line for _, line in schedule_lines(CONFIG, [CHAT], set())] == [
        ScheduleLine("slack", "C0STEEL", "08:30", "Europe/Brussels", "file"),
        ScheduleLine("slack", "C0OTHER", "07:00", "UTC", "chat"),
    ]
    assert [line.origin for _, line in schedule_lines(CONFIG, [CHAT], MUTED)] == [
        "chat",
        "muted",
    ]


def test_a_muted_file_schedule_is_not_delivered_and_status_says_so() -> None:
    running = merge_subscriptions(CONFIG, [CHAT], MUTED)
    assert [s.channel for s in running] == ["C0OTHER"]
    muted = [s for s in merge_subscriptions(CONFIG, []) if s.key in MUTED]
    runs = next_runs(CONFIG, [], running, NOW, muted=muted)
    briefings = {r.run: (r.state, r.note) for r in runs if r.run.startswith("briefing")}
    assert briefings == {
        "briefing eu-us-steel → slack C0OTHER": ("", "07:00 UTC (chat)"),
        "briefing eu-us-steel → slack C0STEEL": (
            "muted",
            "08:30 Europe/Brussels (file, muted from chat)",
        ),
    }
