"""Sentence splitting: abbreviations, figures, initials, ellipses, quotation marks, paragraphs,
datelines; offsets that point back into the text; linear time on hostile input."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest

from bot.collect.extract import extract_text
from bot.summarise import split_sentences

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"


def texts(text: str) -> list[str]:
    sentences = split_sentences(text)
    assert [s.id for s in sentences] == list(range(len(sentences)))
    assert all(text[s.start : s.end] == s.text == s.text.strip() for s in sentences)
    return [s.text for s in sentences]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # titles before names never end a sentence
        (
            "Mr. Smith met Mrs. Reyes and Dr. Jones. They talked.",
            ["Mr. Smith met Mrs. Reyes and Dr. Jones.", "They talked."],
        ),
        (
            "Prof. Lind, Sen. Ortiz and Gov. Blake spoke at St. Anne's. Nobody left.",
            ["Prof. Lind, Sen. Ortiz and Gov. Blake spoke at St. Anne's.", "Nobody left."],
        ),
        # months, number labels
        (
            "Talks resume on Jan. 5 and end by Dec. 15. Officials agreed.",
            ["Talks resume on Jan. 5 and end by Dec. 15.", "Officials agreed."],
        ),
        ("No. 10 said so. Fine.", ["No. 10 said so.", "Fine."]),
        ("Was it agreed? No. The talks go on.", ["Was it agreed?", "No.", "The talks go on."]),
        # U.S., E.U., a.m. inside a sentence, and at its end before a sentence opener
        (
            "The U.S. and the E.U. met at 9 a.m. on Jan. 5. Talks followed.",
            ["The U.S. and the E.U. met at 9 a.m. on Jan. 5.", "Talks followed."],
        ),
        (
            "The U.S. Trade Representative flew to the U.K. on Monday.",
            ["The U.S. Trade Representative flew to the U.K. on Monday."],
        ),
        (
            "Nobody trusts the U.S. The deal may still fail.",
            ["Nobody trusts the U.S.", "The deal may still fail."],
        ),
        ("They met at 10 a.m. It went well.", ["They met at 10 a.m.", "It went well."]),
        (
            "Buyers, e.g. car makers, i.e. the largest, pay more. Sellers do not.",
            ["Buyers, e.g. car makers, i.e. the largest, pay more.", "Sellers do not."],
        ),
        # company suffixes
        (
            "Alumeta Inc. and Lindor Ltd. signed with Ostbahn Co. on Friday. Shares rose.",
            ["Alumeta Inc. and Lindor Ltd. signed with Ostbahn Co. on Friday.", "Shares rose."],
        ),
        (
            "The buyer was Lindor Inc. The seller was not named.",
            ["The buyer was Lindor Inc.", "The seller was not named."],
        ),
        # figures
        (
            "Prices rose 3.2% to $4.5 billion. Shares fell 0.5 points.",
            ["Prices rose 3.2% to $4.5 billion.", "Shares fell 0.5 points."],
        ),
        ("It cost €1,250.50 a tonne. Buyers paid.", ["It cost €1,250.50 a tonne.", "Buyers paid."]),
        # initials
        ("J. R. Smith spoke. Then he left.", ["J. R. Smith spoke.", "Then he left."]),
        # ellipses
        ("Wait… What? Yes!", ["Wait…", "What?", "Yes!"]),
        ("He paused... Then he left.", ["He paused...", "Then he left."]),
        ("It was… complicated, he said.", ["It was… complicated, he said."]),
        # sentences ending inside quotation marks
        (
            "“We are close,” she said. “But not yet.” Then silence.",
            ["“We are close,” she said.", "“But not yet.”", "Then silence."],
        ),
        ('He said "stop." Then he left!', ['He said "stop."', "Then he left!"]),
        (
            "“Is it over?” she asked. “Not yet…” He smiled.",
            ["“Is it over?” she asked.", "“Not yet…”", "He smiled."],
        ),
        ("(It was late.) Talks ended.", ["(It was late.)", "Talks ended."]),
        # paragraphs: blank lines and single line breaks end a sentence
        (
            "BRUSSELS\nTalks resumed today.\n\nA new paragraph",
            ["BRUSSELS", "Talks resumed today.", "A new paragraph"],
        ),
        (
            "First paragraph without a stop\nSecond one.",
            ["First paragraph without a stop", "Second one."],
        ),
        # …unless the text is only wrapped: the next line goes on in lower case
        (
            "Negotiators said on Tuesday that the talks\nwould resume next week. Fine.",
            ["Negotiators said on Tuesday that the talks\nwould resume next week.", "Fine."],
        ),
        ("A list of goods,\nMotorcycles included.", ["A list of goods,\nMotorcycles included."]),
        # a dateline is a sentence of its own, so the news starts the next one
        (
            "BRUSSELS (Wirepoint) — Negotiators agreed on a quota.",
            ["BRUSSELS (Wirepoint) —", "Negotiators agreed on a quota."],
        ),
        (
            "NEW YORK, Nov 24 (Reuters) - Shares rose. Bonds fell.",
            ["NEW YORK, Nov 24 (Reuters) -", "Shares rose.", "Bonds fell."],
        ),
        ("LIÈGE — Workers marched.", ["LIÈGE —", "Workers marched."]),
        ("EU-US talks — a primer. More soon.", ["EU-US talks — a primer.", "More soon."]),
        # lower case after a stop is not a new sentence
        ("The price was 5 p.c. higher. ok fine.", ["The price was 5 p.c. higher. ok fine."]),
        ("", []),
        ("   \n\n  ", []),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    assert texts(text) == expected


@pytest.mark.parametrize("name", sorted(p.name for p in ARTICLES.glob("*.txt")))
def test_fixture_sentences_cover_the_text_in_order(name: str) -> None:
    text = extract_text((ARTICLES / name).read_text(encoding="utf-8"), "").text
    sentences = split_sentences(text)
    assert len(sentences) > 10
    for s, after in pairwise(sentences):
        assert s.end <= after.start
        assert not text[s.end : after.start].strip()  # nothing but white space is skipped
    assert not text[: sentences[0].start].strip() and not text[sentences[-1].end :].strip()


def test_crlf_and_tabs_keep_offsets() -> None:
    text = "First one.\r\n\r\nSecond\tone.  Third one."
    assert texts(text) == ["First one.", "Second\tone.", "Third one."]


@pytest.mark.parametrize(
    "text",
    [
        "a." * 300_000,
        ". " * 300_000,
        "A. " * 200_000,
        "word " * 200_000,
        "Mr. " * 100_000,
        "wrapped line\n" * 100_000,
        "Word.\n" * 100_000,
        "BRUSSELS — " * 50_000,
        "x" * 1_000_000,
    ],
)
def test_hostile_input_finishes(text: str) -> None:
    sentences = split_sentences(text)
    assert all(text[s.start : s.end] == s.text for s in sentences[:100])
