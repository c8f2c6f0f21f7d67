"""`quotes [person]` in Teams: the verb, the card (golden, schema 1.5, hostile text inert), and
the bot over HTTP, asserting on what reached the Bot Connector stand-in."""

from __future__ import annotations

import importlib.resources
import json
from typing import Any

import httpx
import jsonschema

from bot.answer.quotes import QuoteList
from bot.chat import Intent, read_intent
from bot.runtime import Runtime
from bot.store import Store
from bot.teams.cards import help_card, quotes_card
from testkit.teams import FakeTeams
from tests.helpers.clock import Clock
from tests.helpers.golden import golden
from tests.helpers.quotes import add_quotes, sample_quotes
from tests.helpers.teams import message


def dump(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False) + "\n"


def test_quotes_verb() -> None:
    assert read_intent("quotes", direct=True) == Intent("quotes", "")
    assert read_intent("quotes  the vice  premier", direct=False) == Intent(
        "quotes", "the vice premier"
    )
    assert "**quotes**" in json.dumps(help_card(), ensure_ascii=False)


def test_quotes_card_golden_and_schema() -> None:
    card = quotes_card(sample_quotes())
    golden("teams-quotes.json", dump(card))
    path = importlib.resources.files("adaptive_cards") / "schemas" / "schema-1.5.json"
    schema = json.loads(path.read_text(encoding="utf-8"))
    for shown_card in (card, quotes_card(QuoteList("Jana Holm", (), False))):
        assert shown_card.pop("msteams") == {"width": "Full"}  # Teams' extension: full width
        jsonschema.validate(shown_card, schema)


def test_hostile_quote_speaker_and_title_cannot_link_or_mention() -> None:
    text = json.dumps(quotes_card(sample_quotes()), ensure_ascii=False)
    for bad in ("](http://evil", "<!channel>", "<!here>", "<@U0BOSS>", "http://evil"):
        assert bad not in text
    assert "evil[.]example" in text
    assert text.count("](https://") == 3  # only the stored source URLs are links


async def send(http: httpx.AsyncClient, app: Runtime, activity: dict[str, Any]) -> None:
    response = await http.post(f"{app.url}/api/messages", json=activity)
    assert response.status_code in (200, 202)
    assert app.teams is not None
    await app.teams.drain()


def shown(fake: FakeTeams) -> str:
    cards = [
        a["content"]
        for received in fake.activities()
        for a in received.body.get("attachments") or []
    ]
    return json.dumps(cards, ensure_ascii=False)


async def test_quotes_in_a_personal_chat(
    app: Runtime, http: httpx.AsyncClient, fake_teams: FakeTeams, store: Store, clock: Clock
) -> None:
    await add_quotes(store, clock.now())
    await send(http, app, message("quotes the commerce secretary", fake_teams))
    [reply] = fake_teams.activities()
    assert reply.body["replyToId"]
    text = shown(fake_teams)
    assert "The rule is fair and it will stay" in text and "**Dale Fenwick**" in text
    assert "CET" in text  # the topic's zone
    assert "](https://wirepoint.test/draft-rule)" in text
    assert "Mirela Sandu" not in text


async def test_quotes_hostile_text_and_no_quote_in_a_channel(
    app: Runtime, http: httpx.AsyncClient, fake_teams: FakeTeams, store: Store, clock: Clock
) -> None:
    await add_quotes(store, clock.now())
    channel = "19:steel@thread.tacv2;messageid=1732430000001"
    await send(
        http,
        app,
        message(
            "quotes Weiss",
            fake_teams,
            conversation=channel,
            conversation_type="channel",
            mention=True,
        ),
    )
    text = shown(fake_teams)
    assert "Karl Weiss" in text
    assert "](http://evil" not in text and "<!channel>" not in text
    await send(http, app, message("quotes Jana Holm", fake_teams))
    assert "No quote from Jana Holm in the coverage." in json.dumps(
        fake_teams.activities()[-1].body, ensure_ascii=False
    )
