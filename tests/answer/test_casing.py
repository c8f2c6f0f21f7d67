"""Names typed in lower case, capitalised as the coverage writes them: pure (the texts are
this file's own)."""

from __future__ import annotations

from bot.answer.casing import candidates, recased

COVERAGE = [
    "Shares in Dravo Energy fell after Dravo said the Kessel plant would close. The plant's "
    "owner, Dravo, employs 900 people at Kessel.",
    "Kessel’s mayor said power prices would rise in April. Power cuts hit the region.",
]


def test_a_name_typed_in_lower_case_is_capitalised_as_the_coverage_writes_it() -> None:
    assert recased("how did dravo's shares do?", COVERAGE) == "how did Dravo's shares do?"
    assert recased("when will kessel close?", COVERAGE) == "when will Kessel close?"


def test_words_the_coverage_also_writes_in_lower_case_stay_as_typed() -> None:
    # "power" opens a sentence with a capital, and is written in lower case elsewhere
    assert recased("what will power cost?", COVERAGE) == "what will power cost?"
    # months and days are not names the passage must hold
    assert "april" not in candidates("will prices rise in april?")


def test_a_word_capitalised_only_at_the_start_of_sentences_is_no_name() -> None:
    texts = ["Shares fell. Shares rose again later.", "Analysts said shares were cheap."]
    assert recased("how did shares do?", texts) == "how did shares do?"
    assert recased("how did shares do?", ["Shares fell. Shares rose."]) == "how did shares do?"
