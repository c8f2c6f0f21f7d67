"""`/brief quotes [person]`: the parser, the Block Kit (golden, hostile text inert), and the
whole app over signed requests, asserting on what reached Slack's response URL."""

from __future__ import annotations

import json
from typing import Any

import pytest

from bot.answer.quotes import QuoteList
from bot.chat import Intent, read_intent
from bot.slack.render import help_blocks, quotes_blocks, quotes_fallback
from bot.store import Store
from testkit.slack_api import FakeSlack
from tests.helpers.clock import Clock, eventually
from tests.helpers.golden import golden
from tests.helpers.quotes import add_quotes, sample_quotes
from tests.helpers.slack import SignedClient


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("quotes", Intent("quotes")),
        ("quotes Ostrova", Intent("quotes", text="Ostrova")),
        (
            "Quotes  Heliant's   chief executive",
            Intent("quotes", text="Heliant's chief executive"),
        ),
        ("quote the vice premier", Intent("quotes", text="the vice premier")),
    ],
)
def test_parse_quotes(text: str, expected: Intent) -> None:
    assert read_intent(text, direct=False, command=True) == expected


def test_help_lists_quotes() -> None:
    assert "`/brief quotes [person]`" in help_blocks()[0]["text"]["text"]


def test_quotes_blocks_golden() -> None:
    blocks = quotes_blocks(sample_quotes())
    golden("slack-quotes.json", json.dumps(blocks, indent=2, ensure_ascii=False) + "\n")


def test_hostile_quote_speaker_and_title_cannot_ping_or_link() -> None:
    text = json.dumps(quotes_blocks(sample_quotes()), ensure_ascii=False)
    for bad in ("<!channel>", "<!here>", "<@U0BOSS>", "<http://evil", "(http://evil"):
        assert bad not in text
    assert "&lt;!channel&gt;" in text and "evil[.]example" in text
    # the only links are the stored source URLs
    assert text.count("<https://") == 3
    assert "<!channel>" not in quotes_fallback(sample_quotes())


def test_no_quote_is_one_line() -> None:
    empty = QuoteList(person="Jana <!channel> Holm", quotes=(), found=False)
    [block] = quotes_blocks(empty)
    assert (
        block["text"]["text"] == ":mag: No quote from Jana &lt;!channel&gt; Holm in the coverage."
    )


def responses(fake: FakeSlack) -> list[dict[str, Any]]:
    return [c.params for c in fake.calls_to("response_url")]


async def test_brief_quotes_answers_through_the_response_url(
    slack: SignedClient, fake_slack: FakeSlack, store: Store, clock: Clock
) -> None:
    await add_quotes(store, clock.now())
    ack = await slack.command("quotes Heliant's chief executive")
    assert ack.status_code == 200
    await eventually(lambda: bool(responses(fake_slack)))
    [reply] = responses(fake_slack)
    assert reply["response_type"] == "ephemeral"
    shown = json.dumps(reply["blocks"], ensure_ascii=False)
    assert "This draft rule punishes the plants that invested early" in shown
    assert "*Mirela Sandu*" in shown and "CET" in shown  # the topic's zone
    assert "<https://wirepoint.test/draft-rule|" in shown
    assert "<https://metro-daily.test/draft-rule-copy|" in shown
    assert "Dale Fenwick" not in shown


async def test_brief_quotes_hostile_text_and_no_quote(
    slack: SignedClient, fake_slack: FakeSlack, store: Store, clock: Clock
) -> None:
    await add_quotes(store, clock.now())
    await slack.command("quotes Karl Weiss")
    await eventually(lambda: bool(responses(fake_slack)))
    shown = json.dumps(responses(fake_slack)[0]["blocks"], ensure_ascii=False)
    assert "<!channel>" not in shown and "(http://evil" not in shown
    assert "&lt;!channel&gt;" in shown
    await slack.command("quotes Jana Holm")
    await eventually(lambda: len(responses(fake_slack)) >= 2)
    reply = responses(fake_slack)[1]
    assert reply["text"] == "No quote from Jana Holm in the coverage."
    assert reply["blocks"][0]["text"]["text"] == ":mag: No quote from Jana Holm in the coverage."
