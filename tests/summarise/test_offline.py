"""Sentences, the verbatim check and key points of the offline summariser."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.collect.extract import extract_text
from bot.models import Quote
from bot.summarise import (
    OFFLINE_VERSION,
    OfflineSummariser,
    is_verbatim,
    normalise_for_match,
    split_sentences,
    summarise_text,
    verify_quotes,
)

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Mr. Smith met Dr. Jones. They talked.", ["Mr. Smith met Dr. Jones.", "They talked."]),
        (
            "The U.S. and the E.U. met at 9 a.m. on Jan. 5. Talks followed.",
            ["The U.S. and the E.U. met at 9 a.m. on Jan. 5.", "Talks followed."],
        ),
        (
            "Prices rose 3.2% to $4.5 billion. Shares fell.",
            ["Prices rose 3.2% to $4.5 billion.", "Shares fell."],
        ),
        ("J. R. Smith spoke. Then he left.", ["J. R. Smith spoke.", "Then he left."]),
        (
            "“We are close,” she said. “But not yet.” Then silence.",
            ["“We are close,” she said.", "“But not yet.”", "Then silence."],
        ),
        ('He said "stop." Then he left!', ['He said "stop."', "Then he left!"]),
        ("Wait… What? Yes!", ["Wait…", "What?", "Yes!"]),
        (
            "BRUSSELS\nTalks resumed today.\n\nA new paragraph.",
            ["BRUSSELS", "Talks resumed today.", "A new paragraph."],
        ),
        ("No. 10 said so. Fine.", ["No. 10 said so.", "Fine."]),
    ],
)
def test_split_sentences(text: str, expected: list[str]) -> None:
    sentences = split_sentences(text)
    assert [s.text for s in sentences] == expected
    assert [s.id for s in sentences] == list(range(len(expected)))
    assert all(text[s.start : s.end] == s.text for s in sentences)


def test_normalise_and_verbatim() -> None:
    article = "“We are  close,” she said.\nIt’s\u00a0done — really…"
    assert normalise_for_match(article) == '"We are close," she said. It\'s done - really...'
    assert is_verbatim("We are close", article)
    assert is_verbatim('"We are close,"', article)
    assert is_verbatim("It's done", article)
    assert not is_verbatim("We are very close", article)
    assert not is_verbatim("we are close", article)  # case matters: quotes are verbatim
    assert not is_verbatim("", article)


def test_verify_quotes_drops_inventions_and_unknown_speakers() -> None:
    article = "“Deal or no deal, we stay,” Marta Kovalenko said."
    kept, dropped = verify_quotes(
        [
            Quote("Deal or no deal, we stay", "Marta Kovalenko"),
            Quote("Deal or no deal, we stay", "Marta Kovalenko"),  # a repeat is kept once
            Quote("We will sign tomorrow", "Marta Kovalenko"),  # invented
            Quote("we stay", "Joe Invented"),  # real words, invented speaker
        ],
        article,
    )
    assert kept == [Quote("Deal or no deal, we stay", "Marta Kovalenko"), Quote("we stay", None)]
    assert dropped == 1


@pytest.mark.parametrize("name", sorted(p.name for p in ARTICLES.glob("*.txt")))
def test_key_points(name: str) -> None:
    article = extract_text((ARTICLES / name).read_text(encoding="utf-8"), "")
    summary = summarise_text(article.title, article.text)
    sentences = {s.id: s for s in split_sentences(article.text)}
    assert 3 <= len(summary.key_points) <= 6
    ids = [p.sentence_ids[0] for p in summary.key_points]
    assert ids == sorted(ids)
    for point in summary.key_points:
        assert point.text in " ".join(sentences[point.sentence_ids[0]].text.split())
    assert summary.summariser == "offline" and summary.prompt_version == OFFLINE_VERSION
    assert summary == summarise_text(article.title, article.text)  # deterministic


def test_key_points_skip_boilerplate_and_prefer_the_lead() -> None:
    text = (
        "Negotiators agreed on a quota of 3.3 million tonnes of steel on Tuesday in Brussels.\n"
        "Sign up for our newsletter to get the latest trade news every morning in your inbox.\n"
        "The agreement still needs the approval of the 27 member states and of the US Congress.\n"
        "Officials said the deal would be signed in Washington on December 2 by both sides.\n"
        "European steelmakers welcomed the quota but asked for safeguards on aluminium too.\n"
        "Reporting by Ana Petrovic; Editing by Tom Hale and the rest of the busy desk staff.\n"
        "Shares in steelmakers rose 3.4% in Frankfurt after the news broke in the afternoon."
    )
    summary = summarise_text("Steel quota agreed", text)
    texts = [p.text for p in summary.key_points]
    assert texts[0].startswith("Negotiators agreed")
    assert not any("newsletter" in t or "Reporting by" in t for t in texts)


def test_dateline_is_dropped_from_the_point_only() -> None:
    text = (
        "BRUSSELS (Wirepoint) — Negotiators agreed on a steel quota of 3.3 million tonnes.\n"
        "WASHINGTON — The White House said it welcomed the outcome of the long talks.\n"
        "Officials from both sides will meet again in Washington on December 2, 2026."
    )
    points = [p.text for p in summarise_text("Steel quota", text).key_points]
    assert points[0] == "Negotiators agreed on a steel quota of 3.3 million tonnes."
    assert points[1] == "The White House said it welcomed the outcome of the long talks."


def test_short_text_gives_fewer_points() -> None:
    summary = summarise_text("t", "One sentence only here about steel tariffs and quotas.")
    assert len(summary.key_points) == 1


async def test_offline_summariser_protocol() -> None:
    summariser = OfflineSummariser()
    summary = await summariser.summarise(title="t", text="“We stay,” said Ana Lopes. " * 3)
    assert summariser.name == "offline" and summary.quotes[0].speaker == "Ana Lopes"
