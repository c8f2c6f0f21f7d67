"""The verbatim check shared by every summariser: what normalising forgives (marks, white
space) and what it never forgives (a changed word, case, a word cut in half, a made-up name)."""

from __future__ import annotations

import pytest

from bot.models import Quote
from bot.summarise import is_verbatim, normalise_for_match, verify_quotes

ARTICLE = (
    "“We are  close,” said Marta Kovalenko.\n"
    "It’s\u00a0done — really… The talks were unproductive, she said,\n"
    'adding: "Nobody wants\n   a long winter."'
)


@pytest.mark.parametrize(
    ("raw", "normal"),
    [
        ("“Quote”  and ‘single’", "\"Quote\" and 'single'"),
        ("It’s\u00a0done", "It's done"),
        ("a\n\n b\t c", "a b c"),
        ("Talks — again – and again…", "Talks - again - and again..."),
        ("«Não» „ja“", '"Não" "ja"'),
        ("Case Stays", "Case Stays"),
        ("soft\u00adhyphen", "softhyphen"),
        ("", ""),
    ],
)
def test_normalise_for_match(raw: str, normal: str) -> None:
    assert normalise_for_match(raw) == normal


@pytest.mark.parametrize(
    "quote",
    [
        "We are close",
        "We are close,",  # the trailing comma of “…,” said X
        '"We are close,"',  # with straight marks around it
        "“We are close”",
        "We are\nclose",  # white space differs
        "It's done",  # straight apostrophe for a typographic one
        "It’s done - really...",
        "Nobody wants a long winter.",  # typographic vs straight, and a line break in the article
        "“Nobody wants a long winter.”",
        "unproductive",
    ],
)
def test_is_verbatim_forgives_marks_and_white_space(quote: str) -> None:
    assert is_verbatim(quote, ARTICLE)


@pytest.mark.parametrize(
    "quote",
    [
        "We are very close",  # a word added
        "We were close",  # a word changed
        "we are close",  # case matters: a quote is verbatim or it is not
        "productive",  # only inside "unproductive"
        "Nobody wants a long winter!",
        "",
        "   ",
        '""',
    ],
)
def test_is_verbatim_rejects_anything_else(quote: str) -> None:
    assert not is_verbatim(quote, ARTICLE)


def test_verify_quotes_drops_inventions_and_unknown_speakers() -> None:
    kept, dropped = verify_quotes(
        [
            Quote("We are close", "Marta Kovalenko", 0),
            Quote("We are close", "Marta Kovalenko", 0),  # a repeat is kept once, not counted
            Quote("We will sign tomorrow", "Marta Kovalenko"),  # invented
            Quote("Nobody wants a long winter.", "Joe Invented", 2),  # real words, made-up name
            Quote("unproductive", "  "),  # a blank speaker is no speaker
            Quote("We are clos", "Marta Kovalenko"),  # cut in the middle of a word
            Quote("It's done", "Kovalenko"),  # part of a name that is there is a name that is there
        ],
        ARTICLE,
    )
    assert kept == [
        Quote("We are close", "Marta Kovalenko", 0),
        Quote("Nobody wants a long winter.", None, 2),
        Quote("unproductive", None),
        Quote("It's done", "Kovalenko"),
    ]
    assert dropped == 2


def test_verify_quotes_rejects_a_speaker_that_is_only_part_of_a_word() -> None:
    kept, _ = verify_quotes([Quote("We are close", "Marta")], "“We are close,” said Martaline.")
    assert kept == [Quote("We are close", None)]


def test_verify_quotes_of_nothing() -> None:
    assert verify_quotes([], ARTICLE) == ([], 0)
    assert verify_quotes([Quote("anything")], "") == ([], 1)
