"""'What changed?' from a stored briefing's new developments (bot/answer/changed.py): which
questions ask it, and which developments answer it, in what order. The briefing payload here
is written for this test; every name is fictional."""

from __future__ import annotations

from typing import Any

import pytest

from bot.answer.changed import asks_what_changed, detail_after, developments, opening_article
from bot.answer.sentences import read_question


def _source(n: int, article: int) -> dict[str, Any]:
    return {
        "n": n,
        "article_id": article,
        "title": f"Article {article}",
        "url": f"https://news.test/{article}",
        "site": "News",
        "published_at": "2026-11-26T08:00:00+00:00",
    }


PAYLOAD: dict[str, Any] = {
    "stories": [
        {  # the port story cites the article on the ferry pledge too
            "headline": {"text": "Varn will license cranes from January."},
            "points": [{"text": "Brekka shares fell 9 percent."}],
            "citations": [1, 2, 3],
        },
        {
            "headline": {"text": "The Holm shipyard will stay open for six more months."},
            "points": [{"text": "The welders called off their strike."}],
            "citations": [4],
        },
    ],
    "new_since_last": [
        {"text": "Varn will license cranes from January, the port said.", "citations": [1]},
        {"text": "Talks went on; no word on the Holm shipyard yet.", "citations": [2]},
        {"text": "Norland will review its ferry pledge, the minister said.", "citations": [3]},
        {"text": "The Holm shipyard will stay open for six more months.", "citations": [4]},
    ],
    "sources": [_source(1, 11), _source(2, 12), _source(3, 13), _source(4, 14)],
}


@pytest.mark.parametrize(
    "question",
    [
        "What changed since yesterday?",
        "What's new on the shipyard?",
        "Any update on the Holm shipyard since yesterday?",
        "Anything new on the ferry pledge since the last briefing?",
        "What have the ministers decided since yesterday?",
        "where have the ferry talks got to since yesterday?",
    ],
)
def test_questions_that_ask_what_changed(question: str) -> None:
    assert asks_what_changed(question)


@pytest.mark.parametrize(
    "question",
    [
        "How many cranes need a licence?",
        "Has the strike been called off?",
        "Where did Brekka shares close?",
    ],
)
def test_questions_that_do_not(question: str) -> None:
    assert not asks_what_changed(question)


def test_the_development_that_says_what_was_asked_comes_first() -> None:
    found = developments("Any update on the Holm shipyard since yesterday?", PAYLOAD)
    assert found is not None
    text, sources = found
    assert text.startswith("The Holm shipyard will stay open for six more months. [1]")
    assert sources[0].url == "https://news.test/14"
    assert [s.n for s in sources] == list(range(1, len(sources) + 1))


def test_a_development_of_another_story_does_not_answer_for_it() -> None:
    found = developments("Anything new on the ferry pledge since the last briefing?", PAYLOAD)
    assert found is not None
    assert found[0].startswith("Norland will review its ferry pledge")


def test_nothing_new_on_what_was_asked() -> None:
    assert developments("What changed on fishing quotas since yesterday?", PAYLOAD) is None
    everything = developments("What changed since yesterday?", PAYLOAD)
    assert everything is not None and everything[0].startswith("Varn will license cranes")


def test_the_lead_of_a_story_follows_its_first_point() -> None:
    """What's new "in the port talks" is the deal they made, even when a market report says
    "port talks" in so many words: the deal (its story's lead) is told right after it."""
    payload: dict[str, Any] = {
        "stories": [
            {
                "headline": {"text": "Varn and Norland agreed a port deal on Tuesday…"},
                "points": [
                    {"text": "Varn and Norland agreed a port deal on Tuesday, with 40 berths."},
                    {"text": "The deal was signed after 12 hours of port talks."},
                ],
                "citations": [1, 2],
            },
            {
                "headline": {"text": "Shares rose as port talks made progress."},
                "points": [{"text": "Shares rose as port talks made progress."}],
                "citations": [3],
            },
            {
                "headline": {"text": "Ferry port talks resume on Friday, officials said."},
                "points": [{"text": "Ferry port talks resume on Friday, officials said."}],
                "citations": [4],
            },
        ],
        "new_since_last": [
            {
                "text": "Varn and Norland agreed a port deal on Tuesday, with 40 berths.",
                "citations": [1],
            },
            {"text": "Shares rose as port talks made progress.", "citations": [3]},
            {"text": "The deal was signed after 12 hours of port talks.", "citations": [2, 1]},
            {"text": "Ferry port talks resume on Friday, officials said.", "citations": [4]},
        ],
        "sources": [_source(1, 11), _source(2, 12), _source(3, 13), _source(4, 14)],
    }
    found = developments("What's new in the port talks since yesterday?", payload)
    assert found is not None
    text = found[0]
    assert text.index("Shares rose") < text.index("12 hours") < text.index("40 berths")
    assert text.index("40 berths") < text.index("resume on Friday")


ARTICLE = (
    "VARN (Wire) – Varn will license cranes from January, the port said.\n\n"
    "The rule covers cranes that lift more than 40 tonnes, and their spare parts.\n\n"
    "“We were not asked,” said a harbour pilot."
)


def test_the_sentence_after_the_first_development_in_its_article_follows_it() -> None:
    assert opening_article("What's new on cranes?", PAYLOAD) == 11
    found = developments("What's new on cranes?", PAYLOAD, ARTICLE)
    assert found is not None
    assert found[0].startswith(
        "Varn will license cranes from January, the port said. [1] "
        "The rule covers cranes that lift more than 40 tonnes, and their spare parts. [1]"
    )


def test_a_quotation_is_not_a_detail() -> None:
    assert detail_after(ARTICLE, "Varn will license cranes from January, the port said.") != ""
    assert detail_after(ARTICLE, "The rule covers cranes that lift more than 40 tonnes.") == ""
    assert detail_after(ARTICLE, "Something the article does not say at all.") == ""


def test_the_regulatory_side_is_what_a_named_regulating_body_did() -> None:
    payload = {
        **PAYLOAD,
        "new_since_last": [
            *PAYLOAD["new_since_last"],
            {
                "text": "Varn's Port Safety Board opened an inquiry into the cranes.",
                "citations": [2],
            },
        ],
    }
    found = developments("Anything new on the regulatory side since yesterday?", payload)
    assert found is not None and found[0].startswith("Varn's Port Safety Board opened")
    assert developments("Anything new on the regulatory side since yesterday?", PAYLOAD) is None


def test_the_top_of_a_firm_is_its_chief() -> None:
    payload = {
        **PAYLOAD,
        "new_since_last": [
            {"text": "Brekka's Holm yard won a ferry order on Tuesday.", "citations": [4]},
            *PAYLOAD["new_since_last"],
            {
                "text": "Brekka's chief executive, Osric Tamm, resigned on Tuesday.",
                "citations": [4],
            },
        ],
    }
    found = developments("What's changed at the top of Brekka since yesterday?", payload)
    assert found is not None and found[0].startswith("Brekka's chief executive, Osric Tamm")
    assert read_question("Who's in charge now?").terms == read_question("Who leads?").terms


def test_the_cause_asked_about_is_the_development_that_tells_one() -> None:
    # The fine's story mentions the collapse too; the development that says what made the
    # crane fall is the news on its cause.
    payload = {
        "stories": [
            {
                "headline": {"text": "A crane collapsed at Varn port on Monday."},
                "points": [{"text": "A worn cable snapped after its brake failed."}],
                "citations": [1, 2],
            },
            {
                "headline": {"text": "Varn's Port Safety Board fined the operator."},
                "points": [{"text": "The fine comes days after the crane collapse."}],
                "citations": [3],
            },
        ],
        "new_since_last": [
            {"text": "The board fined the operator 2 million crowns.", "citations": [3]},
            {"text": "A worn cable snapped after its brake failed.", "citations": [1]},
        ],
        "sources": [_source(1, 11), _source(2, 12), _source(3, 13)],
    }
    found = developments("What's new on the cause of the collapse since yesterday?", payload)
    assert found is not None and found[0].startswith("A worn cable snapped")
