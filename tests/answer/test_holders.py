"""Who holds an office a sentence names without naming the person (bot/answer/holders.py),
and the "who said …?" answer that gives them. Every text here is fictional."""

from __future__ import annotations

from datetime import UTC, datetime

from bot.answer.evidence import evidence
from bot.answer.holders import holder_sentence, offices, people
from bot.store.embed import embed
from bot.store.ranking import PassageHit

ARTICLE = [
    "Merrow Foods rejected Halden's offer on Monday.",
    "Merrow's chairman was blunter.",
    "“Halden wants our brands at a bargain price,” he said on a call with analysts.",
    "Ingrid Solberg, who has chaired Merrow since 2020, said the vote was unanimous.",
]


def test_the_office_a_sentence_names_is_held_by_the_one_person_named_in_it_elsewhere() -> None:
    assert offices("Merrow's chairman was blunter.") == {"chair"}
    assert people(ARTICLE[3]) == {"Ingrid Solberg"}
    said = f"{ARTICLE[1]} {ARTICLE[2]}"
    assert holder_sentence(ARTICLE, ARTICLE[2], said) == ARTICLE[3]


def test_no_holder_when_two_people_hold_the_office_or_the_sentence_names_someone() -> None:
    said = f"{ARTICLE[1]} {ARTICLE[2]}"
    two = [*ARTICLE, "Merrow's former chairman, Anders Holt, backed the bid."]
    assert holder_sentence(two, ARTICLE[2], said) == ""
    # another firm's chairman is not Merrow's
    other = [*ARTICLE, "Halden's chairman, Peter Lind, said the price was fair."]
    assert holder_sentence(other, ARTICLE[2], said) == ARTICLE[3]
    named = "Chairman Ingrid Solberg was blunter."
    assert holder_sentence(ARTICLE, named, named) == ""
    assert holder_sentence(ARTICLE, ARTICLE[0], ARTICLE[0]) == ""  # no office named


def test_who_said_it_is_answered_with_the_sentence_that_names_the_chairman() -> None:
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    # the passage is the paragraph with the quote; the article names the chairman later
    passage = PassageHit(
        id=1, article_id=7, title="Merrow rejects Halden", text=" ".join(ARTICLE[1:3]), at=at,
        rank=-1.0,
    )  # fmt: skip
    question = "Who said Halden wants Merrow's brands at a bargain price?"
    found = evidence(question, [], [passage], embed([question])[0], articles={7: " ".join(ARTICLE)})
    assert found and found[0].text.startswith("Ingrid Solberg, who has chaired Merrow")
    # without the article, nobody is named, and "he" is no answer to "who"
    assert not evidence(question, [], [passage], embed([question])[0])


def test_a_boss_asked_for_by_role_speaks_by_surname_under_the_firms_headline() -> None:
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    article = (
        "Merrow's finance chief, Anders Holt, put the cost at 40 million crowns. "
        "On a call with analysts, chief executive Ingrid Solberg said Merrow would comply. "
        "Asked about the strike, Solberg said the pay offer was “not up for talks on a "
        "picket line”."
    )
    hit = PassageHit(
        id=1, article_id=7, title="Merrow pauses pay cut as strike ends", at=at, rank=-1.0,
        text="Asked about the strike, Solberg said the pay offer was “not up for talks on a "
        "picket line”.",
    )  # fmt: skip
    question = "What did Merrow's boss say about the strike?"
    found = evidence(question, [], [hit], embed([question])[0], articles={7: article})
    assert found and "picket line" in found[0].text
    # the finance minister is not the trade minister the article names
    letter = PassageHit(
        id=2, article_id=8, title="Norland weighs levy", at=at, rank=-1.0,
        text="The letter, sent to Norland Trade Minister Ilse Berg, says the levy would hurt.",
    )  # fmt: skip
    asked = "What has Norland's finance minister said about the levy?"
    assert not evidence(asked, [], [letter], embed([asked])[0], articles={8: letter.text})
