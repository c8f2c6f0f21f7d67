"""`briefing_view`: the briefing laid out once, as neutral data, for every renderer."""

from __future__ import annotations

from dataclasses import replace
from datetime import timedelta

from bot.briefing.view import briefing_view
from bot.models import Briefing, BriefingPoint, BriefingQuote, BriefingStory, SourceRef
from tests.helpers.briefings import NOW, day_briefing


def _briefing() -> Briefing:
    refs = (
        SourceRef(1, 11, "Talks resume", "https://news.test/a", "Wirepoint", NOW),
        SourceRef(2, 12, "Markets rise", "https://news.test/b", None, NOW),
    )
    story = BriefingStory(
        1,
        BriefingPoint("Talks resume", (1,)),
        (BriefingPoint("In Brussels", (1, 2)),),
        (1, 2),
        True,
        NOW,
    )
    quotes = (BriefingQuote("We will talk", "A. Minister", 1), BriefingQuote("Maybe", None, 2))
    return replace(
        day_briefing("Steel", (story,), quotes, refs),
        new_developments=(BriefingPoint("Talks resume", (1,)),),
    )


def test_sections_in_order_with_new_since_first() -> None:
    view = briefing_view(_briefing())
    assert [s.kind for s in view.sections] == ["new_since", "stories", "quotes"]
    new_since, stories, quotes = view.sections
    assert new_since.heading == "New since the last briefing"
    assert new_since.detail and new_since.empty_text
    assert [i.text for i in new_since.items] == ["Talks resume"]
    assert stories.heading == "Top stories"
    (story,) = stories.items
    assert story.is_new and story.citations == (1,)
    assert [p.citations for p in story.points] == [(1, 2)]
    assert [(q.speaker, q.attribution) for q in quotes.items] == [
        ("A. Minister", "A. Minister"),
        (None, "unattributed"),
    ]
    assert view.stats == "2 articles from 2 sources" and view.story_count == "1 story"
    assert view.notices == () and not view.no_coverage
    assert [r.n for r in view.sources] == [1, 2]


def test_without_a_previous_briefing_there_is_no_new_since_and_no_new_tag() -> None:
    view = briefing_view(replace(_briefing(), previous_briefing_at=None, quotes=()))
    assert [s.kind for s in view.sections] == ["stories"]
    assert not view.sections[0].items[0].is_new


def test_nothing_new_falls_back_to_its_message() -> None:
    view = briefing_view(replace(_briefing(), new_developments=()))
    new_since = view.sections[0]
    assert new_since.items == ()
    assert new_since.empty_text and new_since.empty_text.startswith("Nothing new")


def test_degraded_notice() -> None:
    view = briefing_view(replace(_briefing(), degraded=True))
    (notice,) = view.notices
    assert notice.kind == "degraded"
    assert notice.text.startswith("Partly degraded")
    assert "offline" in notice.short


def test_no_coverage() -> None:
    briefing = replace(_briefing(), stories=(), quotes=(), sources=(), degraded=True)
    view = briefing_view(briefing)
    assert view.no_coverage and view.sections == () and view.notices == ()
    assert view.no_coverage_text == "No new coverage of this story in this window."
    assert view.window.startswith("Coverage from ")
    assert view.date in view.date_label


def test_times_are_in_the_briefings_zone() -> None:
    briefing = replace(_briefing(), window_start=NOW - timedelta(hours=1), timezone="Asia/Tokyo")
    assert "JST" in briefing_view(briefing).window
