"""Briefings, answers and summaries for the rendering tests (Markdown, JSON, Block Kit and
Adaptive Cards): a sample day of two stories, a day of hostile text, and their kin."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.answer import Answer
from bot.briefing.compose import compose
from bot.config import TopicConfig
from bot.models import (
    Article,
    Briefing,
    BriefingPoint,
    BriefingQuote,
    BriefingStory,
    KeyPoint,
    Quote,
    SourceRef,
    Summary,
)
from bot.summarise.ondemand import OnDemandSummary

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
TOPIC = TopicConfig(name="eu-us-steel", title="EU–US steel tariff talks")
# Salient terms as collection stores them: the articles of story 10 share theirs.
STORY_TERMS = {
    10: frozenset("steel talks brussels tariff quota negotiator".split()),
    20: frozenset("futures frankfurt markets shares investor".split()),
}
HOSTILE = [
    "<!channel> everyone look",
    "<!here> now",
    "hi <@U123> and <#C999>",
    "<https://evil.example|https://good.example>",
    "a & b > c < d",
]


def art(
    i: int,
    story: int,
    *,
    dup: int | None = None,
    site: str = "Wirepoint",
    hours_ago: float = 2,
    title: str | None = None,
) -> Article:
    return Article(
        id=i,
        topic="eu-us-steel",
        url=f"https://{site.lower().replace(' ', '')}.test/{i}",
        canonical_url=f"https://{site.lower().replace(' ', '')}.test/{i}",
        title=title or f"Article {i}",
        text="…",
        source=site,
        fetched_at=NOW - timedelta(hours=hours_ago),
        content_hash=str(i),
        published_at=NOW - timedelta(hours=hours_ago + 1),
        site_name=site,
        relevance=0.7,
        story_id=story,
        duplicate_of=dup,
        terms=STORY_TERMS[story],
    )


def summary(*points: str, quotes: tuple[Quote, ...] = ()) -> Summary:
    return Summary(
        tuple(KeyPoint(p, (n,)) for n, p in enumerate(points)), quotes, "offline", "offline-1"
    )


def sample(
    previous: datetime | None = None,
) -> tuple[list[Article], dict[int, Summary]]:
    wire = art(1, 10, site="Wirepoint", hours_ago=3, title="Steel talks resume in Brussels")
    copy1 = art(2, 10, dup=1, site="Harbour Ledger", hours_ago=2.5)
    copy2 = art(3, 10, dup=1, site="Metro Daily", hours_ago=2)
    unions = art(4, 10, site="Continental Times", hours_ago=1, title="Unions warn")
    markets = art(5, 20, site="Tradewatch", hours_ago=20, title="Markets shrug")
    summaries = {
        1: summary(
            "EU and US negotiators resumed talks on steel tariffs on Monday.",
            "The talks are expected to last three days.",
            "A review mechanism for disputes is on the table.",
            quotes=(
                Quote("We are close, but we are not there yet", "Marta Kovalenko", 2),
                Quote("productive", "Marta Kovalenko", 3),
            ),
        ),
        4: summary(
            "Steelworkers' unions warned that 12,000 jobs are at risk.",
            quotes=(Quote("This cannot go on", None, 1),),
        ),
        5: summary(
            "Steel futures rose 2.1% in Frankfurt [after](https://evil.test) the news.",
            quotes=(Quote("Markets had priced in a deal <!channel>", "Anna Brandt", 0),),
        ),
    }
    return [wire, copy1, copy2, unions, markets], summaries


def build(
    previous: datetime | None = None,
    *,
    empty: bool = False,
    inputs: tuple[list[Article], dict[int, Summary]] | None = None,
    previous_facts: tuple[str, ...] = (),
) -> Briefing:
    """The sample day's briefing (no coverage with empty=True; or of `inputs`, as `sample()`
    returns them)."""
    articles, summaries = inputs or (([], {}) if empty else sample())
    return compose(
        topic=TOPIC,
        window_start=NOW - timedelta(hours=24),
        window_end=NOW,
        generated_at=NOW,
        articles=articles,
        summaries=summaries,
        previous_briefing_at=previous,
        previous_facts=previous_facts,
    )


def hostile_briefing() -> Briefing:
    refs = tuple(
        SourceRef(i + 1, i + 1, text, f"https://news.test/{i}", site=text)
        for i, text in enumerate(HOSTILE)
    )
    stories = tuple(
        BriefingStory(
            i, BriefingPoint(text, (i + 1,)), (BriefingPoint(text, (i + 1,)),), (i + 1,), True, NOW
        )
        for i, text in enumerate(HOSTILE)
    )
    quotes = tuple(BriefingQuote(t, t, i + 1) for i, t in enumerate(HOSTILE))
    return day_briefing("<!channel> title", stories, quotes, refs)


def day_briefing(
    title: str,
    stories: tuple[BriefingStory, ...],
    quotes: tuple[BriefingQuote, ...],
    refs: tuple[SourceRef, ...],
) -> Briefing:
    """A briefing (topic "t") of the day up to NOW, the previous one a day earlier."""
    day_before = NOW - timedelta(days=1)
    return Briefing(
        "t", title, day_before, NOW, NOW, stories, quotes, refs, previous_briefing_at=day_before
    )


# ---------------------------------------------------------------------- answers, summaries


def sample_answer(
    answered: bool = True, text: str = "Talks resume on 15 December [1], says [2]."
) -> Answer:
    refs = (
        SourceRef(1, 11, "Talks resume", "https://news.test/talks", "Wirepoint", NOW),
        SourceRef(2, 12, "Ministers meet <!here>", "https://news.test/meet", None, NOW),
    )
    return Answer(
        question="when?",
        text=text,
        answered=answered,
        sources=refs if answered else (),
        closest=() if answered else refs,
        degraded=not answered,
    )


def sample_ondemand_summary() -> OnDemandSummary:
    summary = Summary(
        key_points=(KeyPoint("Unions warn 12,000 jobs are at risk <!channel>.", (1,)),),
        quotes=(Quote("We will fight for every job", "Marta Kowalski", 2),),
        summariser="offline",
        prompt_version="offline-1",
    )
    return OnDemandSummary("Unions warn <@U1>", "https://news.test/unions", summary)
