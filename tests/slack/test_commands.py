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


# ---------------------------------------------------------------------- free-form messages


from bot.chat import Intent, read_intent  # noqa: E402
from bot.slack.commands import first_url, slack_to_plain  # noqa: E402
from bot.slack.listeners.messages import ignorable  # noqa: E402


def test_slack_markup_is_read_back_as_typed() -> None:
    assert slack_to_plain("<@UBOT> what about <https://a.test/x|a.test/x>?") == (
        "what about https://a.test/x?"
    )
    assert slack_to_plain("<!channel> &lt;b&gt; &amp; <#C1|steel>") == "@channel <b> & #steel"
    assert slack_to_plain("mail <mailto:a@b.test|a@b.test>") == "mail a@b.test"
    assert first_url("see https://a.test/x). thanks") == "https://a.test/x"
    assert first_url("no link") is None


@pytest.mark.parametrize(
    ("text", "direct", "expected"),
    [
        ("", False, Intent("help")),
        ("help", True, Intent("help")),
        ("Today's briefing", True, Intent("today")),
        ("https://a.test/x", False, Intent("summarize", "https://a.test/x")),
        ("summarize: some pasted text", False, Intent("summarize", "some pasted text")),
        ("What changed since yesterday?", True, Intent("ask", "What changed since yesterday?")),
        ("x " * 300, True, Intent("summarize", ("x " * 300).strip())),
        ("x " * 300, False, Intent("ask", ("x " * 300).strip())),
    ],
)
def test_what_a_message_asks_for(text: str, direct: bool, expected: Intent) -> None:
    assert read_intent(text, direct=direct) == expected


def test_only_peoples_new_messages_count() -> None:
    person = {"type": "message", "user": "U1", "text": "hi"}
    assert not ignorable(person, "UBOT")
    assert not ignorable({**person, "subtype": "thread_broadcast"}, "UBOT")
    assert ignorable({**person, "subtype": "message_changed"}, "UBOT")
    assert ignorable({**person, "bot_id": "B1"}, "UBOT")
    assert ignorable({**person, "user": "UBOT"}, "UBOT")
