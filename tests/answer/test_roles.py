"""Roles said in other words than the article's (bot/answer/roles.py), over the real store: a
"lead negotiator" is the chief negotiator, a firm's "boss" its chief executive, a council's
"head" the person "who chairs" it, "Kestria's president" the "Kestrian President", and a
minister the article names without a country is that country's when the article is about it
— but never someone who holds the role for another organisation, and a "spokeswoman" is
never a spokesman. Every text here is fictional and written for these tests."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot.answer.quotes import QuoteFinder
from bot.answer.roles import Wanted
from bot.store import Store
from bot.store.quotes import Quotes
from tests.helpers.clock import Clock
from tests.helpers.quotes import TOPIC, add_article

PORT = (
    "Industry Minister Aron Quist met Brekka chief executive Osric Tamm in Varn on Monday, "
    "as Norland weighed aid for the shipyard. “The yard will not close on my watch,” Quist "
    "said. Mira Sollen, leader of the Norland Welders’ Union, was doubtful. “Words are "
    "cheap,” Sollen said. “We need a plan, not a promise,” said Osric Tamm, chief executive "
    "of Brekka Shipyards. Pia Holm, who chairs the Norland Fisheries Council, backed the "
    "aid. “Our boats need that yard,” Holm said. Norland President Edda Rask spoke in the "
    "evening. “Norland builds ships,” Rask said. The union’s chief negotiator, Lars Vik, "
    "said talks would go on. “We will be at the table,” Vik said. Juno Hart, a spokesman for "
    "the yard, declined to comment further. “No comment,” Hart said."
)
ABROAD = (
    "Ostland Industry Minister Bo Lind visited Varn. “Norland must not subsidise its yards,” "
    "Lind said."
)


@pytest.fixture
async def finder(store: Store, clock: Clock) -> QuoteFinder:
    at = clock.now() - timedelta(hours=3)
    quotes = [
        ("The yard will not close on my watch", "Aron Quist"),
        ("Words are cheap", "Mira Sollen"),
        ("We need a plan, not a promise", "Osric Tamm"),
        ("Our boats need that yard", "Pia Holm"),
        ("Norland builds ships", "Edda Rask"),
        ("We will be at the table", "Lars Vik"),
        ("No comment", "Juno Hart"),
    ]
    await add_article(
        store, slug="yard", title="Norland weighs aid for Brekka yard", text=PORT,
        site="Harbour Ledger", at=at, quotes=quotes,
    )  # fmt: skip
    await add_article(
        store, slug="abroad", title="Ostland minister warns Norland", text=ABROAD,
        site="Tradewatch", at=at, quotes=[("Norland must not subsidise its yards", "Bo Lind")],
    )  # fmt: skip
    return QuoteFinder(Quotes(store.db), now=clock.now)


@pytest.mark.parametrize(
    ("person", "speaker"),
    [
        ("Brekka's boss", "Osric Tamm"),
        ("the Brekka boss", "Osric Tamm"),  # the organisation, then the role
        ("the head of state", "Edda Rask"),  # one office: not the head of a "state"
        ("the Brekka CEO", "Osric Tamm"),
        ("Brekka's chief executive", "Osric Tamm"),  # "… of Brekka Shipyards"
        ("the head of Norland's fisheries council", "Pia Holm"),  # "who chairs the …"
        ("Norland's head of state", "Edda Rask"),  # "Norland President Edda Rask"
        ("Norland's president", "Edda Rask"),
        ("the union's lead negotiator", "Lars Vik"),
        ("the welders' leader", "Mira Sollen"),  # "leader of the Norland Welders' Union"
        ("Norland's industry minister", "Aron Quist"),  # "Industry Minister Aron Quist"
        ("Ostland's industry minister", "Bo Lind"),
        ("the yard's spokesperson", "Juno Hart"),
    ],
)
async def test_a_role_in_other_words_finds_its_holder(
    finder: QuoteFinder, person: str, speaker: str
) -> None:
    found = await finder.find(TOPIC, person, since=None, until=None)
    assert {q.speaker for q in found.quotes} == {speaker}, found


@pytest.mark.parametrize(
    "person",
    [
        "Brekka's union leader",  # Sollen leads the welders' union, not Brekka's
        "the yard's spokeswoman",  # Hart is a spokesman
        "Norland's prime minister",  # nobody is
        "the fisheries council's chief executive",
    ],
)
async def test_a_role_held_for_another_organisation_finds_nobody(
    finder: QuoteFinder, person: str
) -> None:
    found = await finder.find(TOPIC, person, since=None, until=None)
    assert not found.quotes, found


def test_a_role_of_an_organisation_named_with_a_possessive() -> None:
    assert Wanted.of("the head of Norland's fisheries council") == Wanted(
        (), ("head",), ("norland", "fisheries", "council")
    )
    assert Wanted.of("the welders' leader") == Wanted((), ("leader",), ("welders",))


async def test_who_holds_a_role_is_read_from_earlier_coverage_than_the_quotes_asked_for(
    store: Store, clock: Clock
) -> None:
    """Yesterday's article names her role; this morning's only her name: asked for what the
    spokeswoman said today, today's quote is hers."""
    yesterday, today = clock.now() - timedelta(days=1), clock.now() - timedelta(hours=1)
    await add_article(
        store, slug="role", title="Council answers the port plan",
        text="Council spokeswoman Ada Wren said the plan was late. “It is late,” Wren said.",
        site="Harbour Ledger", at=yesterday, quotes=[("It is late", "Ada Wren")],
    )  # fmt: skip
    await add_article(
        store, slug="radio", title="Wren on the radio",
        text="“Nothing moves until the money does,” Ada Wren told Varn radio on Tuesday.",
        site="Tradewatch", at=today, quotes=[("Nothing moves until the money does", "Ada Wren")],
    )  # fmt: skip
    finder = QuoteFinder(Quotes(store.db), now=clock.now)
    found = await finder.find(
        TOPIC, "the Council spokeswoman", since=clock.now() - timedelta(hours=6), until=None
    )
    assert [q.text for q in found.quotes] == ["Nothing moves until the money does"]


async def test_a_bare_role_is_not_anothers_when_the_coverage_names_its_organisation(
    store: Store, clock: Clock
) -> None:
    # Berg is Halvik's chief executive; an article on Brekka calls her only "chief executive
    # Tove Berg" — which is Halvik's, as another article says, not Brekka's.
    at = clock.now() - timedelta(hours=3)
    await add_article(
        store, slug="bid", title="Halvik bids for Brekka",
        text="Halvik chief executive Tove Berg said the bid was fair. “It is a fair price,” "
        "Berg said.", site="Harbour Ledger", at=at, quotes=[("It is a fair price", "Tove Berg")],
    )  # fmt: skip
    await add_article(
        store, slug="reply", title="Brekka rejects Halvik",
        text="Brekka Shipyards rejected the offer. Chief executive Tove Berg said she would "
        "wait. “We can wait,” Berg said. Brekka's chief executive, Osric Tamm, was scathing. "
        "“It is an insult,” Tamm said.", site="Tradewatch", at=at,
        quotes=[("We can wait", "Tove Berg"), ("It is an insult", "Osric Tamm")],
    )  # fmt: skip
    found = await QuoteFinder(Quotes(store.db), now=clock.now).find(
        TOPIC, "Brekka's CEO", since=None, until=None
    )
    assert {q.speaker for q in found.quotes} == {"Osric Tamm"}, found


async def test_a_firms_chairman_is_not_its_chief_executive(store: Store, clock: Clock) -> None:
    at = clock.now() - timedelta(hours=3)
    await add_article(
        store, slug="board", title="Brekka board backs its chief",
        text="Osric Tamm, the chief executive of Brekka Shipyards, apologised on Monday. “I am "
        "staying,” Tamm said. Brekka's chairman, Edda Vik, backed him. “He has our full "
        "confidence,” Vik said.", site="Harbour Ledger", at=at,
        quotes=[("I am staying", "Osric Tamm"), ("He has our full confidence", "Edda Vik")],
    )  # fmt: skip
    finder = QuoteFinder(Quotes(store.db), now=clock.now)
    chairman = await finder.find(TOPIC, "Brekka's chairman", since=None, until=None)
    assert {q.speaker for q in chairman.quotes} == {"Edda Vik"}, chairman
    boss = await finder.find(TOPIC, "Brekka's boss", since=None, until=None)
    assert {q.speaker for q in boss.quotes} == {"Osric Tamm"}, boss


async def test_the_head_of_a_commission_is_its_chair(store: Store, clock: Clock) -> None:
    at = clock.now() - timedelta(hours=3)
    await add_article(
        store, slug="levy", title="Harbour Commission caps the port levy",
        text="The Harbour Commission on Monday capped Varn's port levy. “Shippers should not "
        "pay twice,” said Lene Aas, the commission’s chair. The dockers were unmoved. “It is "
        "not enough,” said Ole Brun, the union’s chair.", site="Harbour Ledger", at=at,
        quotes=[("Shippers should not pay twice", "Lene Aas"), ("It is not enough", "Ole Brun")],
    )  # fmt: skip
    found = await QuoteFinder(Quotes(store.db), now=clock.now).find(
        TOPIC, "the head of the Harbour Commission", since=None, until=None
    )
    assert {q.speaker for q in found.quotes} == {"Lene Aas"}, found
