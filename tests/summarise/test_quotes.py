"""Quotes and speakers on articles written in different styles; every quote verbatim."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.collect.extract import extract_text
from bot.summarise import extract_quotes, is_verbatim, split_sentences, summarise_text

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"

EXPECTED: dict[str, list[tuple[str | None, str]]] = {
    # “…,” said X, the title / “…” X, the title, told reporters / a continuation
    "a-wire.txt": [
        ("Marta Kovalenko", "We have narrowed the gaps on volumes"),
        ("Marta Kovalenko", "What remains is the question of how disputes are settled."),
        ("Daniel Whitcombe", "Nobody should expect a signing ceremony this week"),
    ],
    # straight quotes, `X told reporters: "…"`, a quote running over two sentences
    "b-straight.txt": [
        (
            "Lucia Ferrante",
            "We cannot run plants at a loss for another winter. Energy costs "
            "have doubled and our American orders have fallen by a third.",
        ),
        (
            "Lucia Ferrante",
            "If there is no agreement by March, we will have to start shutting down pot lines",
        ),
    ],
    # he said / she said / he added across paragraphs, two people, an interrupted quote
    "c-pronouns.txt": [
        ("Henrik Dahl", "Retaliation is a last resort, not a negotiating tactic"),
        ("Henrik Dahl", "We should give the commission until the end of January."),
        ("Élodie Marchand", "Every week we wait, our plants lose customers"),
        ("Henrik Dahl", "I do not exclude anything"),
        ("Henrik Dahl", "but I want the talks to run their course."),
        ("Élodie Marchand", "Patience has a price, and our workers are paying it"),
    ],
    # "the commissioner said", surname-only mentions, "Its chair, X, said … “…”"
    "d-titles.txt": [
        ("Marta Kovalenko", "We will not negotiate forever"),
        (
            "Marta Kovalenko",
            "If there is no deal by the fifteenth, the countermeasures will apply from January.",
        ),
        ("Pieter Vandenberg", "as long as workers are protected."),
        ("Marta Kovalenko", "The tone was constructive"),
        ("Marta Kovalenko", "but tone is not a text."),
    ],
    # X said …, adding “…”; described the talks as “…”; an anonymous manager
    "e-adding.txt": [
        ("Sabine Kroll", "we are not expecting relief before the summer."),
        ("Sabine Kroll", "constructive but slow"),
        (None, "worse than the tariff itself."),
    ],
    # a banner, an anonymous official, scare quotes (dropped), a named delegate
    "f-anonymous.txt": [
        (None, "This cannot go on"),
        (None, "businesslike"),
        ("Marc Dubois", "We came here so that they remember us when they sign"),
    ],
}


def load(name: str) -> tuple[str, str]:
    article = extract_text((ARTICLES / name).read_text(encoding="utf-8"), "")
    return article.title, article.text


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_quotes_and_speakers(name: str) -> None:
    title, text = load(name)
    summary = summarise_text(title, text)
    assert [(q.speaker, q.text) for q in summary.quotes] == EXPECTED[name]
    assert summary.dropped_quotes == 0


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_every_quote_is_verbatim_and_points_at_its_sentence(name: str) -> None:
    _, text = load(name)
    sentences = split_sentences(text)
    for quote in extract_quotes(text, sentences):
        assert is_verbatim(quote.text, text)
        assert quote.sentence_id is not None
        first_words = " ".join(quote.text.split()[:3]).replace('"', "")
        around = " ".join(s.text for s in sentences[quote.sentence_id : quote.sentence_id + 2])
        assert first_words in around.replace("“", "").replace('"', "")


def test_speaker_is_never_a_name_absent_from_the_text() -> None:
    for name in EXPECTED:
        _, text = load(name)
        for quote in extract_quotes(text):
            assert quote.speaker is None or quote.speaker in text


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("“We are close,” she said. No name anywhere.", [(None, "We are close")]),
        (
            "Anna Brandt spoke. “Markets have priced it in,” she said.",
            [("Anna Brandt", "Markets have priced it in")],
        ),
        (
            "“It is over,” said Tom Reyes. “We go home.”",
            [("Tom Reyes", "It is over"), ("Tom Reyes", "We go home.")],
        ),
        (
            "Prime Minister Ana Sousa said: «Não vamos ceder nada hoje»",
            [("Ana Sousa", "Não vamos ceder nada hoje")],
        ),
        (
            "“A deal is near,” according to Lena Fisch, a lawyer.",
            [("Lena Fisch", "A deal is near")],
        ),
        ("The minister’s ‘clear red line’ was repeated by Ivo Petrov, who said it twice.", []),
        ("It’s the union’s view that workers’ pay matters.", []),
    ],
)
def test_attribution_patterns(text: str, expected: list[tuple[str | None, str]]) -> None:
    assert [(q.speaker, q.text) for q in extract_quotes(text)] == expected


def test_adversarial_inputs_finish() -> None:
    assert isinstance(extract_quotes('"' * 100_000), list)
    assert isinstance(extract_quotes("“" * 50_000 + "a" * 50_000), list)
    long_line = ("word " * 200_000).strip()
    assert isinstance(summarise_text("t", long_line).key_points, tuple)
    names = " ".join(f"Name{i} Surname{i} said." for i in range(5_000))
    assert isinstance(extract_quotes(names + ' "quoted text here now," he said.'), list)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # a title in front of the name the first time, the surname alone later
        (
            "US Trade Representative Daniel Whitcombe spoke on Monday. "
            "“A quota is not a loophole,” Whitcombe said. "
            "Whitcombe told reporters: “We are flexible on volumes.”",
            [
                ("Daniel Whitcombe", "A quota is not a loophole"),
                ("Daniel Whitcombe", "We are flexible on volumes."),
            ],
        ),
        # a quote of two sentences, attributed after it
        (
            "“We are close, but we are not there yet. Both sides want a deal,” "
            "Marta Kovalenko said.",
            [("Marta Kovalenko", "We are close, but we are not there yet. Both sides want a deal")],
        ),
        (
            "“Every week costs us orders. We need a deal,” said Klaus Meinhardt, chairman of "
            "the union.",
            [("Klaus Meinhardt", "Every week costs us orders. We need a deal")],
        ),
        # the commissioner, after a titled first mention
        (
            "EU Trade Commissioner Marta Kovalenko arrived late. "
            "“We will not negotiate forever,” the commissioner said.",
            [("Marta Kovalenko", "We will not negotiate forever")],
        ),
        # the same voice later in the paragraph, with an organisation in between
        (
            "“Markets price in a deal,” said Anna Brandt, a strategist at Lindqvist Bank. "
            "“If Brussels blinks, steel rallies.”",
            [
                ("Anna Brandt", "Markets price in a deal"),
                ("Anna Brandt", "If Brussels blinks, steel rallies."),
            ],
        ),
        # an institution is never a speaker, even as the last capitalised phrase
        (
            "Daniel Whitcombe spoke to the Atlantic Trade Forum on Monday. "
            "“The numbers are the easy part,” he added.",
            [("Daniel Whitcombe", "The numbers are the easy part")],
        ),
    ],
)
def test_attribution_cases_from_the_demo(text: str, expected: list[tuple[str | None, str]]) -> None:
    assert [(q.speaker, q.text) for q in extract_quotes(text)] == expected
