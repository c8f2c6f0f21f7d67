"""Firms asked about by what they are (bot/answer/descriptors.py): which firm the coverage
means, and when it cannot tell. Every name here is fictional."""

from __future__ import annotations

from bot.answer.descriptors import descriptor_in, firm_described, named, search_words
from bot.answer.quotes import person_of

COVERAGE = [
    "Brekka Cranes, Norland's biggest cranemaker, said it would cut 400 jobs.",
    "Shares in Ostrel Systems, the Varn toolmaker whose orders fell, dropped 4 percent.",
    "Ostrel Systems, the port's largest maker of welding tools, declined to comment.",
    "Holm Timber said prices rose. Workers at Holm Timber walked out on Monday.",
    "The Norland Timber Association welcomed the deal.",
]


def test_a_firm_introduced_by_what_it_is_is_named() -> None:
    d = descriptor_in("How many people work for Norland's biggest cranemaker?")
    assert d is not None and d.noun == "cranemaker" and d.owner == "Norland"
    assert "cranemaker" in search_words(d)
    firm = firm_described(d, COVERAGE)
    assert firm == "Brekka Cranes"
    assert named("How many people work for Norland's biggest cranemaker?", d, firm) == (
        "How many people work for Brekka?"
    )


def test_a_maker_of_things_is_their_maker_and_a_name_can_say_what_a_firm_makes() -> None:
    d = descriptor_in("What share of the Varn toolmaker's sales is affected?")
    assert d is not None and firm_described(d, COVERAGE) == "Ostrel Systems"
    d = descriptor_in("What did the timbermaker's boss say?")
    assert d is not None
    # "Holm Timber" by its name; the association is not a firm that makes timber
    assert firm_described(d, COVERAGE) == "Holm Timber"
    question = named("What's the timbermaker's boss saying?", d, "Holm Timber")
    assert question == "What's Holm's boss saying?"
    assert person_of(question) == "Holm's boss"


def test_when_two_firms_fit_as_well_none_is_chosen() -> None:
    d = descriptor_in("What did the cranemaker say?")
    assert d is not None
    assert (
        firm_described(
            d, ["Brekka Lifts, a cranemaker, said no.", "Vik Hoists, a cranemaker, said yes."]
        )
        is None
    )
    assert firm_described(d, ["Nothing about cranes here."]) is None


def test_questions_without_a_description_are_left_alone() -> None:
    assert descriptor_in("How many jobs will Brekka cut?") is None
    assert descriptor_in("What did the maker say?") is None  # too little to go on
