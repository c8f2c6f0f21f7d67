"""The one parser of chat requests (pure): `/brief`, mentions, DMs, the assistant and Teams all
read through `read_intent`."""

from __future__ import annotations

import pytest

from bot.chat import Intent, parse_time, read_intent

LONG = "x " * 300


@pytest.mark.parametrize(
    ("text", "direct", "command", "expected"),
    [
        ("", False, True, Intent("help")),
        ("   ", False, False, Intent("help")),
        ("help", True, False, Intent("help")),
        ("help me", False, True, Intent("help")),
        ("today", False, True, Intent("today")),
        ("Today public", False, True, Intent("today", public=True)),
        ("Today's briefing", True, False, Intent("today")),
        ("ask when do the talks resume?", False, True, Intent("ask", "when do the talks resume?")),
        ("summarize https://x.test/a", False, True, Intent("summarize", "https://x.test/a")),
        ("summarise Some pasted\ntext", False, True, Intent("summarize", "Some pasted\ntext")),
        ("summarize: some pasted text", False, False, Intent("summarize", "some pasted text")),
        ("https://a.test/x", False, False, Intent("summarize", "https://a.test/x")),
        ("sources", False, True, Intent("sources")),
        ("sources", False, False, Intent("sources")),
        ("quotes Ostrova", False, False, Intent("quotes", "Ostrova")),
        ("subscribe", False, True, Intent("subscribe")),
        ("subscribe 7am", False, True, Intent("subscribe", at="07:00")),
        ("subscribe 07:00", False, False, Intent("subscribe", at="07:00")),
        (
            "subscribe 7:30pm Europe/Brussels",
            False,
            True,
            Intent("subscribe", at="19:30", timezone="Europe/Brussels"),
        ),
        (
            "subscribe 7:30am europe/brussels",
            True,
            False,
            Intent("subscribe", at="07:30", timezone="Europe/Brussels"),
        ),
        ("subscribe steel 7am", False, True, Intent("subscribe", topic="steel", at="07:00")),
        ("subscribe steel 7 pm", False, True, Intent("subscribe", topic="steel", at="19:00")),
        (
            "subscribe eu-us-steel 8:30 Europe/Brussels",
            False,
            True,
            Intent("subscribe", topic="eu-us-steel", at="08:30", timezone="Europe/Brussels"),
        ),
        ("subscribe 07:15 UTC", False, True, Intent("subscribe", at="07:15", timezone="UTC")),
        ("unsubscribe", False, False, Intent("unsubscribe")),
        ("unsubscribe eu-us-steel", False, True, Intent("unsubscribe", topic="eu-us-steel")),
        (
            "What changed since yesterday?",
            True,
            False,
            Intent("ask", "What changed since yesterday?"),
        ),
        ("sources say what?", False, False, Intent("ask", "sources say what?")),
        (LONG, True, False, Intent("summarize", LONG.strip())),
        (LONG, False, False, Intent("ask", LONG.strip())),
    ],
)
def test_one_parser(text: str, direct: bool, command: bool, expected: Intent) -> None:
    assert read_intent(text, direct=direct, command=command) == expected


@pytest.mark.parametrize(
    ("text", "command", "problem"),
    [
        ("ask", True, "Ask what?"),
        ("ask", False, "Ask what?"),
        ("summarize", True, "Summarize what?"),
        ("dance", True, "I don't know `dance`"),
        ("subscribe 25:00", True, "`25:00` is not a time; try `7am`"),
        ("subscribe 13pm", False, "`13pm` is not a time"),
        ("subscribe steel 8:30 Mars/Olympus", True, "`Mars/Olympus` is not a time zone"),
        ("subscribe steel extra words", True, "I don't understand `extra`"),
        ("`<!channel>`", True, "I don't know `'<!channel>'`"),
    ],
)
def test_unknown_or_incomplete_input_gives_help_with_a_reason(
    text: str, command: bool, problem: str
) -> None:
    intent = read_intent(text, direct=False, command=command)
    assert intent.kind == "help" and intent.problem and problem in intent.problem


@pytest.mark.parametrize(
    ("word", "expected"),
    [
        ("7am", "07:00"),
        ("12am", "00:00"),
        ("12pm", "12:00"),
        ("7:30PM", "19:30"),
        ("07:00", "07:00"),
        ("23:59", "23:59"),
        ("7", None),
        ("24:00", None),
        ("0am", None),
        ("7:60", None),
    ],
)
def test_times(word: str, expected: str | None) -> None:
    assert parse_time(word) == expected
