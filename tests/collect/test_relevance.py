"""Relevance (pure): term matching (phrases, plurals, possessives, accents, word boundaries),
must / may / must-not decisions with their reasons, and how the score weighs what matched."""

from __future__ import annotations

import pytest

from bot.collect.relevance import Query, Relevance, matches, score

STEEL = Query(may=("steel", "aluminium", "tariff", "trade talks"), must_not=("football",))

LEAD = (
    "BRUSSELS (Wirepoint) - Negotiators from the European Union and the United States met on "
    "Monday for a fourth round of trade talks on the steel tariffs that have strained "
    "relations since March."
)
NEUTRAL = (  # a lead that mentions none of STEEL's terms
    "BRUSSELS (Wirepoint) - Negotiators from the European Union and the United States met on "
    "Monday for a fourth round of meetings on the dispute that has strained relations since "
    "March."
)
REST = (
    "Officials said the meeting lasted three hours. Both delegations declined to comment on "
    "the details, and a further meeting is planned for next week in Washington."
)


@pytest.mark.parametrize(
    ("term", "text", "found"),
    [
        ("tariff", "new TARIFFS announced", True),
        ("tariffs", "a tariff on steel", True),
        ("talk", "trade talks resumed", True),
        ("talks", "the talk went well", True),
        ("duty", "import duties rose", True),
        ("duties", "a duty of 25%", True),
        ("tax", "new taxes", True),
        ("taxes", "a tax rise", True),
        ("EU", "the EU's position", True),
        ("EU's", "the EU position", True),
        ("worker", "the workers' union", True),
        ("Kovalenko", "Kovalenko’s team said", True),
        ("trade talks", "the trade-talks resumed", True),
        ("trade talks", "trade\ntalks resumed", True),
        ("trade talks", "TRADE   TALKS", True),
        ("trade talks", "trade — talks", True),
        ("melt-and-pour", "a melt and pour rule", True),
        ("Elodie Marchand", "Élodie Marchand said", True),
        ("négociations", "les negociations", True),
        ("Søren Lund", "Soren Lund said", True),
        ("US", "the U.S. delegation", True),
        ("steel", "steelworkers marched", False),  # whole words only
        ("steel", "stainless-steel", True),
        ("talks", "trade", False),
        ("trade talks", "trade. Talks", False),  # not across a sentence end
        ("trade talks", "talks on trade", False),
        ("US", "he uses it", False),  # no plural ending on a two-letter word
        ("news", "a new deal", False),  # "news" is not the plural of "new"
        ("!!!", "!!! anything", False),  # a term without letters matches nothing
    ],
)
def test_matches(term: str, text: str, found: bool) -> None:
    assert matches(term, "", text) is found


def test_matches_looks_at_the_title_too() -> None:
    assert matches("quota", "Quota deal agreed", "Officials met.")


def test_on_topic_article() -> None:
    r = score(STEEL, "Steel talks resume", LEAD + "\n" + REST)
    assert r.relevant and 0 < r.score <= 1
    assert r.matched == ("steel", "tariff", "trade talks")
    assert r.reason == "matches 'steel', 'tariff', 'trade talks'"


def test_off_topic_football_report_is_rejected_with_its_reason() -> None:
    r = score(
        STEEL,
        "Harbour City keep title hopes alive",
        "Harbour City beat Rovers 2-1 in a football match at Quayside Park.\n"
        "The club's sponsor, a steel company, watched from the stand.",
    )
    assert not r.relevant
    assert r.reason == "excluded by 'football'"
    assert r.matched == ("steel",)  # what matched is still reported


def test_excluded_term_wins_even_in_the_title() -> None:
    r = score(STEEL, "Football: steel city derby", "Steel tariffs and trade talks.")
    assert not r.relevant and r.reason == "excluded by 'football'"


def test_no_may_term_is_off_topic() -> None:
    r = score(STEEL, "Budget approved", "The council approved the budget on Monday.")
    assert r == Relevance(0.0, False, (), "matches none of 'steel', 'aluminium', 'tariff', …")


def test_must_terms_are_all_required() -> None:
    q = Query(must=("steel", "Kovalenko"))
    assert score(q, "t", "Kovalenko spoke about steel.").relevant
    r = score(q, "t", "Kovalenko spoke about wine.")
    assert not r.relevant and r.reason == "missing required 'steel'"
    r = score(q, "t", "Nothing here.")
    assert r.reason == "missing required 'steel', 'Kovalenko'"


def test_must_and_may_together() -> None:
    q = Query(must=("steel",), may=("tariff", "quota"))
    assert score(q, "Steel quota agreed", "A quota for steel.").relevant
    r = score(q, "Steel output rises", "Mills made more steel this year.")
    assert not r.relevant and r.reason == "matches none of 'tariff', 'quota'"


def test_title_match_outweighs_a_single_body_mention() -> None:
    in_title = score(STEEL, "Steel quota agreed", "Officials met on Monday.")
    in_lead = score(STEEL, "Officials met", "Officials met on Monday to discuss steel.")
    in_body = score(STEEL, "Officials met", f"{NEUTRAL}\n{REST}\nSteel was not discussed.")
    assert in_title.score > in_lead.score > in_body.score > 0
    assert in_title.score == 0.393  # 1 - e^(-2/4): pinned, the score is deterministic


def test_more_terms_and_more_mentions_score_higher() -> None:
    one = score(STEEL, "Talks", "Steel was mentioned.")
    two = score(STEEL, "Talks", "Steel and aluminium were mentioned.")
    often = score(STEEL, "Talks", "Steel and aluminium. " + "More steel. " * 10)
    assert one.score < two.score < often.score <= 1


def test_a_passing_mention_is_below_the_default_min_score() -> None:
    r = score(STEEL, "Officials met", f"{NEUTRAL}\n{REST}\n{REST}\nA steel maker attended.")
    assert not r.relevant and r.matched == ("steel",)
    assert r.reason == f"score {r.score} below 0.2" and 0 < r.score < 0.2


def test_min_score_threshold() -> None:
    strict = Query(may=("steel",), min_score=0.9)
    r = score(strict, "Budget", "A passing mention of steel at the end.")
    assert not r.relevant and "below 0.9" in r.reason


@pytest.mark.parametrize(
    ("title", "text"),
    [
        ("", ""),
        ("Steel", "steel " * 5000),
        ("Steel tariff aluminium trade talks", ("steel tariff aluminium trade talks. " * 400)),
        ("\x00\ufffd", "\n\n\n"),
    ],
)
def test_score_is_always_between_0_and_1(title: str, text: str) -> None:
    r = score(STEEL, title, text)
    assert 0.0 <= r.score <= 1.0
    assert score(STEEL, title, text) == r  # deterministic


def test_empty_query_accepts_everything_with_score_1() -> None:
    r = score(Query(), "Anything", "at all")
    assert r == Relevance(1.0, True, (), "no query terms: everything is relevant")
    excluded = score(Query(must_not=("recipe",)), "A stew recipe", "Cook slowly.")
    assert not excluded.relevant and excluded.reason == "excluded by 'recipe'"


def test_repeated_terms_count_once() -> None:
    r = score(Query(must=("steel",), may=("steel", "tariff")), "Steel", "Steel.")
    assert r.relevant and r.matched == ("steel",)
