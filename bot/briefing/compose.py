"""Compose a topic's briefing: group the window's coverage into stories, rank them, cite every
point, pick the notable quotes and say what is new since the previous briefing.

`compose` is pure (data in, `Briefing` out); `BriefingService` gathers its inputs from the store
and the summariser and saves the result. Nothing here knows about Slack, Teams or the terminal.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.briefing.render import briefing_from_dict, briefing_to_dict
from bot.briefing.synthesis import BriefingSynthesiser, reply_payload
from bot.config import TopicConfig
from bot.llm.usage import briefing_run
from bot.models import (
    Article,
    Briefing,
    BriefingPoint,
    BriefingQuote,
    BriefingStory,
    SourceRef,
    Summary,
)
from bot.store.articles import Articles
from bot.store.deliveries import Deliveries
from bot.summarise.cached import CachedSummaries
from bot.text.urls import display_url

DEFAULT_WINDOW = timedelta(hours=24)
MAX_STORIES = 12
MAX_POINTS_PER_STORY = 3
MAX_QUOTES = 6


@dataclass(frozen=True, slots=True)
class StoryInput:
    """One story's coverage in the window: its articles (copies included) and first sighting."""

    story_id: int
    first_seen_at: datetime
    articles: tuple[Article, ...]


def _root(article: Article) -> int:
    return article.duplicate_of or article.id


def _rank(story: StoryInput, window_end: datetime) -> float:
    latest = max(a.published_at or a.fetched_at for a in story.articles)
    hours = max(0.0, (window_end - latest).total_seconds() / 3600)
    recency = math.exp(-hours / 24)
    sources = len({a.site_name or a.canonical_url for a in story.articles})
    relevance = max(a.relevance for a in story.articles)
    return recency + math.log2(1 + sources) + relevance


def compose(
    *,
    topic: TopicConfig,
    window_start: datetime,
    window_end: datetime,
    generated_at: datetime,
    stories: Sequence[StoryInput],
    summaries: Mapping[int, Summary],
    originals: Mapping[int, Article],
    previous_briefing_at: datetime | None,
) -> Briefing:
    """Build a briefing from the window's stories and the summaries of their root articles.

    `summaries` and `originals` are keyed by root article id (an original, never a copy).
    """
    ranked = sorted(stories, key=lambda s: (-_rank(s, window_end), s.story_id))[:MAX_STORIES]
    refs: dict[int, SourceRef] = {}

    def cite(article: Article) -> int:
        if article.id not in refs:
            refs[article.id] = SourceRef(
                n=len(refs) + 1,
                article_id=article.id,
                title=article.title,
                url=display_url(article.url),
                site=article.site_name,
                published_at=article.published_at,
            )
        return refs[article.id].n

    out_stories: list[BriefingStory] = []
    quote_pool: list[tuple[int, int, BriefingQuote]] = []
    for rank, story in enumerate(ranked):
        copies: dict[int, list[Article]] = {}
        for article in story.articles:
            copies.setdefault(_root(article), []).append(article)
        # The most widely carried article leads; then the rest in order of arrival.
        roots = sorted(copies, key=lambda r: (-len(copies[r]), originals[r].fetched_at, r))
        citations_of: dict[int, tuple[int, ...]] = {}
        for root in roots:
            cited = [originals[root], *[a for a in copies[root] if a.id != root]]
            citations_of[root] = tuple(dict.fromkeys(cite(a) for a in cited))
        points: list[BriefingPoint] = []
        used: set[str] = set()
        # First the lead point of each distinct article, then further points of the first.
        for root in roots:
            summary = summaries.get(root)
            if summary and summary.key_points:
                text = summary.key_points[0].text
                if text not in used:
                    points.append(BriefingPoint(text, citations_of[root]))
                    used.add(text)
        lead_summary = summaries.get(roots[0])
        for point in lead_summary.key_points[1:] if lead_summary else ():
            if point.text not in used:
                points.append(BriefingPoint(point.text, citations_of[roots[0]]))
                used.add(point.text)
        if not points:
            points = [BriefingPoint(originals[roots[0]].title, citations_of[roots[0]])]
        all_citations = tuple(sorted({n for root in roots for n in citations_of[root]}))
        out_stories.append(
            BriefingStory(
                story_id=story.story_id,
                headline=points[0],
                points=tuple(points[1:MAX_POINTS_PER_STORY]),
                citations=all_citations,
                is_new=previous_briefing_at is None or story.first_seen_at > previous_briefing_at,
                first_seen_at=story.first_seen_at,
            )
        )
        for root in roots:
            summary = summaries.get(root)
            for order, quote in enumerate(summary.quotes if summary else ()):
                quote_pool.append(
                    (rank, order, BriefingQuote(quote.text, quote.speaker, citations_of[root][0]))
                )
    return Briefing(
        topic=topic.name,
        title=topic.display_title,
        window_start=window_start,
        window_end=window_end,
        generated_at=generated_at,
        stories=tuple(out_stories),
        quotes=pick_quotes(quote_pool),
        sources=tuple(sorted(refs.values(), key=lambda r: r.n)),
        previous_briefing_at=previous_briefing_at,
        degraded=any(s.partly_degraded for s in summaries.values()),
        summariser=_summariser_names(summaries.values()),
    )


def pick_quotes(pool: Sequence[tuple[int, int, BriefingQuote]]) -> tuple[BriefingQuote, ...]:
    """The day's notable quotes: attributed, substantial, from the top stories, two per
    speaker at most, no repeats."""

    def weight(item: tuple[int, int, BriefingQuote]) -> tuple[int, int, int, int, int]:
        rank, order, quote = item
        words = len(quote.text.split())
        substantial = 4 <= words <= 60
        fragment = not quote.text[:1].isupper()  # "as long as workers are protected."
        return (0 if quote.speaker else 1, 0 if substantial else 1, int(fragment), rank, order)

    chosen: list[BriefingQuote] = []
    per_speaker: dict[str | None, int] = {}
    seen: set[str] = set()
    for _, _, quote in sorted(pool, key=weight):
        key = " ".join(quote.text.split()).casefold()
        if key in seen or len(quote.text.split()) < 3:
            continue
        if per_speaker.get(quote.speaker, 0) >= 2:
            continue
        chosen.append(quote)
        seen.add(key)
        per_speaker[quote.speaker] = per_speaker.get(quote.speaker, 0) + 1
        if len(chosen) == MAX_QUOTES:
            break
    return tuple(chosen)


def _summariser_names(summaries: Iterable[Summary]) -> str:
    names = sorted({s.summariser for s in summaries})
    return ", ".join(names) if names else "offline"


class BriefingService:
    """Composes, and stores, the briefing of a topic for today."""

    def __init__(
        self,
        articles: Articles,
        deliveries: Deliveries,
        summaries: CachedSummaries,
        *,
        now: Callable[[], datetime],
        synthesiser: BriefingSynthesiser | None = None,
    ) -> None:
        self.articles = articles
        self.deliveries = deliveries
        self.summaries = summaries
        self.now = now
        self.synthesiser = synthesiser

    async def brief(
        self, topic: TopicConfig, *, since: datetime | None = None, save: bool = True
    ) -> Briefing:
        """Today's briefing; the window runs from `since`, else from the previous day's
        briefing, else 24 h back. Re-running the same day replaces the day's briefing."""
        now = self.now()
        today = now.date().isoformat()
        previous = await self.deliveries.last_briefing(topic.name, before_date=today)
        previous_at = previous.created_at if previous else None
        start = since or previous_at or now - DEFAULT_WINDOW
        articles = await self.articles.articles_in_window(topic.name, start, now)
        by_story: dict[int, list[Article]] = {}
        for article in articles:
            if article.story_id is not None:
                by_story.setdefault(article.story_id, []).append(article)
        first_seen = await self.articles.story_first_seen(by_story)
        originals = {a.id: a for a in articles if a.duplicate_of is None}
        missing = {a.duplicate_of for a in articles if a.duplicate_of} - set(originals)
        originals.update(await self.articles.articles_by_id(i for i in missing if i))
        roots = {_root(a) for a in articles}
        with briefing_run(topic.name, today):
            summaries = await self.summaries.get_many(originals[r] for r in roots if r in originals)
            briefing = compose(
                topic=topic,
                window_start=start,
                window_end=now,
                generated_at=now,
                stories=[
                    StoryInput(sid, first_seen.get(sid, now), tuple(items))
                    for sid, items in by_story.items()
                ],
                summaries=summaries,
                originals=originals,
                previous_briefing_at=previous_at,
            )
            briefing, synthesis = await self._synthesise(topic, today, briefing)
        payload = briefing_to_dict(briefing)
        if synthesis is not None:
            payload["synthesis"] = synthesis
        if save:
            await self.deliveries.save_briefing(
                topic=topic.name,
                briefing_date=today,
                created_at=now,
                window_start=start,
                window_end=now,
                story_ids=[s.story_id for s in briefing.stories],
                payload=payload,
                degraded=briefing.degraded,
            )
        return briefing

    async def latest(self, topic: TopicConfig) -> Briefing:
        """Today's briefing as already composed, else composed (and kept) now."""
        stored = await self.deliveries.briefing_of(topic.name, self.now().date().isoformat())
        if stored is not None:
            return briefing_from_dict(stored.payload)
        return await self.brief(topic)

    async def _synthesise(
        self, topic: TopicConfig, today: str, briefing: Briefing
    ) -> tuple[Briefing, dict[str, Any] | None]:
        """Model-written headlines, reused when today's input has not changed."""
        if self.synthesiser is None or briefing.no_coverage:
            return briefing, None
        key = self.synthesiser.key(briefing)
        stored = await self.deliveries.briefing_of(topic.name, today)
        cached = stored.payload.get("synthesis") if stored else None
        reuse = cached["reply"] if cached and cached.get("key") == key else None
        result = await self.synthesiser.synthesise(briefing, reuse=reuse)
        if result.degraded and not briefing.degraded:
            return result, None  # the model failed: try again next time
        reply = reply_payload(briefing, result)
        return result, {"key": key, "prompt": self.synthesiser.prompt.id, "reply": reply}
