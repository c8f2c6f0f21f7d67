"""Who said what, over the real SQLite store: names, surnames and roles matched conservatively,
syndicated copies merged, newest first, and the person a question asks about."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from bot.answer import QuestionEngine
from bot.answer.quotes import (
    FoundQuote,
    QuoteFinder,
    QuoteList,
    person_of,
    quotes_to_markdown,
    who_said,
    words_asked,
)
from bot.models import SourceRef
from bot.store import Store
from bot.store.quotes import Quotes
from tests.helpers.clock import Clock
from tests.helpers.quotes import HOSTILE, TOPIC, add_article, add_quotes


@pytest.fixture
async def finder(store: Store, clock: Clock) -> QuoteFinder:
    await add_quotes(store, clock.now())
    return QuoteFinder(Quotes(store.db), now=clock.now)


async def find(finder: QuoteFinder, person: str | None, limit: int = 10) -> QuoteList:
    return await finder.find(TOPIC, person, since=None, until=None, limit=limit)


def said(found: QuoteList) -> list[tuple[str, str]]:
    return [(q.speaker, q.text) for q in found.quotes]


@pytest.mark.parametrize(
    ("person", "speaker"),
    [
        ("the trade commissioner", "Sabine Ostrova"),
        ("Trade Commissioner", "Sabine Ostrova"),
        ("Heliant's chief executive", "Mirela Sandu"),
        ("the chief executive of Heliant", "Mirela Sandu"),
        ("Heliant chief executive", "Mirela Sandu"),
        ("the commerce secretary", "Dale Fenwick"),
        ("the vice premier", "Tomas Lind"),
        ("Trade Commissioner Ostrova", "Sabine Ostrova"),
    ],
)
async def test_a_role_the_articles_tie_to_a_speaker_finds_their_quotes(
    finder: QuoteFinder, person: str, speaker: str
) -> None:
    found = await find(finder, person)
    assert found.found and found.person == person
    assert {q.speaker for q in found.quotes} == {speaker}


@pytest.mark.parametrize(
    "person",
    [
        "the premier",  # the text says *Vice* Premier
        "the deputy trade commissioner",
        "Norrland's chief executive",  # Heliant's, not Norrland's
        "the finance minister",  # nobody is
    ],
)
async def test_a_role_nobody_quoted_holds_finds_nothing(finder: QuoteFinder, person: str) -> None:
    found = await find(finder, person)
    assert not found.found and found.quotes == ()


async def test_a_former_office_holder_is_not_the_office_holder(finder: QuoteFinder) -> None:
    found = await find(finder, "the trade commissioner")
    assert "Ilse Marrow" not in {q.speaker for q in found.quotes}
    assert said(found) == [
        ("Sabine Ostrova", "We have put our last offer on the table"),
        ("Sabine Ostrova", "Steel is not a bargaining chip"),
    ]


@pytest.mark.parametrize("person", ["Fenwick", "fenwick", "Dale Fenwick", "Mr Dale Fenwick"])
async def test_surname_or_full_name(finder: QuoteFinder, person: str) -> None:
    found = await find(finder, person)
    assert said(found) == [("Dale Fenwick", "The rule is fair and it will stay")]


async def test_two_people_with_one_surname_never_get_each_others_quotes(
    finder: QuoteFinder,
) -> None:
    sabine = await find(finder, "Sabine Ostrova")
    assert {q.speaker for q in sabine.quotes} == {"Sabine Ostrova"}
    assert "The numbers do not add up" not in {q.text for q in sabine.quotes}
    # the off-topic article's and the surname-only article's quotes are not hers to claim
    assert {q.text for q in sabine.quotes} == {
        "We have put our last offer on the table",
        "Steel is not a bargaining chip",
    }
    petr = await find(finder, "Petr Ostrova")
    assert said(petr) == [("Petr Ostrova", "The numbers do not add up")]
    either = await find(finder, "Ostrova")
    assert not either.found and either.quotes == ()
    assert either.ambiguous == ("Petr Ostrova", "Sabine Ostrova")
    assert "could mean Petr Ostrova or Sabine Ostrova" in quotes_to_markdown(either)


async def test_a_surname_only_speaker_is_matched_when_its_article_names_them_in_full(
    store: Store, clock: Clock
) -> None:
    await add_article(
        store,
        slug="hull",
        title="Lind in Hull",
        text="Vice Premier Tomas Lind visited Hull. “Hull matters,” Lind said.",
        site="Tradewatch",
        at=clock.now() - timedelta(hours=1),
        quotes=[("Hull matters", "Lind")],
    )
    await add_article(
        store,
        slug="other-lind",
        title="A Lind speaks",
        text="“Prices will fall,” Lind said.",
        site="Tradewatch",
        at=clock.now() - timedelta(hours=2),
        quotes=[("Prices will fall", "Lind")],
    )
    found = await QuoteFinder(Quotes(store.db), now=clock.now).find(
        TOPIC, "Tomas Lind", since=None, until=None
    )
    assert said(found) == [("Lind", "Hull matters")]  # never the article that does not say


async def test_a_person_with_no_quote(finder: QuoteFinder) -> None:
    found = await find(finder, "Jana Holm")
    assert (found.found, found.quotes, found.ambiguous) == (False, (), ())
    assert quotes_to_markdown(found) == "No quote from Jana Holm in the coverage."


async def test_everyone_newest_first_without_unattributed_or_off_topic_quotes(
    finder: QuoteFinder,
) -> None:
    found = await find(finder, None)
    times = [q.at for q in found.quotes]
    assert times == sorted(times, reverse=True)
    assert [q.speaker for q in found.quotes] == [
        "Karl Weiss",
        "Tomas Lind",
        "Ilse Marrow",
        "Mirela Sandu",
        "Dale Fenwick",
        "Sabine Ostrova",
        "Petr Ostrova",
        "Ostrova",
        "Sabine Ostrova",
    ]
    assert "It will be a long winter" not in {q.text for q in found.quotes}
    assert "I love this game" not in {q.text for q in found.quotes}
    assert len((await find(finder, None, limit=3)).quotes) == 3


async def test_syndicated_copies_are_one_quote_with_every_source(finder: QuoteFinder) -> None:
    found = await find(finder, "Mirela Sandu")
    [quote] = found.quotes
    assert [(r.n, r.site) for r in quote.sources] == [(1, "Wirepoint"), (2, "Metro Daily")]
    assert quote.at == quote.sources[0].published_at  # first reported


async def test_the_window_and_the_topic(finder: QuoteFinder, clock: Clock) -> None:
    week = await finder.find(
        TOPIC, "Sabine Ostrova", since=clock.now() - timedelta(days=7), until=None
    )
    assert [q.text for q in week.quotes] == ["We have put our last offer on the table"]
    before = await finder.find(TOPIC, None, since=None, until=clock.now() - timedelta(days=3))
    assert {q.speaker for q in before.quotes} == {"Ostrova", "Sabine Ostrova"}
    assert (await finder.find("another-topic", None, since=None, until=None)).quotes == ()


async def test_the_newest_summary_of_an_article_is_the_one_read(store: Store, clock: Clock) -> None:
    at = clock.now() - timedelta(hours=1)
    article = await add_article(
        store,
        slug="dock",
        title="Dock talks",
        text="Harbour master Ana Ruiz spoke. “The dock stays open,” Ruiz said.",
        site="Harbour Ledger",
        at=at,
        quotes=[("The dock stays open", None)],
    )
    summary = await store.articles.get_summary(article, "offline", "1")
    assert summary is not None
    from dataclasses import replace

    from bot.models import Quote

    newer = replace(
        summary, summariser="llm:model", quotes=(Quote("The dock stays open", "Ana Ruiz"),)
    )
    await store.articles.save_summaries({article: newer}, at + timedelta(minutes=30))
    found = await QuoteFinder(Quotes(store.db), now=clock.now).find(
        TOPIC, "Ana Ruiz", since=None, until=None
    )
    assert said(found) == [("Ana Ruiz", "The dock stays open")]


async def test_a_quote_not_in_its_article_is_never_listed(store: Store, clock: Clock) -> None:
    await add_article(
        store,
        slug="tampered",
        title="Tampered",
        text="Ana Ruiz spoke briefly.",
        site="Harbour Ledger",
        at=clock.now() - timedelta(hours=1),
        quotes=[("We surrender", "Ana Ruiz")],
    )
    found = await QuoteFinder(Quotes(store.db), now=clock.now).find(
        TOPIC, "Ana Ruiz", since=None, until=None
    )
    assert not found.found


async def test_markdown_keeps_hostile_quotes_inert(finder: QuoteFinder) -> None:
    text = quotes_to_markdown(await find(finder, "Karl Weiss"))
    assert HOSTILE not in text
    assert "](http://evil" not in text and "<!channel>" not in text
    assert "evil\\[.\\]example" in text and "\\<!channel\\>" in text
    assert "[Union organiser posts a warning](https://metro-daily.test/union-post)" in text


@pytest.mark.parametrize(
    ("question", "person"),
    [
        ("What has the commerce secretary said this week?", "the commerce secretary"),
        ("Did the vice premier comment?", "the vice premier"),
        ("What did Ilse Marrow say about the chip restrictions?", "Ilse Marrow"),
        (
            "What did Heliant's chief executive say about the draft rule?",
            "Heliant's chief executive",
        ),
        ("Has Ostrova reacted to the offer?", "Ostrova"),
        ("Any comments from Trade Commissioner Ostrova on the deal?", "Trade Commissioner Ostrova"),
        ("What was said by Dale Fenwick yesterday?", "Dale Fenwick"),
        ("What were Sandu's remarks?", "Sandu"),
        ("What was Marrow's line in her interview?", "Marrow"),
        ("What's Ostrova's reaction?", "Ostrova"),
        ("whats the trade minister's response to that?", "the trade minister"),
        ("whats Ostrova said", "Ostrova"),
        ("How did the trade minister justify the offer?", "the trade minister"),
        ("Has the Corvex boss spoken out on the curbs yet?", "the Corvex boss"),
        ("When do the talks resume?", None),
        ("What did the Commission decide?", None),
        ("What did the report say?", None),
        ("Has anyone commented?", None),
        ("what did it say", None),
        ("How did markets react?", None),
    ],
)
def test_person_of(question: str, person: str | None) -> None:
    assert person_of(question) == person


def _said(text: str, speaker: str) -> FoundQuote:
    at = datetime(2026, 3, 2, 9, tzinfo=UTC)
    return FoundQuote(text, speaker, at, (SourceRef(1, 1, "t", "https://example.test/a"),))


def test_who_said_some_words_is_the_one_quote_that_says_them() -> None:
    quotes = [
        _said("Halden is trying to buy this firm at the bottom of a bad year.", "Ada Lunn"),
        _said("We will look at any offer on its merits.", "Per Voss"),
    ]
    words = words_asked("Who said Halden was trying to buy the firm at the bottom of a bad year?")
    assert words is not None
    found = who_said(words, quotes)
    assert found is not None and found.speaker == "Ada Lunn"
    # words no quote says, or two speakers saying them as well as each other: nobody
    assert who_said("the board was asleep at the wheel", quotes) is None
    twice = [
        *quotes,
        _said("Halden is trying to buy this firm at the bottom of a bad year.", "Bo Kay"),
    ]
    assert who_said(words, twice) is None
    assert words_asked("What did Ada Lunn say?") is None


async def test_what_someone_said_about_a_name_needs_words_about_it(
    store: Store, clock: Clock
) -> None:
    at = clock.now() - timedelta(hours=3)
    await add_article(
        store, slug="watchdog", title="Watchdog opens review of Merrow deal",
        text="The competition board opened a review of the Merrow takeover on Monday. “Buyers "
        "have few places to go,” said Ada Lunn, the board's chair.", site="Harbour Ledger",
        at=at, quotes=[("Buyers have few places to go", "Ada Lunn")],
    )  # fmt: skip
    engine = QuestionEngine(
        store.articles, store.search, store.chat, now=clock.now,
        quotes=QuoteFinder(Quotes(store.db), now=clock.now),
    )  # fmt: skip
    about = await engine.ask("What did Ada Lunn say about Halvik?", topic=TOPIC)
    assert "few places" not in about.text  # her words are not about Halvik
    anything = await engine.ask("What did Ada Lunn say?", topic=TOPIC)
    assert "few places" in anything.text
