"""`/brief` parsing (pure)."""

from __future__ import annotations

import pytest

from bot.slack.commands import BriefCommand, parse_brief


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("", BriefCommand("help")),
        ("   ", BriefCommand("help")),
        ("help", BriefCommand("help")),
        ("today", BriefCommand("today")),
        ("Today public", BriefCommand("today", public=True)),
        ("ask when do the talks resume?", BriefCommand("ask", text="when do the talks resume?")),
        ("summarize https://x.test/a", BriefCommand("summarize", text="https://x.test/a")),
        ("summarise Some pasted\ntext", BriefCommand("summarize", text="Some pasted\ntext")),
        ("sources", BriefCommand("sources")),
        ("subscribe", BriefCommand("subscribe")),
        (
            "subscribe eu-us-steel 8:30 Europe/Brussels",
            BriefCommand("subscribe", topic="eu-us-steel", at="08:30", timezone="Europe/Brussels"),
        ),
        ("subscribe 07:15 UTC", BriefCommand("subscribe", at="07:15", timezone="UTC")),
        ("unsubscribe eu-us-steel", BriefCommand("unsubscribe", topic="eu-us-steel")),
    ],
)
def test_parse(text: str, expected: BriefCommand) -> None:
    assert parse_brief(text) == expected


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("ask", "Ask what?"),
        ("summarize", "Summarize what?"),
        ("dance", "I don't know `dance`"),
        ("subscribe steel 8:30 Mars/Olympus", "not a time zone"),
        ("subscribe steel extra words", "I don't understand `extra`"),
        ("`<!channel>`", "I don't know `'<!channel>'`"),
    ],
)
def test_unknown_or_incomplete_input_gives_help_with_a_reason(text: str, problem: str) -> None:
    command = parse_brief(text)
    assert command.action == "help" and command.problem and problem in command.problem
