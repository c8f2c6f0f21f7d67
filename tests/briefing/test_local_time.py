"""Every date and time a reader sees is in local time: the one helper (bot/text/when.py) and
the briefing and answer renderers (Markdown, Block Kit, Adaptive Cards) that use it."""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, timedelta

import pytest

from bot.answer.render import answer_to_markdown
from bot.briefing.record import briefing_from_dict, briefing_to_dict
from bot.briefing.render import to_markdown
from bot.config import TopicConfig
from bot.slack.render import briefing_blocks
from bot.teams.cards import briefing_cards
from bot.text.when import local_date, local_time, zone_of
from tests.helpers.briefings import NOW, build, sample, sample_answer

# 20:51 on Sunday 29 November in Los Angeles (PST, UTC-8) is already the 30th in UTC.
LA_EVENING = datetime(2026, 11, 30, 4, 51, tzinfo=UTC)


@pytest.mark.parametrize(
    ("zone", "expected"),
    [
        ("UTC", "24 Nov 08:00 UTC"),
        ("Europe/Brussels", "24 Nov 09:00 CET"),
        ("America/Los_Angeles", "24 Nov 00:00 PST"),
        ("America/New_York", "24 Nov 03:00 EST"),
        ("Asia/Tokyo", "24 Nov 17:00 JST"),
        ("Asia/Dubai", "24 Nov 12:00 UTC+4"),  # no abbreviation in tz data: the offset
        ("America/Sao_Paulo", "24 Nov 05:00 UTC-3"),
        ("Asia/Kathmandu", "24 Nov 13:45 UTC+5:45"),
    ],
)
def test_a_time_is_shown_in_its_zone(zone: str, expected: str) -> None:
    assert local_time(NOW, zone) == expected


def test_summer_time_naive_times_unknown_dates_and_zones() -> None:
    july = datetime(2026, 7, 1, 12, tzinfo=UTC)
    assert local_time(july, "Europe/Brussels") == "01 Jul 14:00 CEST"
    assert local_time(july, "America/Los_Angeles") == "01 Jul 05:00 PDT"
    assert local_time(datetime(2026, 7, 1, 12), "Europe/Brussels") == "01 Jul 14:00 CEST"
    assert local_time(None, "Europe/Brussels") == "date unknown"
    assert local_time(july, "Not/A_Zone") == "01 Jul 12:00 UTC"  # labelled UTC, never wrong
    assert local_time(datetime.min, "America/Los_Angeles") == "01 Jan 00:00 UTC"
    with pytest.raises(ValueError, match="'Mars/Olympus' is not a known time zone"):
        zone_of("Mars/Olympus")


def test_the_local_date_is_that_of_the_zone() -> None:
    assert local_date(LA_EVENING, "UTC") == "30 Nov 2026"
    assert local_date(LA_EVENING, "America/Los_Angeles") == "29 Nov 2026"
    assert local_date(LA_EVENING, "Asia/Tokyo") == "30 Nov 2026"


def la_briefing() -> str:
    """The sample day composed for a Los Angeles topic, its window ending at 20:51 local."""
    from bot.briefing.compose import compose

    topic = TopicConfig.model_validate(
        {
            "name": "eu-us-steel",
            "title": "EU–US steel tariff talks",
            "channels": [{"channel": "C1", "time": "20:50", "timezone": "America/Los_Angeles"}],
        }
    )
    shift = LA_EVENING - NOW
    articles, summaries = sample()
    for article in articles:
        article.fetched_at += shift
        article.published_at = (article.published_at or article.fetched_at) + shift
    briefing = compose(
        topic=topic,
        window_start=LA_EVENING - timedelta(hours=24),
        window_end=LA_EVENING,
        generated_at=LA_EVENING,
        articles=articles,
        summaries=summaries,
        previous_briefing_at=LA_EVENING - timedelta(hours=24),
    )
    assert briefing.timezone == "America/Los_Angeles"  # the topic's zone travels with it
    return to_markdown(briefing)


def test_a_los_angeles_evening_briefing_is_headed_with_the_local_date() -> None:
    md = la_briefing()
    assert md.startswith("# EU–US steel tariff talks — briefing for 29 Nov 2026\n")
    assert "*Coverage from 28 Nov 20:51 PST to 29 Nov 20:51 PST ·" in md
    assert "## New since the last briefing (28 Nov 20:51 PST)" in md
    assert "Wirepoint, 29 Nov 16:51 PST" in md  # published 4 h before, in Los Angeles time
    assert "UTC" not in md and "30 Nov" not in md


def test_every_renderer_shows_the_briefings_zone() -> None:
    briefing = replace(build(previous=NOW - timedelta(hours=24)), timezone="Asia/Tokyo")
    window = "23 Nov 17:00 JST", "24 Nov 17:00 JST"
    md = to_markdown(briefing)
    assert f"Coverage from {window[0]} to {window[1]}" in md
    assert "(23 Nov 17:00 JST)" in md and "UTC" not in md
    slack = json.dumps(briefing_blocks(briefing), ensure_ascii=False)
    assert f"Coverage {window[0]} – {window[1]}" in slack and "UTC" not in slack
    teams = json.dumps(briefing_cards(briefing), ensure_ascii=False)
    assert f"Coverage {window[0]} – {window[1]}" in teams and "UTC" not in teams


def test_the_zone_is_stored_with_the_briefing_and_defaults_to_utc() -> None:
    briefing = replace(build(), timezone="Europe/Brussels")
    data = briefing_to_dict(briefing)
    assert data["timezone"] == "Europe/Brussels"
    assert briefing_from_dict(data) == briefing
    del data["timezone"]  # stored before briefings had a zone
    assert briefing_from_dict(data).timezone == "UTC"


def test_an_answers_source_dates_are_in_its_zone() -> None:
    answer = replace(sample_answer(), timezone="America/Los_Angeles")
    md = answer_to_markdown(answer)
    assert "Wirepoint, 24 Nov 00:00 PST" in md and "UTC" not in md
    assert "24 Nov 08:00 UTC" in answer_to_markdown(sample_answer())


def test_a_sources_last_fetch_is_shown_in_the_topics_zone() -> None:
    from bot.chat.service import _status
    from bot.store.articles import SourceRow

    row = SourceRow("t", "k", "feed", "Wirepoint", NOW, NOW, None, 3)
    assert _status(row, "Europe/Brussels") == "ok, last fetched 24 Nov 09:00 CET"
