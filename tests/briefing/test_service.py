"""BriefingService on a real store: summaries computed once and cached, copies summarised
once, windows since the previous day's briefing, new-since-last, and empty days."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from bot.briefing.compose import BriefingService
from bot.collect.extract import extract_text
from bot.config import TopicConfig
from bot.models import Briefing, Summary
from bot.store import Store
from bot.store.articles import NewArticle
from bot.summarise import OfflineSummariser
from bot.summarise.cached import CachedSummaries
from bot.summarise.offline import OFFLINE_VERSION
from tests.helpers.clock import Clock

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"
TOPIC = TopicConfig(name="steel", title="Steel talks")


@dataclass
class RecordingSummariser:
    """The offline summariser, recording every article it was asked to summarise."""

    name: str = "offline"
    prompt_version: str = OFFLINE_VERSION
    calls: list[str] = field(default_factory=list)

    async def summarise(self, *, title: str, text: str) -> Summary:
        self.calls.append(title)
        return await OfflineSummariser().summarise(title=title, text=text)


async def add(
    store: Store,
    clock: Clock,
    name: str,
    *,
    copy_of: tuple[int, int] | None = None,
    story: int | None = None,
) -> tuple[int, int | None]:
    article = extract_text((ARTICLES / name).read_text(encoding="utf-8"), "")
    suffix = "-copy" if copy_of else ""
    added = await store.articles.add_article(
        NewArticle(
            topic="steel",
            url=f"https://news.test/{name}{suffix}",
            canonical_url=f"https://news.test/{name}{suffix}",
            source="test",
            title=article.title,
            text=article.text,
            fetched_at=clock.now(),
            content_hash=name + suffix,
            signature="",
            terms=(),
            relevance=0.8,
            relevant=True,
            relevance_reason="",
            story_id=copy_of[1] if copy_of else story,
            duplicate_of=copy_of[0] if copy_of else None,
            site_name="Copy" if copy_of else "News",
        ),
        new_story=copy_of is None and story is None,
    )
    assert added is not None
    return added


def service(store: Store, clock: Clock) -> tuple[BriefingService, RecordingSummariser]:
    summariser = RecordingSummariser()
    cached = CachedSummaries(store.articles, summariser, now=clock.now)
    return BriefingService(store.articles, store.deliveries, cached, now=clock.now), summariser


async def test_summaries_are_computed_once_and_copies_cost_nothing(
    store: Store, clock: Clock
) -> None:
    wire = await add(store, clock, "a-wire.txt")
    await add(store, clock, "a-wire.txt", copy_of=wire)
    await add(store, clock, "c-pronouns.txt")
    clock.advance(hours=1)
    briefings, summariser = service(store, clock)
    first = await briefings.brief(TOPIC)
    assert sorted(summariser.calls) == sorted(
        [
            "EU and US negotiators report progress on steel quotas",
            "Ministers clash over retaliation as talks stall",
        ]
    )
    assert first.stories[0].headline.citations == (1, 2)  # the original and its copy
    clock.advance(minutes=30)
    again = await briefings.brief(TOPIC)  # same day: no summary is requested again
    assert len(summariser.calls) == 2
    assert again.stories == first.stories
    assert await store.db.count("summaries") == 2 and await store.db.count("briefings") == 1
    # another process, same store: still cached
    other, other_summariser = service(store, clock)
    await other.brief(TOPIC)
    assert other_summariser.calls == []


def day_one_facts(briefing: Briefing) -> set[str]:
    return {p.text for s in briefing.stories for p in (s.headline, *s.points)}


async def test_next_day_window_and_what_is_new(store: Store, clock: Clock) -> None:
    old = await add(store, clock, "d-titles.txt")
    briefings, _ = service(store, clock)
    day_one = await briefings.brief(TOPIC)
    assert day_one.previous_briefing_at is None and len(day_one.stories) == 1
    clock.advance(days=1)
    await add(store, clock, "e-adding.txt")  # a new story
    await add(store, clock, "f-anonymous.txt", story=old[1])  # more on yesterday's story
    day_two = await briefings.brief(TOPIC)
    assert day_two.previous_briefing_at == day_one.generated_at
    assert day_two.window_start == day_one.generated_at
    # Both the new story and yesterday's story's new article bring facts not briefed before.
    assert all(s.is_new for s in day_two.stories)
    developments = {p.text for p in day_two.new_developments}
    assert any("hot-rolled coil" in p for p in developments)  # the new story's news
    assert any("steelworkers" in p for p in developments)  # yesterday's story, new facts
    assert not any(p.text in day_one_facts(day_one) for p in day_two.new_developments)
    assert await store.db.count("briefings") == 2


async def test_a_day_without_coverage_says_so(store: Store, clock: Clock) -> None:
    briefings, _ = service(store, clock)
    empty = await briefings.brief(TOPIC)
    assert empty.no_coverage and empty.sources == ()
    assert await store.db.count("briefings") == 1


async def test_today_is_recomposed_only_when_coverage_arrived_since(
    store: Store, clock: Clock
) -> None:
    await add(store, clock, "d-titles.txt")
    briefings, _ = service(store, clock)
    morning = await briefings.brief(TOPIC)
    clock.advance(hours=2)
    assert (await briefings.latest(TOPIC)).generated_at == morning.generated_at  # as stored
    await add(store, clock, "e-adding.txt")
    clock.advance(minutes=5)
    afternoon = await briefings.latest(TOPIC)
    assert afternoon.generated_at == clock.now() and len(afternoon.sources) > len(morning.sources)
    assert await store.db.count("briefings") == 1  # the day's briefing, replaced
