"""Relevance scoring (pure): must / may / must-not, phrases, plurals, accents, weighting."""

from __future__ import annotations

from bot.collect.relevance import Query, matches, score

STEEL = Query(may=("steel", "aluminium", "tariff", "trade talks"), must_not=("football",))


def test_on_topic_article() -> None:
    r = score(STEEL, "Steel talks resume", "Negotiators met over steel tariffs on Monday.")
    assert r.relevant and 0 < r.score <= 1
    assert set(r.matched) == {"steel", "tariff"}
    assert "steel" in r.reason


def test_excluded_term_wins() -> None:
    r = score(STEEL, "Harbour City win", "A football match; the club sponsor makes steel.")
    assert not r.relevant and r.reason == "excluded by 'football'"


def test_no_may_term_is_off_topic() -> None:
    r = score(STEEL, "Budget approved", "The council approved the budget on Monday.")
    assert not r.relevant and r.matched == ()


def test_must_terms_are_all_required() -> None:
    q = Query(must=("steel", "Kovalenko"))
    assert score(q, "t", "Kovalenko spoke about steel.").relevant
    r = score(q, "t", "Kovalenko spoke about wine.")
    assert not r.relevant and "missing required 'steel'" in r.reason


def test_phrases_plurals_possessives_and_accents() -> None:
    assert matches("trade talks", "", "the trade-talks resumed")
    assert matches("trade talks", "", "trade\ntalks resumed")
    assert matches("trade talk", "", "trade talks resumed")
    assert matches("tariff", "", "new TARIFFS announced")
    assert matches("EU", "", "the EU's position")
    assert matches("Elodie Marchand", "", "Élodie Marchand said")
    assert matches("négociations", "", "les negociations")
    assert not matches("steel", "", "steelworkers marched")  # whole words only
    assert not matches("talks", "", "trade")


def test_title_match_outweighs_a_single_body_mention() -> None:
    in_title = score(STEEL, "Steel quota agreed", "Officials met on Monday.")
    in_body = score(STEEL, "Officials met", "Officials met on Monday to discuss steel.")
    assert in_title.score > in_body.score


def test_min_score_threshold() -> None:
    strict = Query(may=("steel",), min_score=0.9)
    r = score(strict, "Budget", "A passing mention of steel at the end.")
    assert not r.relevant and "below 0.9" in r.reason


def test_empty_query_accepts_everything() -> None:
    r = score(Query(), "Anything", "at all")
    assert r.relevant and r.score == 1.0
