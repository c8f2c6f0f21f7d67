"""The three-day scenario (tests/fixtures/scenario/) and its question set hold together: counts,
references, times, and every planted fact and answer present verbatim in its sources."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

import pytest

from tests.scenario import (
    OFFTOPIC,
    Question,
    Scenario,
    ScenarioArticle,
    load_questions,
    load_scenario,
)


@pytest.fixture(scope="module")
def scenario() -> Scenario:
    return load_scenario()


@pytest.fixture(scope="module")
def questions() -> list[Question]:
    return load_questions()


def _old_items(s: Scenario) -> list[ScenarioArticle]:
    first = s.days[0].window_start
    return [a for a in s.articles if a.published_at and a.published_at <= first - timedelta(15)]


def _missing(strings: tuple[str, ...], sources: list[ScenarioArticle]) -> list[str]:
    return [m for m in strings if not any(m in a.text for a in sources)]


def test_counts(scenario: Scenario) -> None:
    arts = scenario.articles
    assert len(arts) >= 36
    assert len({a.outlet for a in arts}) >= 6
    assert sum(a.is_copy for a in arts) >= 6
    assert sum(a.offtopic for a in arts) >= 3
    assert len({a.story for a in arts if not a.offtopic}) in range(4, 7)
    assert sum(a.published_at is None for a in arts) >= 1


def test_exactly_one_old_item_arrives_on_day_two(scenario: Scenario) -> None:
    old = _old_items(scenario)
    assert len(old) == 1
    assert scenario.days[1].contains(old[0].fetched_at)


def test_ids_and_urls_are_unique(scenario: Scenario) -> None:
    ids = Counter(a.id for a in scenario.articles)
    assert [i for i, n in ids.items() if n > 1] == []
    urls = Counter(a.url for a in scenario.articles)
    assert [u for u, n in urls.items() if n > 1] == []
    # Stripping tracking parameters must not make two articles collide either.
    bare = Counter(urlsplit(a.url)._replace(query="").geturl() for a in scenario.articles)
    assert [u for u, n in bare.items() if n > 1] == []


def test_articles_are_well_formed(scenario: Scenario) -> None:
    hosts = {o.name: o.host for o in scenario.outlets}
    start, end = scenario.days[0].window_start, scenario.days[-1].briefing_at
    for a in scenario.articles:
        assert a.outlet in hosts, a.id
        parts = urlsplit(a.url)
        assert (parts.scheme, parts.hostname) == ("https", hosts[a.outlet]), a.id
        assert a.story == OFFTOPIC or a.story in scenario.stories, a.id
        assert 6 <= len(a.paragraphs) <= 12, a.id
        assert all(p.strip() == p and p for p in a.paragraphs), a.id
        assert a.fetched_at.utcoffset() == timedelta(0), a.id
        assert start <= a.fetched_at < end, a.id
        if a.published_at is not None:
            assert a.published_at <= a.fetched_at, a.id


def test_copies_point_at_an_original_of_the_same_story(scenario: Scenario) -> None:
    ids = {a.id for a in scenario.articles}
    for a in scenario.articles:
        if a.copy_of is None:
            continue
        assert a.copy_of in ids, a.id
        original = scenario.article(a.copy_of)
        assert original.copy_of is None, a.id
        assert (a.story, a.outlet != original.outlet) == (original.story, True), a.id
        shared = set(a.paragraphs) & set(original.paragraphs)
        assert len(shared) >= len(a.paragraphs) // 2, a.id
        assert a.text != original.text, a.id


def test_every_day_has_coverage_and_late_arrivals(scenario: Scenario) -> None:
    for day in scenario.days:
        arriving = scenario.arriving_for(day.day)
        assert len(arriving) >= 8, day.day
        # Some arrive late, between 23:00 and the 08:00 briefing, local time.
        local = [a.fetched_at.astimezone(ZoneInfo(scenario.timezone)).hour for a in arriving]
        assert any(h >= 23 or h < 8 for h in local), day.day
    assert sum(len(scenario.arriving_for(d.day)) for d in scenario.days) == len(scenario.articles)


def test_developments(scenario: Scenario) -> None:
    old_ids = {a.id for a in _old_items(scenario)}
    first_day_stories = {d.story for d in scenario.days[0].developments}
    for day in scenario.days:
        assert 3 <= len(day.developments) <= 5, day.day
        assert sum(d.top for d in day.developments) == 1, day.day
        for dev in day.developments:
            assert dev.day == day.day
            sources = [scenario.article(i) for i in dev.source_ids]
            assert all(day.contains(a.fetched_at) for a in sources), dev.fact
            assert not old_ids & set(dev.source_ids), dev.fact
            assert all(not a.offtopic for a in sources), dev.fact
            assert any(a.story == dev.story for a in sources), dev.fact
            assert _missing(dev.must_contain, sources) == [], dev.fact
    for day in scenario.days[1:]:
        assert sum(d.story in first_day_stories for d in day.developments) >= 2, day.day


def test_old_facts(scenario: Scenario) -> None:
    old_ids = {a.id for a in _old_items(scenario)}
    assert scenario.days[0].old_facts == ()
    for day in scenario.days[1:]:
        assert day.old_facts, day.day
        for fact in day.old_facts:
            sources = [scenario.article(i) for i in fact.source_ids]
            assert all(day.contains(a.fetched_at) for a in sources), fact.fact
            assert _missing(fact.must_contain, sources) == [], fact.fact
            assert fact.first_reported < day.day, fact.fact
            assert (fact.reason == "stale") == bool(old_ids & set(fact.source_ids)), fact.fact
    stale = [f for d in scenario.days for f in d.old_facts if f.reason == "stale"]
    assert stale and all(f.day == scenario.days[1].day for f in stale)


def test_question_set_shape(questions: list[Question], scenario: Scenario) -> None:
    n = len(questions)
    assert n >= 45
    assert len({q.id for q in questions}) == n
    assert sum(q.reworded for q in questions) * 3 >= n
    assert sum(not q.answerable for q in questions) * 4 >= n
    kinds = Counter(q.kind for q in questions)
    assert kinds["who-said"] >= 3
    assert kinds["follow-up"] >= 4
    later = {d.day for d in scenario.days[1:]}
    assert sum(q.kind == "what-changed" and q.day in later for q in questions) >= 3
    assert {q.day for q in questions} == {d.day for d in scenario.days}


def test_answers_are_in_coverage_fetched_before_the_question(
    questions: list[Question], scenario: Scenario
) -> None:
    for q in questions:
        if not q.answerable:
            assert (q.source_ids, q.must_contain) == ((), ()), q.id
            continue
        assert q.source_ids and q.must_contain, q.id
        asked_at = scenario.day(q.day).briefing_at
        sources = [scenario.article(i) for i in q.source_ids]
        assert all(a.fetched_at < asked_at for a in sources), q.id
        assert all(not a.offtopic for a in sources), q.id
        assert _missing(q.must_contain, sources) == [], q.id


def test_follow_ups_point_back(questions: list[Question]) -> None:
    seen: dict[str, Question] = {}
    for q in questions:
        if q.previous is not None:
            assert q.previous in seen, q.id
            assert seen[q.previous].day == q.day, q.id
        seen[q.id] = q
    assert all(q.previous is not None for q in questions if q.kind == "follow-up")


@pytest.mark.parametrize(
    "world",
    [
        "scenario_platforms",
        "scenario_batteries",
        "scenario_water",
        "scenario_pharma",
        "scenario_telecom",
        "scenario_aviation",
        "scenario_farming",
        "scenario_energy",
        "scenario_cityhall",
        "scenario_shipping",
        "scenario_election",
        "scenario_bank",
        "scenario_online",
    ],
)
def test_the_other_worlds_hold_together(world: str) -> None:
    # each world's own check (written with it): windows, hosts, copies, every must_contain
    # string in a source fetched before its question, follow-ups after what they follow
    script = Path(__file__).resolve().parent / "fixtures" / world / "check.py"
    done = subprocess.run(
        [sys.executable, str(script)], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0, done.stdout + done.stderr
