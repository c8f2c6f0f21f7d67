"""Briefing composition and rendering (pure): ranking, citations, quotes, what is new, no
coverage, escaping; Markdown and JSON are pinned by golden files."""

from __future__ import annotations

import json
from datetime import timedelta

import pytest

from bot.briefing.compose import pick_quotes
from bot.briefing.record import briefing_from_dict, briefing_to_dict
from bot.briefing.render import (
    md_escape,
    to_json,
    to_markdown,
)
from bot.models import BriefingQuote, Summary
from tests.helpers.briefings import NOW, build, sample
from tests.helpers.golden import golden


def test_syndicated_story_ranks_first_and_cites_every_copy() -> None:
    b = build()
    first = b.stories[0]
    assert first.story_id == 10
    assert first.headline.text.startswith("EU and US negotiators resumed")
    assert first.headline.citations == (1, 2, 3)  # the original and its two copies
    assert [p.citations for p in first.points] == [(4,), (1, 2, 3)]
    assert first.citations == (1, 2, 3, 4)
    assert [s.n for s in b.sources] == [1, 2, 3, 4, 5]


def test_every_point_is_cited_and_every_citation_exists() -> None:
    b = build()
    numbers = {s.n for s in b.sources}
    for story in b.stories:
        for point in (story.headline, *story.points):
            assert point.citations and set(point.citations) <= numbers
    assert all(q.citation in numbers for q in b.quotes)


def test_new_since_last_briefing_is_decided_fact_by_fact() -> None:
    # Yesterday's briefing had the markets point and the talks' start: only the unions'
    # warning is new, although it joined a story that existed.
    yesterday = (
        "Steel futures rose 2.1% in Frankfurt after the news.",
        "EU and US negotiators resumed talks on steel tariffs on Monday.",
        "The talks are expected to last three days.",
    )
    b = build(previous=NOW - timedelta(hours=24), previous_facts=yesterday)
    assert [s.story_id for s in b.new_stories] == [10]
    assert [p.text for p in b.new_developments] == [
        "Steelworkers' unions warned that 12,000 jobs are at risk.",
        "A review mechanism for disputes is on the table.",
    ]
    assert briefing_to_dict(b)["new_since_last"][0]["text"].startswith("Steelworkers")
    md = to_markdown(b)
    assert md.index("New since the last briefing") < md.index("Top stories")  # news first


def test_quotes_prefer_attributed_substantial_ones() -> None:
    b = build()
    assert b.quotes[0].speaker == "Marta Kovalenko"
    assert "productive" not in [q.text for q in b.quotes]  # a single word is not "notable"
    pool = [(0, i, BriefingQuote(f"quote number {i} here", "Same Person", 1)) for i in range(4)]
    assert len(pick_quotes(pool)) == 2  # two per speaker at most


def test_no_coverage_is_explicit() -> None:
    b = build(empty=True)
    assert b.no_coverage
    assert "No new coverage" in to_markdown(b)
    assert json.loads(to_json(b))["no_coverage"] is True


def test_untrusted_text_cannot_form_links_or_markup() -> None:
    md = to_markdown(build())
    assert "[after](https://evil.test)" not in md
    assert r"\[after\](https\[:\]//evil\[.\]test)" in md  # escaped, and not linkable
    assert "<!channel>" not in md
    assert md_escape("**bold** `code` # head\nnext") == r"\*\*bold\*\* \`code\` \# head next"


def test_markdown_golden() -> None:
    golden("briefing.md", to_markdown(build(previous=NOW - timedelta(hours=24))))


def test_json_golden() -> None:
    golden("briefing.json", to_json(build(previous=NOW - timedelta(hours=24))) + "\n")


def test_no_coverage_golden() -> None:
    b = build(empty=True)
    golden("briefing-empty.md", to_markdown(b))


@pytest.mark.parametrize("degraded", [True])
def test_degraded_briefing_says_so(degraded: bool) -> None:
    articles, summaries = sample()
    summaries[1] = Summary(summaries[1].key_points, (), "offline", "offline-1", degraded=degraded)
    b = build(inputs=(articles, summaries))
    assert b.degraded and "Partly degraded" in to_markdown(b)


def test_answer_markdown_keeps_citations_and_escapes_the_rest() -> None:
    from bot.answer import Answer
    from bot.answer.render import answer_to_markdown

    md = answer_to_markdown(Answer("q", "Jobs are at risk [1]. See [evil](http://x) [2]", True, ()))
    assert md.startswith("Jobs are at risk [1]. See \\[evil\\](http\\[:\\]//x) [2]")


def test_a_stored_briefing_reads_back_exactly() -> None:
    briefing = build(previous=NOW - timedelta(hours=24))
    assert briefing_from_dict(json.loads(to_json(briefing))) == briefing


@pytest.mark.parametrize(
    ("point", "new"),
    [
        # The same fact told again in other words: old.
        ("Unions said 12,000 steel jobs are at risk, the unions warned on Monday.", False),
        # The same deal with a new figure: new, although most of its words were briefed.
        ("Kestria agreed to guarantee 9,000 tonnes of rare-earth oxides a year.", True),
        # Yesterday's fact inside a longer sentence that adds a decision: new.
        (
            "Kaldor will postpone the closure of its Tarrow plant to September after taking "
            "the aid, and the union called off its strike.",
            True,
        ),
        ("A completely different matter: the port of Orvane reopened.", True),
    ],
)
def test_a_point_is_new_when_it_adds_a_fact_or_a_figure(point: str, new: bool) -> None:
    from bot.briefing.stories import is_new_fact

    yesterday = (
        "Steelworkers' unions warned that 12,000 steel jobs are at risk.",
        "The Union asked Kestria to guarantee 12,000 tonnes of rare-earth oxides a year.",
        "Kaldor will close its Tarrow plant, and the government offered aid.",
    )
    assert is_new_fact(point, yesterday) is new


def test_a_story_many_reports_feed_gets_room_for_more_points() -> None:
    from bot.briefing.stories import draft_stories
    from tests.helpers.briefings import art, summary

    arts = [art(i, 10, site=f"Outlet {i}") for i in range(1, 6)]
    facts = [
        "Negotiators agreed a steel quota of 2.4 million tonnes.",
        "Brussels will suspend its 25 percent tariff on electronics.",
        "Unions warned that 12,000 jobs depend on the Tarrow plant.",
        "Shares in Kaldor rose 5 percent in Frankfurt.",
        "The legal text will take six weeks to draft.",
    ]
    summaries = {a.id: summary(fact) for a, fact in zip(arts, facts, strict=True)}

    def points(n: int) -> int:
        drafts = draft_stories(
            {a.id: [a] for a in arts[:n]},
            summaries,
            window_end=NOW,
            previous_facts=(),
            max_points=3,
        )
        assert len(drafts) == 1
        return len(drafts[0].points)

    # Three points, plus one per two further reports, at most two more.
    assert [points(n) for n in (1, 3, 5)] == [1, 3, 5]
