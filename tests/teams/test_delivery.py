"""Scheduled briefings in Teams: through a Workflows webhook (retried on 429/5xx, once) or
proactively to a channel where the bot is installed; big briefings split under the limit."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import httpx

from bot.models import Briefing, BriefingPoint, BriefingStory, SourceRef
from bot.runtime import running
from bot.store import Store
from bot.teams.cards import CARD_LIMIT, size
from bot.teams.delivery import TeamsDelivery
from testkit.teams import FakeTeams
from tests.helpers.clock import Clock
from tests.helpers.settings import steel_topic
from tests.helpers.teams import CHANNEL_CONVERSATION, installed, teams_config, teams_settings

PROACTIVE = CONFIG_PROACTIVE = """
[[topics]]
name = "eu-us-steel"
title = "EU–US steel"
[topics.query]
may = ["steel", "tariff", "Kovalenko", "Whitcombe"]
[[topics.channels]]
platform = "teams"
channel = "19:steel@thread.tacv2"
time = "08:30"
timezone = "Europe/Brussels"
"""


def webhook_cards(fake: FakeTeams) -> list[dict[str, object]]:
    posts = [r for r in fake.to("/workflows/steel")]
    return [a["content"] for r in posts for a in r.body["attachments"]]


async def test_webhook_briefing_is_posted_once(
    tmp_path: Path, fake_teams: FakeTeams, clock: Clock, corpus: Store
) -> None:
    clock.advance(minutes=31)
    async with running(
        teams_settings(tmp_path, fake_teams), teams_config(), now=clock.now, schedule=False
    ) as app:
        [result] = await app.jobs.deliver()
        again = await app.jobs.deliver()
    assert result.outcome == "posted"
    assert [r.outcome for r in again] == ["skipped"]
    [post] = fake_teams.to("/workflows/steel")
    assert post.body["type"] == "message"
    [attachment] = post.body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    card = attachment["content"]
    assert card["version"] == "1.5" and card["type"] == "AdaptiveCard"
    text = json.dumps(card, ensure_ascii=False)
    assert "**Sources**" in text and "**Quotes**" in text and "Coverage" in text


async def test_a_429_then_success_delivers_once(
    tmp_path: Path, fake_teams: FakeTeams, clock: Clock, corpus: Store
) -> None:
    fake_teams.fail("/workflows/steel", (429, {"Retry-After": "1"}), (503, {}))
    clock.advance(minutes=31)
    waits: list[float] = []

    async def sleep(seconds: float) -> None:
        waits.append(seconds)

    async with running(
        teams_settings(tmp_path, fake_teams),
        teams_config(),
        now=clock.now,
        sleep=sleep,
        schedule=False,
    ) as app:
        [result] = await app.jobs.deliver()
        await app.jobs.deliver()
    assert result.outcome == "posted"
    assert len(waits) == 2 and waits[0] == 1.0  # Retry-After was honoured, then a back-off
    assert len(fake_teams.to("/workflows/steel")) == 3  # 429, 503, then the post
    assert len(webhook_cards(fake_teams)) == 3  # the same card each time; one went through


async def test_a_refusing_webhook_is_reported_without_its_url(
    tmp_path: Path, fake_teams: FakeTeams, clock: Clock, corpus: Store
) -> None:
    fake_teams.fail("/workflows/steel", (400, {}))
    clock.advance(minutes=31)
    async with running(
        teams_settings(tmp_path, fake_teams), teams_config(), now=clock.now, schedule=False
    ) as app:
        [result] = await app.jobs.deliver()
    assert result.outcome == "failed"
    assert result.error == "the 'steel-team' webhook answered 400"


async def test_proactive_briefing_to_a_channel_where_the_bot_is_installed(
    tmp_path: Path, fake_teams: FakeTeams, clock: Clock, corpus: Store
) -> None:
    clock.advance(minutes=31)
    settings = teams_settings(tmp_path, fake_teams, teams_webhooks={})
    config = teams_config(PROACTIVE)
    async with running(settings, config, now=clock.now, schedule=False) as app:
        [not_yet] = await app.jobs.deliver()
        assert not_yet.outcome == "failed"  # not installed there yet: said, not crashed
        assert "not installed" in (not_yet.error or "")
        async with httpx.AsyncClient() as http:
            await http.post(f"{app.url}/api/messages", json=installed(fake_teams))
        clock.advance(minutes=11)  # the failed claim's lease runs out
        [result] = await app.jobs.deliver()
    assert result.outcome == "posted"
    posts = [
        r
        for r in fake_teams.activities()
        if r.path == f"/v3/conversations/{CHANNEL_CONVERSATION}/activities"
    ]
    assert len(posts) == 1  # a new post in the channel, not a reply
    assert posts[0].body["attachments"][0]["content"]["version"] == "1.5"


async def test_a_big_briefing_is_split_under_the_limit(fake_teams: FakeTeams) -> None:
    now = datetime(2026, 11, 24, 8, tzinfo=UTC)
    sources = tuple(
        SourceRef(n, n, f"Article {n} " + "t" * 100, f"https://news.test/{n}", "news.test", now)
        for n in range(1, 121)
    )
    stories = tuple(
        BriefingStory(
            n,
            BriefingPoint(f"Story {n} headline " + "word " * 60, (n,)),
            tuple(BriefingPoint(f"Point {k} of story {n} " + "w " * 40, (n,)) for k in range(8)),
            (n,),
            True,
            now,
        )
        for n in range(1, 41)
    )
    briefing = Briefing("t", "A long day", now, now, now, stories, (), sources)
    async with httpx.AsyncClient() as http:
        delivery = TeamsDelivery(http, {"steel-team": fake_teams.webhook_url("steel")})
        await delivery.post_briefing("steel-team", briefing, key="k")
    posts = fake_teams.to("/workflows/steel")
    assert len(posts) > 1
    for post in posts:
        assert len(json.dumps(post.body).encode()) <= CARD_LIMIT
    shown = json.dumps([p.body for p in posts])
    assert all(f"Story {n} headline" in shown for n in range(1, 41))
    assert all(f"news.test/{n})" in shown for n in range(1, 121))
    assert "(continued, 2 of" in shown
    assert size(posts[0].body["attachments"][0]["content"]) <= CARD_LIMIT


async def test_card_times_are_in_the_channels_time_zone(
    tmp_path: Path, fake_teams: FakeTeams, clock: Clock, corpus: Store
) -> None:
    config = teams_config(
        steel_topic('channel = "C0STEEL"\n')  # a Slack channel in Brussels: the topic's zone
        + '[[topics.channels]]\nplatform = "teams"\nchannel = "steel-team"\ntime = "23:30"\n'
        'timezone = "America/Los_Angeles"\n'
    )
    clock.advance(minutes=31)  # 07:31 UTC: 23:31 on the 23rd in Los Angeles
    async with running(
        teams_settings(tmp_path, fake_teams), config, now=clock.now, schedule=False
    ) as app:
        [result] = await app.jobs.deliver()  # Slack is not configured here: Teams only
    assert (result.date, result.outcome) == ("2026-11-23", "posted")
    [card] = webhook_cards(fake_teams)
    text = json.dumps(card, ensure_ascii=False)
    assert card["body"][0]["text"] == "EU–US steel — 23 Nov 2026"
    assert "Coverage 22 Nov 23:31 PST – 23 Nov 23:31 PST" in text
    assert "UTC" not in text and "CET" not in text
