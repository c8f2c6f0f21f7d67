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


def test_a_word_capitalised_only_inside_a_longer_name_is_a_name_only_beside_it() -> None:
    texts = [
        "Trading in Dravo was halted by the Norland Stock Exchange. Dravo said it would explain.",
        "The Norland Stock Exchange said Dravo had asked for the halt. Staff in Tallow Bay wait.",
        "Dravo employs 1,900 people in Tallow Bay.",
    ]
    assert recased("how hard did dravo stock get hit", texts) == "how hard did Dravo stock get hit"
    assert recased("what did the stock exchange say", texts) == "what did the Stock Exchange say"
    assert recased("how many staff in tallow bay?", texts) == "how many staff in Tallow Bay?"


def test_a_name_with_inner_capitals_is_written_as_the_coverage_writes_it() -> None:
    texts = [
        "The breach at DravoPay was found late, and DravoPay said it had told its users.",
        "Customers of DravoPay were told on Friday.",
    ]
    assert recased("when did dravopay's users hear?", texts) == "when did DravoPay's users hear?"
