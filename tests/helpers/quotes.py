"""A small "who said what" coverage, written for these tests (fictional people and outlets),
stored through the real store with summaries as the summarisers store them.

    Sabine Ostrova   Trade Commissioner (2 days ago, and 10 days ago)
    Petr Ostrova     an analyst with the same surname (2 days ago)
    Mirela Sandu     Heliant's chief executive (yesterday; a wire story and its syndicated copy)
    Dale Fenwick     Commerce Secretary (the same wire story)
    Tomas Lind       Vice Premier (5 hours ago)
    Ilse Marrow      the *former* trade commissioner (5 hours ago)
    Karl Weiss       a union organiser whose quote is hostile markup (3 hours ago)
    "Ostrova"        named by surname only (4 days ago)
    an off-topic article quoting Sabine Ostrova, and a quote nobody is named for
"""

from __future__ import annotations

import hashlib
from collections.abc import Sequence
from datetime import UTC, datetime, timedelta

from bot.answer.quotes import FoundQuote, QuoteList
from bot.models import Quote, SourceRef, Summary
from bot.store import Store
from bot.store.articles import NewArticle

TOPIC = "eu-us-steel"
HOSTILE = "<!channel> read [x](http://evil.example/login) now"

OSTROVA = (
    "Trade Commissioner Sabine Ostrova said on Sunday that the offer was final. "
    "“We have put our last offer on the table,” Ostrova said. "
    "Petr Ostrova, a steel analyst at Norrland Bank, was sceptical. "
    "“The numbers do not add up,” Petr Ostrova said."
)
WIRE = (
    "Mirela Sandu, Heliant's chief executive, said the draft rule would cost jobs. "
    "“This draft rule punishes the plants that invested early,” Sandu said. "
    "Commerce Secretary Dale Fenwick defended it. "
    "“The rule is fair and it will stay,” Fenwick told reporters."
)
TALKS = (
    "Vice Premier Tomas Lind said the talks would resume. "
    "“We are ready to talk again next week,” Lind said. "
    "The former trade commissioner, Ilse Marrow, criticised the plan. "
    "“Nobody has read the fine print,” Marrow said. "
    "“It will be a long winter,” one delegate said."
)
UNION = f"Karl Weiss, a union organiser, posted a message. “{HOSTILE},” Weiss wrote."
OLD = "Sabine Ostrova spoke in Lisbon. “Steel is not a bargaining chip,” Ostrova said."
SURNAME_ONLY = "Ostrova told the committee on Friday: “The deadline stands.”"
OFF_TOPIC = "Sabine Ostrova opened a football museum. “I love this game,” Ostrova said."


async def add_article(
    store: Store,
    *,
    slug: str,
    title: str,
    text: str,
    site: str,
    at: datetime,
    quotes: Sequence[tuple[str, str | None]],
    relevant: bool = True,
    summarised_at: datetime | None = None,
    summariser: str = "offline",
) -> int:
    """One article and its summary's quotes (text, speaker)."""
    url = f"https://{site.lower().replace(' ', '-')}.test/{slug}"
    added = await store.articles.add_article(
        NewArticle(
            topic=TOPIC,
            url=url,
            canonical_url=url,
            source="test",
            title=title,
            text=text,
            fetched_at=at + timedelta(minutes=5),
            content_hash=hashlib.sha256(url.encode()).hexdigest(),
            signature="",
            terms=(),
            relevance=1.0 if relevant else 0.0,
            relevant=relevant,
            relevance_reason="test",
            story_id=None,
            duplicate_of=None,
            site_name=site,
            published_at=at,
        )
    )
    assert added is not None
    summary = Summary((), tuple(Quote(t, s) for t, s in quotes), summariser, "1")
    await store.articles.save_summaries({added[0]: summary}, summarised_at or at)
    return added[0]


async def add_quotes(store: Store, now: datetime) -> Store:
    """The coverage above, dated before `now`."""
    day = timedelta(days=1)
    await add_article(
        store,
        slug="offer-final",
        title="Ostrova calls the offer final",
        text=OSTROVA,
        site="Harbour Ledger",
        at=now - 2 * day,
        quotes=[
            ("We have put our last offer on the table", "Sabine Ostrova"),
            ("The numbers do not add up", "Petr Ostrova"),
        ],
    )
    for slug, site, late in (("draft-rule", "Wirepoint", 0), ("draft-rule-copy", "Metro Daily", 1)):
        await add_article(
            store,
            slug=slug,
            title="Heliant attacks the draft rule",
            text=WIRE,
            site=site,
            at=now - day + timedelta(hours=late),
            quotes=[
                ("This draft rule punishes the plants that invested early", "Mirela Sandu"),
                ("The rule is fair and it will stay", "Dale Fenwick"),
            ],
        )
    await add_article(
        store,
        slug="talks-resume",
        title="Talks to resume next week",
        text=TALKS,
        site="Tradewatch",
        at=now - timedelta(hours=5),
        quotes=[
            ("We are ready to talk again next week", "Tomas Lind"),
            ("Nobody has read the fine print", "Ilse Marrow"),
            ("It will be a long winter", None),
        ],
    )
    await add_article(
        store,
        slug="union-post",
        title="Union organiser posts a warning",
        text=UNION,
        site="Metro Daily",
        at=now - timedelta(hours=3),
        quotes=[(HOSTILE, "Karl Weiss")],
    )
    await add_article(
        store,
        slug="lisbon",
        title="Ostrova in Lisbon",
        text=OLD,
        site="Harbour Ledger",
        at=now - 10 * day,
        quotes=[("Steel is not a bargaining chip", "Sabine Ostrova")],
    )
    await add_article(
        store,
        slug="committee",
        title="The deadline stands",
        text=SURNAME_ONLY,
        site="Tradewatch",
        at=now - 4 * day,
        quotes=[("The deadline stands.", "Ostrova")],
    )
    await add_article(
        store,
        slug="museum",
        title="A football museum opens",
        text=OFF_TOPIC,
        site="Metro Daily",
        at=now - 2 * day,
        quotes=[("I love this game", "Sabine Ostrova")],
        relevant=False,
    )
    return store


def sample_quotes() -> QuoteList:
    """A fixed list for the renderers' golden files (one quote hostile, one syndicated)."""
    at = datetime(2026, 11, 23, 14, 30, tzinfo=UTC)
    wire = SourceRef(
        1, 11, "Heliant attacks the draft rule", "https://wirepoint.test/a", "Wirepoint", at
    )
    copy = SourceRef(
        2, 12, "Heliant attacks the draft rule", "https://metro.test/a", "Metro Daily", at
    )
    union = SourceRef(3, 13, "Union <!here> post", "https://metro.test/b", None, at)
    return QuoteList(
        person="Heliant's chief executive",
        quotes=(
            FoundQuote(
                "This draft rule punishes the plants that invested early",
                "Mirela Sandu",
                at,
                (wire, copy),
            ),
            FoundQuote(HOSTILE, "Karl <@U0BOSS> Weiss", at - timedelta(hours=20), (union,)),
        ),
        found=True,
        topic=TOPIC,
        timezone="Europe/Brussels",
    )
