"""An answer with no words in it never renders empty: in the terminal, in Slack (which refuses
a section with empty text, leaving the user on "working…") and in Teams, it is the refusal,
with what was found listed as the closest articles."""

from __future__ import annotations

import json
from dataclasses import replace
from typing import Any

import pytest

from bot.answer import Answer
from bot.answer.render import NOT_SAID, answer_to_markdown, shown
from bot.slack.render import answer_blocks, answer_fallback
from bot.teams.cards import answer_card
from tests.helpers.briefings import sample_answer
from tests.helpers.golden import golden

BLANKS = ["", "   ", "\n\t ", "\u200b\u2060 \ufeff"]


def dump(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def texts_in(value: Any) -> list[str]:
    """Every `text` a block or card element holds, however nested."""
    if isinstance(value, list):
        return [t for v in value for t in texts_in(v)]
    if not isinstance(value, dict):
        return []
    found = [t for v in value.values() for t in texts_in(v)]
    text = value.get("text")
    return [text, *found] if isinstance(text, str) else found


def empty_answers() -> list[Answer]:
    answered = sample_answer()
    refused = sample_answer(False, "")
    bare = Answer(question="when?", text="", answered=True, sources=())
    return [
        *(replace(answered, text=blank) for blank in BLANKS),
        *(replace(refused, text=blank) for blank in BLANKS),
        bare,
    ]


def test_empty_answer_goldens() -> None:
    answer = sample_answer(text=" \n ")
    golden("answer-empty.md", answer_to_markdown(answer))
    golden("slack-answer-empty.json", dump(answer_blocks(answer)))
    golden("teams-answer-empty.json", dump(answer_card(answer)))


def test_a_blank_answer_is_the_refusal_with_what_was_found() -> None:
    answer = sample_answer(text="\u200b ")
    refusal = shown(answer)
    assert refusal.text == NOT_SAID and not refusal.answered
    assert refusal.closest == answer.sources and refusal.sources == ()
    words = sample_answer()
    assert shown(words) is words  # an answer with words is shown as it is


@pytest.mark.parametrize("answer", empty_answers())
def test_no_renderer_shows_an_empty_answer(answer: Answer) -> None:
    md = answer_to_markdown(answer)
    assert md.startswith(NOT_SAID)
    assert "**Sources**" not in md
    if answer.sources or answer.closest:
        assert "**Closest articles**" in md

    blocks = answer_blocks(answer)
    assert blocks and all(t.strip() for t in texts_in(blocks)), blocks
    assert NOT_SAID in blocks[0]["text"]["text"]
    assert answer_fallback(answer).strip()

    card = answer_card(answer)
    body = card["body"]
    assert body and all(t.strip() for t in texts_in(body)), body
    assert NOT_SAID in body[0]["text"]
