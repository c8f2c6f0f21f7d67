"""Scheduled briefings in Slack: due at each channel's local time, posted exactly once, within
Slack's limits, through rate limits, crashes and restarts."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from slack_sdk.web.async_client import AsyncWebClient

from bot.deliver import DeliveryService, due_date
from bot.errors import DeliveryError
from bot.models import Briefing, BriefingPoint, BriefingStory, SourceRef, Subscription
from bot.runtime import running
from bot.slack.delivery import SlackDelivery
from bot.slack.render import MAX_BLOCKS, MAX_SECTION
from bot.store import Store
from bot.store.articles import NewArticle
from testkit.slack_api import FakeSlack, error, ratelimited
from tests.helpers.clock import Clock
from tests.helpers.settings import steel_topic
from tests.helpers.slack import CHANNEL, slack_config, slack_settings

BRUSSELS = Subscription("t", "slack", "C1", "08:30", "Europe/Brussels")


@pytest.mark.parametrize(
    ("utc", "expected"),
    [
        (datetime(2026, 11, 24, 7, 29, tzinfo=UTC), None),  # 08:29 in Brussels
        (datetime(2026, 11, 24, 7, 30, tzinfo=UTC), "2026-11-24"),
        (datetime(2026, 11, 24, 19, 29, tzinfo=UTC), "2026-11-24"),  # 11 h late: catch up
        (datetime(2026, 11, 24, 19, 31, tzinfo=UTC), None),  # more than 12 h late: skip the day
        (datetime(2026, 7, 1, 6, 30, tzinfo=UTC), "2026-07-01"),  # summer time: UTC+2
        (datetime(2026, 11, 24, 23, 30, tzinfo=UTC), None),  # 00:30 on the 25th locally
    ],
)
def test_due_date_is_the_channels_local_day(utc: datetime, expected: str | None) -> None:
    assert due_date(BRUSSELS, utc) == expected


def test_due_date_across_the_date_line() -> None:
    tokyo = Subscription("t", "slack", "C2", "08:00", "Asia/Tokyo")
    # 23:30 UTC on the 24th is 08:30 on the 25th in Tokyo.
    assert due_date(tokyo, datetime(2026, 11, 24, 23, 30, tzinfo=UTC)) == "2026-11-25"


def briefing_posts(fake: FakeSlack) -> list[dict[str, object]]:
    return [m for m in fake.posted(CHANNEL) if m.get("metadata") and not m.get("thread_ts")]


async def test_the_due_briefing_is_posted_once_with_metadata(
    tmp_path: Path, fake_slack: FakeSlack, clock: Clock, corpus: Store
) -> None:
    settings = slack_settings(tmp_path, fake_slack)
    async with running(settings, slack_config(), now=clock.now, schedule=False) as app:
        assert await app.jobs.deliver() == []  # 08:00 in Brussels: not yet
        clock.advance(minutes=31)
        [result] = await app.jobs.deliver()
        assert result.outcome == "posted"
        for _ in range(3):  # the next minutes' rounds, and a retry
            assert all(r.outcome == "skipped" for r in await app.jobs.deliver())
    [post] = briefing_posts(fake_slack)
    assert post["metadata"] == {
        "event_type": "briefbot_briefing",
        "event_payload": {
            "key": f"eu-us-steel/{CHANNEL}/2026-11-24",
            "topic": "eu-us-steel",
            "parts": 1,
        },
    }
    assert post["blocks"][0]["type"] == "header"
    assert post["text"]  # the plain-text fallback
    text = json.dumps(post["blocks"])
    assert "Reply in this thread" in text
    assert "Coverage" in text
    [row] = await corpus.deliveries.deliveries()
    assert row.status == "posted" and row.message_ref == post["ts"]


async def test_a_rate_limit_is_waited_out_and_posts_once(
    tmp_path: Path, fake_slack: FakeSlack, clock: Clock, corpus: Store
) -> None:
    fake_slack.fail("chat.postMessage", ratelimited(retry_after=1))
    clock.advance(minutes=31)
    async with running(
        slack_settings(tmp_path, fake_slack), slack_config(), now=clock.now, schedule=False
    ) as app:
        [result] = await app.jobs.deliver()
    assert result.outcome == "posted"
    assert len(fake_slack.calls_to("chat.postMessage")) == 2  # the 429, then the post
    assert len(briefing_posts(fake_slack)) == 1


async def test_slack_refusing_is_reported_and_retried_after_the_lease(
    tmp_path: Path, fake_slack: FakeSlack, clock: Clock, corpus: Store
) -> None:
    fake_slack.fail("chat.postMessage", error("not_in_channel"))
    clock.advance(minutes=31)
    async with running(
        slack_settings(tmp_path, fake_slack), slack_config(), now=clock.now, schedule=False
    ) as app:
        [failed] = await app.jobs.deliver()
        assert failed.outcome == "failed"
        assert failed.error == "Slack refused the request (not_in_channel)"
        assert [r.outcome for r in await app.jobs.deliver()] == ["skipped"]  # within the lease
        clock.advance(minutes=11)
        [again] = await app.jobs.deliver()
    assert again.outcome == "posted"
    assert len(briefing_posts(fake_slack)) == 1


async def _crash_while_posting(
    tmp_path: Path, fake: FakeSlack, clock: Clock, *, after: bool
) -> None:
    """Run a delivery and kill it inside chat.postMessage (before or after Slack posted)."""
    release = fake.hold("chat.postMessage", after=after)
    async with running(
        slack_settings(tmp_path, fake), slack_config(), now=clock.now, schedule=False
    ) as app:
        task = asyncio.create_task(app.jobs.deliver())
        deadline = asyncio.get_running_loop().time() + 15
        while not fake.calls_to("chat.postMessage"):
            assert asyncio.get_running_loop().time() < deadline
            await asyncio.sleep(0.02)
        task.cancel()  # the process dies here
        with pytest.raises(asyncio.CancelledError):
            await task
    fake.release("chat.postMessage")
    release.set()


async def test_crash_after_claiming_before_posting_posts_once_after_restart(
    tmp_path: Path, fake_slack: FakeSlack, clock: Clock, corpus: Store
) -> None:
    clock.advance(minutes=31)
    await _crash_while_posting(tmp_path, fake_slack, clock, after=False)
    assert briefing_posts(fake_slack) == []
    [row] = await corpus.deliveries.deliveries()
    assert row.status == "claimed"
    clock.advance(minutes=11)  # restarted; the dead attempt's lease has run out
    async with running(
        slack_settings(tmp_path, fake_slack), slack_config(), now=clock.now, schedule=False
    ) as app:
        [result] = await app.jobs.deliver()
        again = await app.jobs.deliver()
    assert result.outcome == "posted"
    assert [r.outcome for r in again] == ["skipped"]
    assert len(fake_slack.calls_to("conversations.history")) == 1  # looked before posting
    assert len(briefing_posts(fake_slack)) == 1


async def test_crash_after_posting_before_completing_never_posts_again(
    tmp_path: Path, fake_slack: FakeSlack, clock: Clock, corpus: Store
) -> None:
    clock.advance(minutes=31)
    await _crash_while_posting(tmp_path, fake_slack, clock, after=True)
    [posted] = briefing_posts(fake_slack)  # Slack has it; we never heard back
    fake_slack.add_message(CHANNEL, text="someone chatting later", user="U0ALICE")
    clock.advance(minutes=11)
    async with running(
        slack_settings(tmp_path, fake_slack), slack_config(), now=clock.now, schedule=False
    ) as app:
        [result] = await app.jobs.deliver()
        again = await app.jobs.deliver()
    assert result.outcome == "found"
    assert result.message_ref == posted["ts"]
    assert [r.outcome for r in again] == ["skipped"]
    assert len(briefing_posts(fake_slack)) == 1
    [row] = await corpus.deliveries.deliveries()
    assert row.status == "posted" and row.message_ref == posted["ts"]


_SYL = ("bor", "kel", "mun", "dra", "vish", "tol", "pra", "zen")


async def _hundred_articles(store: Store, clock: Clock) -> None:
    for i in range(100):
        # Mostly words of its own, so each article is a story of its own.
        own = " ".join(f"{syllable}{chr(97 + i % 26)}{chr(97 + i // 26)}" for syllable in _SYL)
        words = f"steel {own}"
        text = (
            f"Steel {own}. " * 6
            + f'"We will not accept {own.split()[0]} <!channel>," said Minister Number{i}.'
        )
        await store.articles.add_article(
            NewArticle(
                topic="eu-us-steel",
                url=f"https://news{i % 17}.test/a{i}",
                canonical_url=f"https://news{i % 17}.test/a{i}",
                source="test",
                title=f"Headline {i}: {words} " + "x" * 120,
                text=text,
                fetched_at=clock.now() - timedelta(hours=1),
                content_hash=f"h{i}",
                signature="",
                terms=(),
                relevance=1.0,
                relevant=True,
                relevance_reason="",
                story_id=None,
                duplicate_of=None,
            ),
            new_story=True,
        )


async def test_a_hundred_article_day_fits_slacks_limits(
    tmp_path: Path, fake_slack: FakeSlack, clock: Clock, store: Store
) -> None:
    await _hundred_articles(store, clock)
    clock.advance(minutes=31)
    async with running(
        slack_settings(tmp_path, fake_slack), slack_config(), now=clock.now, schedule=False
    ) as app:
        [result] = await app.jobs.deliver()
    assert result.outcome == "posted"
    messages = fake_slack.posted(CHANNEL)
    assert all(m["thread_ts"] == messages[0]["ts"] for m in messages[1:])
    for message in messages:
        assert 0 < len(message["blocks"]) <= MAX_BLOCKS
        assert message["text"]
        for block in message["blocks"]:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= MAX_SECTION
    everything = json.dumps([m["blocks"] for m in messages])
    assert "<!channel>" not in everything
    assert "&lt;!channel&gt;" in everything


class RecordingPlatform:
    """A chat platform whose first post dies after the first message is out."""

    name = "slack"

    def __init__(self) -> None:
        self.posted: list[tuple[str, Briefing]] = []
        self.finished: list[tuple[str, Briefing]] = []

    async def post_briefing(self, channel: str, briefing: Briefing, *, key: str) -> str:
        self.posted.append((key, briefing))
        raise DeliveryError("Slack could not be reached")

    async def find_briefing(self, channel: str, *, key: str, since: datetime) -> str | None:
        return "1700000000.000001" if self.posted else None

    async def finish_briefing(
        self, channel: str, ref: str, briefing: Briefing, *, key: str
    ) -> None:
        self.finished.append((ref, briefing))


async def test_a_resumed_delivery_finishes_the_briefing_it_had_composed(
    tmp_path: Path, fake_slack: FakeSlack, clock: Clock, corpus: Store
) -> None:
    clock.advance(minutes=31)
    platform = RecordingPlatform()
    async with running(
        slack_settings(tmp_path, fake_slack), slack_config(), now=clock.now, schedule=False
    ) as app:
        delivery = DeliveryService(
            app.services.store.deliveries,
            app.services.briefings,
            slack_config(),
            {"slack": platform},
            now=clock.now,
        )
        [failed] = await delivery.deliver_due()
        clock.advance(minutes=11)  # the failed attempt's lease has run out
        [found] = await delivery.deliver_due()
    assert (failed.outcome, found.outcome) == ("failed", "found")
    [(_, composed)] = platform.posted
    # The thread is finished from the briefing that was being posted, not a new one.
    assert platform.finished == [("1700000000.000001", composed)]


def long_briefing(count: int = 70) -> Briefing:
    """`count` stories of 20 points: several messages' worth."""
    now = datetime(2026, 11, 24, 8, tzinfo=UTC)
    sources = tuple(
        SourceRef(n, n, f"Article {n}", f"https://news.test/{n}", "news.test", now)
        for n in range(1, 121)
    )
    stories = tuple(
        BriefingStory(
            n,
            BriefingPoint(f"Story {n} headline " + "word " * 200, (n,)),
            tuple(BriefingPoint(f"Point {k} of story {n}", (n,)) for k in range(20)),
            (n,),
            True,
            now,
        )
        for n in range(1, count + 1)
    )
    return Briefing("t", "A long day", now, now, now, stories, (), sources)


async def test_a_briefing_longer_than_a_message_continues_in_its_thread(
    fake_slack: FakeSlack,
) -> None:
    briefing = long_briefing()
    client = AsyncWebClient(token="xoxb-test", base_url=fake_slack.api_url)
    ts = await SlackDelivery(client).post_briefing(CHANNEL, briefing, key="t/C/d")
    messages = fake_slack.posted(CHANNEL)
    assert messages[0]["ts"] == ts and messages[0]["metadata"]["event_payload"]["key"] == "t/C/d"
    assert len(messages) >= 2
    for message in messages[1:]:
        assert message["thread_ts"] == ts
        assert "part" in message["text"]
    for message in messages:
        assert len(message["blocks"]) <= MAX_BLOCKS
        for block in message["blocks"]:
            if block["type"] == "section":
                assert len(block["text"]["text"]) <= MAX_SECTION
    shown = " ".join(json.dumps(m["blocks"]) for m in messages)
    assert all(f"Story {n} headline" in shown for n in range(1, 71))


async def test_finishing_a_briefing_posts_the_missing_parts_in_order_and_no_others(
    fake_slack: FakeSlack,
) -> None:
    client = AsyncWebClient(token="xoxb-test", base_url=fake_slack.api_url)
    delivery = SlackDelivery(client)
    # The first message and part 2 are posted; part 3 fails (the attempt stops there).
    fake_slack.fail("chat.postMessage", None, None, error("internal_error"))
    with pytest.raises(DeliveryError):
        await delivery.post_briefing(CHANNEL, long_briefing(250), key="t/C/d")
    head, part2 = fake_slack.posted(CHANNEL)
    fake_slack.add_message(CHANNEL, text="a reply from someone", thread_ts=head["ts"], user="U1")
    total = head["metadata"]["event_payload"]["parts"]
    assert total >= 4

    await delivery.finish_briefing(CHANNEL, head["ts"], long_briefing(250), key="t/C/d")
    await delivery.finish_briefing(CHANNEL, head["ts"], long_briefing(250), key="t/C/d")  # no-op

    thread = [m for m in fake_slack.posted(CHANNEL) if m.get("bot_id") and m["thread_ts"]]
    assert [m["metadata"]["event_payload"]["part"] for m in thread] == list(range(2, total + 1))
    assert thread[0] is part2
    replies = fake_slack.calls_to("conversations.replies")
    assert len(replies) == 2 and replies[0].params["ts"] == head["ts"]


async def test_each_channel_sees_the_briefing_in_its_own_time_zone(
    tmp_path: Path, fake_slack: FakeSlack, clock: Clock, corpus: Store
) -> None:
    west = "C0WEST"
    config = slack_config(
        steel_topic(f'channel = "{CHANNEL}"\n')  # 08:30 in Brussels: the topic's zone
        + f'[[topics.channels]]\nchannel = "{west}"\ntime = "23:30"\n'
        'timezone = "America/Los_Angeles"\n'
    )
    clock.advance(minutes=31)  # 07:31 UTC: 08:31 on the 24th in Brussels, 23:31 on the 23rd in LA
    async with running(
        slack_settings(tmp_path, fake_slack), config, now=clock.now, schedule=False
    ) as app:
        results = await app.jobs.deliver()
    assert sorted((r.subscription.channel, r.date, r.outcome) for r in results) == [
        (CHANNEL, "2026-11-24", "posted"),
        (west, "2026-11-23", "posted"),
    ]

    def shown(channel: str) -> str:
        [post] = [m for m in fake_slack.posted(channel) if m.get("metadata")]
        return json.dumps(post["blocks"], ensure_ascii=False)

    la = shown(west)
    assert "EU–US steel — 23 Nov 2026" in la
    assert "Coverage 22 Nov 23:31 PST – 23 Nov 23:31 PST" in la
    assert "UTC" not in la and "CET" not in la
    brussels = shown(CHANNEL)
    assert "EU–US steel — 24 Nov 2026" in brussels
    assert "Coverage 23 Nov 08:31 CET – 24 Nov 08:31 CET" in brussels
