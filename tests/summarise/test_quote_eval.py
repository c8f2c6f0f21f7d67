"""The hand-labelled quotation-attribution set (tests/fixtures/quotes/) and the bar it sets.

The fixture checks make a typo in the set fail loudly: every file parses, every labelled
quote is an exact substring of its article, every speaker is named in the article, and the
set covers every attribution style. The scorer is checked on a small made-up case. The bar
(right >= 85 %, wrong <= 1 %, found >= 95 %, every quote verbatim) gates the spaCy attributor
in `bot.summarise.attribution`, the default attributor (spaCy and its model are dependencies,
so the gate never skips).
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from bench.quote_eval import (
    FIXTURES,
    STYLES,
    Case,
    GoldQuote,
    load_cases,
    score,
    spacy_attributor,
    speaker_matches,
)

FILES = sorted(FIXTURES.glob("*.json"))
KEYS = {"id", "title", "text", "quotes"}
QUOTE_KEYS = {"text", "speaker", "accept", "style", "kind"}


@pytest.fixture(scope="module")
def cases() -> list[Case]:
    return load_cases()


@pytest.mark.parametrize("path", FILES, ids=[p.stem for p in FILES])
def test_fixture_is_well_formed(path: Path) -> None:
    raw = json.loads(path.read_text(encoding="utf-8"))
    assert set(raw) == KEYS, path.name
    assert raw["id"] == path.stem
    text = raw["text"]
    paragraphs = text.split("\n\n")
    assert 5 <= len(paragraphs) <= 12, f"{path.name}: {len(paragraphs)} paragraphs"
    assert all(p.strip() == p and p for p in paragraphs), f"{path.name}: stray blank lines"
    assert len(raw["quotes"]) >= 5
    for q in raw["quotes"]:
        assert set(q) <= QUOTE_KEYS, q
        assert q["style"] in STYLES, q
        assert q["text"] and q["text"] in text, f"{path.name}: not in the text: {q['text']!r}"
        if q.get("kind") == "scare":
            assert q["style"] == "scare" and "speaker" not in q, q
            continue
        assert "kind" not in q, q
        assert "speaker" in q, q
        if q["speaker"] is None:
            assert q["style"] == "no-speaker" and "accept" not in q, q
        else:
            assert q["style"] != "no-speaker", q
            assert q["speaker"].casefold() in text.casefold(), f"speaker {q['speaker']!r}"
            assert q["speaker"] in q.get("accept", [q["speaker"]])


def test_the_set_covers_every_style(cases: list[Case]) -> None:
    quotes = [q for case in cases for q in case.quotes]
    styles = Counter(q.style for q in quotes)
    assert len(cases) >= 28
    assert len(quotes) >= 250
    assert {s: styles[s] for s in STYLES if styles[s] < 4} == {}
    assert sum(1 for q in quotes if q.speaker is None and not q.scare) >= 25
    assert len({case.id for case in cases}) == len(cases)


def test_scorer_counts_right_wrong_unattributed_and_scare() -> None:
    text = (
        "“We will win,” said Anna Berg. “Not today,” he said. An aide said “never again, "
        "whatever happens.” The so-called “blue line” rule stays."
    )
    case = Case(
        "x",
        "t",
        text,
        (
            GoldQuote("We will win,", "Anna Berg", "said-after", ("Anna Berg",)),
            GoldQuote("Not today,", "Jon Holm", "pronoun", ("Jon Holm",)),
            GoldQuote("never again, whatever happens.", None, "no-speaker"),
            GoldQuote("blue line", None, "scare", scare=True),
        ),
    )
    scores = score(
        [case],
        lambda _: [
            ("We will win", "Ms. Berg"),
            ("Not today", None),
            ("never again, whatever happens", "Anna Berg"),
            ("blue line", None),
            ("made up", None),
        ],
    )
    o = scores.overall
    assert (o.total, o.found, o.right, o.wrong, o.unattributed) == (3, 3, 1, 1, 1)
    assert (o.scare_total, o.scare_returned) == (1, 1)
    assert [t for _, t in scores.not_verbatim] == ["made up"]
    assert speaker_matches("Okafor", ["Adaeze Okafor"])
    assert speaker_matches("Trade Minister Adaeze Okafor", ["Adaeze Okafor"])
    assert speaker_matches("the Ministry of Ports spokeswoman", ["Ministry of Ports spokeswoman"])
    assert not speaker_matches("Adaeze", ["Adaeze Okafor"])
    assert not speaker_matches("Henrik Valdstrom", ["Adaeze Okafor"])


def test_attribution_meets_the_bar(cases: list[Case]) -> None:
    scores = score(cases, spacy_attributor)
    report = scores.report(failures=None)
    assert scores.right_pct >= 85.0, report
    assert scores.wrong_pct <= 1.0, report
    assert scores.found_pct >= 95.0, report
    assert not scores.not_verbatim, report
