"""Adaptive Card rendering (pure): golden files, the 1.5 schema, hostile text made inert."""

from __future__ import annotations

import importlib.resources
import json
from typing import Any

import jsonschema
import pytest

from bot.errors import BlockedURLError
from bot.teams.cards import (
    answer_card,
    briefing_cards,
    card_text,
    error_card,
    help_card,
    link,
    summary_card,
    webhook_message,
)
from tests.helpers.briefings import (
    NOW,
    build,
    hostile_briefing,
    sample_answer,
    sample_ondemand_summary,
)
from tests.helpers.golden import golden


def dump(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def test_briefing_card_golden() -> None:
    from datetime import timedelta

    [card] = briefing_cards(build(previous=NOW - timedelta(hours=24)))
    golden("teams-briefing.json", dump(card))
    [empty] = briefing_cards(build(empty=True))
    golden("teams-briefing-empty.json", dump(empty))


def test_answer_summary_help_golden() -> None:
    golden("teams-answer.json", dump(answer_card(sample_answer())))
    golden("teams-summary.json", dump(summary_card(sample_ondemand_summary())))
    golden("teams-help.json", dump(help_card("I don't know `frobnicate`.")))


def adaptive_part(card: dict[str, Any]) -> dict[str, Any]:
    """The card without Teams' host extension, for the Adaptive Card schema."""
    return {k: v for k, v in card.items() if k != "msteams"}


@pytest.fixture(scope="module")
def schema() -> dict[str, Any]:
    path = importlib.resources.files("adaptive_cards") / "schemas" / "schema-1.5.json"
    loaded: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return loaded


def test_cards_validate_against_the_adaptive_card_1_5_schema(schema: dict[str, Any]) -> None:
    from datetime import timedelta

    cards = [
        *briefing_cards(build(previous=NOW - timedelta(hours=24))),
        answer_card(sample_answer()),
        summary_card(sample_ondemand_summary()),
        help_card("x"),
        error_card(BlockedURLError("refused")),
    ]
    for card in cards:
        # "msteams" is Teams' own extension (full width), outside the Adaptive Card schema.
        assert card["msteams"] == {"width": "Full"}
        jsonschema.validate(adaptive_part(card), schema)
    bad = {**adaptive_part(cards[0]), "body": [{"type": "TextBlock"}]}  # a TextBlock needs its text
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(bad, schema)


def test_hostile_text_cannot_forge_links_or_mentions() -> None:
    shown = json.dumps(briefing_cards(hostile_briefing()), ensure_ascii=False)
    assert "](https://evil" not in shown
    assert "<at>" not in shown
    assert card_text("[good](https://evil.example) <at>All</at>") == (
        "[good]\u200b(https[:]//evil[.]example) <\u200bat>All<\u200b/at>"
    )
    assert link("https://news.test/a b)(", "Title [x](y)") == (
        "[Title (x)\u200b(y)](https://news.test/a%20b%29%28)"
    )
    assert link("javascript:alert(1)", "click") == "click"


def test_webhook_payload_shape() -> None:
    [card] = briefing_cards(build(empty=True))
    message = webhook_message(card)
    assert message["type"] == "message"
    assert message["attachments"] == [
        {
            "contentType": "application/vnd.microsoft.card.adaptive",
            "content": card,
            "contentUrl": None,
        }
    ]


def test_errors_never_show_raw_exception_text() -> None:
    assert "secret" not in json.dumps(error_card(RuntimeError("secret Traceback")))


def test_sources_card_golden_and_unlinked_citations_keep_their_brackets() -> None:
    from bot.chat import ScheduleLine, SourceLine, TopicSources
    from bot.models import SourceRef
    from bot.teams.cards import _cites, sources_card

    topics = [
        TopicSources(
            "eu-us-steel",
            "EU–US steel",
            (SourceLine("Wirepoint feed", "ok, last fetched 24 Nov 07:00 UTC"),),
            (
                ScheduleLine("teams", "steel-team", "08:30", "Europe/Brussels", "file"),
                ScheduleLine("teams", "a:1on1-alice", "07:30", "Europe/Brussels", "chat"),
                ScheduleLine("teams", "19:muted@thread.tacv2", "08:30", "UTC", "muted"),
            ),
        )
    ]
    golden("teams-sources.json", dump(sources_card(topics)))
    refs = {
        1: SourceRef(1, 11, "Linked", "https://a.test/1", "a.test"),
        2: SourceRef(2, 12, "A local file", "file:///notes.txt"),
    }
    assert _cites((1, 2), refs) == "[1](https://a.test/1) [2]"
