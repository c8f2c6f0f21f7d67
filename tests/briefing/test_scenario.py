"""Three simulated days of a fast-moving story (tests/fixtures/scenario/): each day's planted
developments are in the briefing's body and in "new since the last briefing", nothing old is
passed off as new, the old item from a newly added feed is never today's news, and the same
coverage gives the same briefing whatever order it arrived in.

Articles go through the real store the way collection stores them: relevance from the
topic's query, salient terms, and a syndicated copy linked to whichever copy of it arrived
first (so the arrival order really changes what is stored)."""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.briefing.compose import BriefingService
from bot.briefing.render import to_markdown
from bot.briefing.stories import STALE
from bot.collect import relevance
from bot.collect.dedupe import content_hash, encode_signature, signature, story_terms
from bot.config import TopicConfig
from bot.models import Briefing
from bot.store import Store
from bot.store.articles import NewArticle
from bot.summarise.cached import CachedSummaries
from tests.helpers.clock import Clock
from tests.helpers.summaries import KEPT
from tests.scenario import Scenario, ScenarioArticle, load_scenario

SCENARIO = load_scenario()
# The query an editor following the story would write (and refine after seeing the bait).
MAY = ("tariff", "trade", "chipmaking", "rare-earth", "export", "steel", "Heliant", "Kaldor")
MAY += ("Tarrow", "Valdoran", "Kestria")
MUST_NOT = ("football", "rugby", "crisps", "striker", "potato")
TOPIC = TopicConfig(
    name="kv-trade",
    title=SCENARIO.title,
    query={"may": list(MAY), "must_not": list(MUST_NOT)},
)
QUERY = relevance.Query(may=MAY, must_not=MUST_NOT, min_score=0.2)


async def _store(
    store: Store,
    batch: list[ScenarioArticle],
    stored: dict[str, int],
    *,
    scenario: Scenario = SCENARIO,
    topic: TopicConfig = TOPIC,
    query: relevance.Query = QUERY,
) -> None:
    for a in batch:
        judged = relevance.score(query, a.title, a.text)
        group = a.copy_of or a.id
        first = next(
            (
                stored[x.id]
                for x in scenario.articles
                if (x.copy_of or x.id) == group and x.id in stored
            ),
            None,
        )
        added = await store.articles.add_article(
            NewArticle(
                topic=topic.name,
                url=a.url,
                canonical_url=a.url.split("?")[0],
                source=a.outlet,
                title=a.title,
                text=a.text,
                fetched_at=a.fetched_at,
                content_hash=content_hash(a.text),
                signature=encode_signature(signature(a.text)),
                terms=tuple(story_terms(a.title, a.text)),
                relevance=judged.score,
                relevant=judged.relevant,
                relevance_reason=judged.reason,
                story_id=None,
                duplicate_of=first,
                site_name=a.outlet,
                published_at=a.published_at,
            ),
            new_story=True,
        )
        assert added is not None
        stored[a.id] = added[0]


def _service(store: Store, clock: Clock) -> BriefingService:
    summaries = CachedSummaries(store.articles, KEPT, now=clock.now)
    return BriefingService(store.articles, store.deliveries, summaries, now=clock.now)


async def three_days(tmp_path: Path, seed: int | None) -> list[Briefing]:
    """The three days' briefings, each day's coverage stored in a shuffled order."""
    store = Store.from_url(f"sqlite+aiosqlite:///{tmp_path / f'scenario-{seed}.db'}")
    await store.db.migrate()
    clock = Clock(SCENARIO.days[0].window_start)
    service = _service(store, clock)
    stored: dict[str, int] = {}
    briefings = []
    try:
        for day in SCENARIO.days:
            batch = [a for a in SCENARIO.articles if day.contains(a.fetched_at)]
            if seed is not None:
                random.Random(seed * 31 + day.day.day).shuffle(batch)
            await _store(store, batch, stored)
            clock.current = day.briefing_at
            briefings.append(await service.brief(TOPIC))
    finally:
        await store.close()
    return briefings


def _body(briefing: Briefing, *, only_new: bool = False) -> list[str]:
    """Each story's points (or its points listed as new since the last briefing), with the
    day's quotes from its articles, as the texts a development may be found in."""
    texts = []
    for s in briefing.stories:
        quotes = [q.text for q in briefing.quotes if q.citation in s.citations]
        points = (
            [p for p in briefing.new_developments if set(p.citations) & set(s.citations)]
            if only_new
            else [s.headline, *s.points]
        )
        texts.append(" ".join([*(p.text for p in points), *quotes]))
    return [t.casefold() for t in texts]


def _mentions(texts: list[str], words: tuple[str, ...]) -> bool:
    return any(all(w.casefold() in t for w in words) for t in texts)


@pytest.fixture(scope="module")
def days(tmp_path_factory: pytest.TempPathFactory) -> list[Briefing]:
    import asyncio

    return asyncio.run(three_days(tmp_path_factory.mktemp("scenario"), None))


def test_the_days_developments_are_in_the_body_and_marked_new(days: list[Briefing]) -> None:
    """Measured over the three days (the figures go in the issue's note); the bar is what the
    briefing reaches today, so a change that loses a development fails."""
    found, marked, missed = 0, 0, []
    for n, (day, briefing) in enumerate(zip(SCENARIO.days, days, strict=True)):
        body, new = _body(briefing), _body(briefing, only_new=True)
        for dev in day.developments:
            in_body = _mentions(body, dev.must_contain)
            found += in_body
            if n > 0:
                marked += _mentions(new, dev.must_contain)
            if not in_body:
                missed.append(f"{day.day}: {dev.fact}")
    total = sum(len(d.developments) for d in SCENARIO.days)
    later = sum(len(d.developments) for d in SCENARIO.days[1:])
    print(f"developments in the body {found}/{total}, marked new {marked}/{later}")
    assert found >= 13 and marked >= 8, (found, marked, missed)
    tops = [d for d in SCENARIO.days[0].developments if d.top]
    assert all(_mentions(body, d.must_contain) for d in tops for body in [_body(days[0])])


@pytest.mark.parametrize("n", range(1, len(SCENARIO.days)))
def test_nothing_old_is_passed_off_as_new(days: list[Briefing], n: int) -> None:
    new = [p.text.casefold() for p in days[n].new_developments]  # the points alone
    for old in SCENARIO.days[n].old_facts:
        assert not _mentions(new, old.must_contain), (old.fact, to_markdown(days[n]))


def test_the_old_item_is_never_todays_news(days: list[Briefing]) -> None:
    first = SCENARIO.days[0].window_start
    old = [a for a in SCENARIO.articles if a.published_at and a.published_at < first - STALE]
    assert old
    for briefing in days:
        cited = {s.url for s in briefing.sources}
        assert not any(a.url.split("?")[0] in cited or a.url in cited for a in old)


def test_off_topic_bait_never_reaches_a_briefing(days: list[Briefing]) -> None:
    bait = {a.url for a in SCENARIO.articles if a.offtopic}
    for briefing in days:
        assert not bait & {s.url for s in briefing.sources}


async def test_twenty_arrival_orders_give_the_same_briefings(tmp_path: Path) -> None:
    reference = [to_markdown(b) for b in await three_days(tmp_path, 0)]
    for seed in range(1, 20):
        assert [to_markdown(b) for b in await three_days(tmp_path, seed)] == reference, seed


async def test_a_past_days_briefing_replays_as_it_was(tmp_path: Path) -> None:
    """`briefbot brief --date D`: the day's briefing as at its scheduled time, relative to the
    briefing before it, even after later days' coverage arrived; not saved."""
    store = Store.from_url(f"sqlite+aiosqlite:///{tmp_path / 'replay.db'}")
    await store.db.migrate()
    clock = Clock(SCENARIO.days[0].window_start)
    service = _service(store, clock)
    stored: dict[str, int] = {}
    made = []
    try:
        for day in SCENARIO.days:
            await _store(
                store, [a for a in SCENARIO.articles if day.contains(a.fetched_at)], stored
            )
            clock.current = day.briefing_at
            made.append(to_markdown(await service.brief(TOPIC)))
        replayed = await service.brief(TOPIC, at=SCENARIO.days[1].briefing_at, save=False)
        assert to_markdown(replayed) == made[1]
        assert await store.db.count("briefings") == len(SCENARIO.days)
    finally:
        await store.close()


def test_brief_date_is_checked() -> None:
    from typer.testing import CliRunner

    from bot.cli import app

    runner = CliRunner()
    for bad in ("2026-13-01", "2999-01-01"):
        result = runner.invoke(app, ["brief", "--date", bad])
        assert result.exit_code == 2 and "--date" in result.output
