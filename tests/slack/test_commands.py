"""Slack's markup read back as typed, and which message events are a person's (pure)."""

from __future__ import annotations

from bot.slack.commands import first_url, slack_to_plain
from bot.slack.listeners.messages import ignorable


def test_slack_markup_is_read_back_as_typed() -> None:
    assert slack_to_plain("<@UBOT> what about <https://a.test/x|a.test/x>?") == (
        "what about https://a.test/x?"
    )
    assert slack_to_plain("<!channel> &lt;b&gt; &amp; <#C1|steel>") == "@channel <b> & #steel"
    assert slack_to_plain("mail <mailto:a@b.test|a@b.test>") == "mail a@b.test"
    assert first_url("see https://a.test/x). thanks") == "https://a.test/x"
    assert first_url("no link") is None


def test_only_peoples_new_messages_count() -> None:
    person = {"type": "message", "user": "U1", "text": "hi"}
    assert not ignorable(person, "UBOT")
    assert not ignorable({**person, "subtype": "thread_broadcast"}, "UBOT")
    assert ignorable({**person, "subtype": "message_changed"}, "UBOT")
    assert ignorable({**person, "bot_id": "B1"}, "UBOT")
    assert ignorable({**person, "user": "UBOT"}, "UBOT")
