"""Compose a topic's briefing: group the window's coverage into stories, rank them, cite every
point, pick the notable quotes and say what is new since the previous briefing.

`compose` is pure (data in, `Briefing` out); `BriefingService` gathers its inputs from the store
and the summariser and saves the result. Nothing here knows about Slack, Teams or the terminal.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from bot.briefing.record import briefing_from_dict, briefing_to_dict
from bot.briefing.stories import (
    Candidate,
    copy_groups,
    draft_stories,
    headline_text,
    is_stale,
    stable_key,
    without_dateline,
)
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
from bot.store.deliveries import Deliveries, StoredBriefing
from bot.summarise.cached import CachedSummaries
from bot.text.urls import display_url

DEFAULT_WINDOW = timedelta(hours=24)
MAX_STORIES = 12
MAX_POINTS_PER_STORY = 3
MAX_QUOTES = 6
MAX_DEVELOPMENTS = 12


def compose(
    *,
    topic: TopicConfig,
    window_start: datetime,
    window_end: datetime,
    generated_at: datetime,
    articles: Sequence[Article],
    summaries: Mapping[int, Summary],
    previous_briefing_at: datetime | None,
    previous_facts: Sequence[str] = (),
) -> Briefing:
    """Build a briefing from the window's articles (copies included) and the summaries of the
    article that leads each copy group (see `stories.copy_groups`). Pure and deterministic:
    the same articles give the same briefing whatever order they were stored in.

    `previous_facts` are the points of the previous briefing: a point is new when its fact is
    not among them, whether or not its story was briefed before.
    """
    fresh = [a for a in articles if not is_stale(a, window_start)]
    groups = copy_groups(fresh)
    drafts = draft_stories(
        groups,
        summaries,
        window_end=window_end,
        previous_facts=previous_facts if previous_briefing_at is not None else (),
        max_points=MAX_POINTS_PER_STORY,
    )[:MAX_STORIES]
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

    by_id = {a.id: a for a in fresh}

    def citations(leads: Sequence[int]) -> tuple[int, ...]:
        ordered = sorted(leads, key=lambda i: stable_key(by_id[i]))
        return tuple(dict.fromkeys(cite(a) for lead in ordered for a in groups[lead]))

    out_stories: list[BriefingStory] = []
    developments: list[tuple[tuple[int, float | int, str], Candidate]] = []
    quote_pool: list[tuple[int, int, BriefingQuote]] = []
    for rank, draft in enumerate(drafts):
        first, *rest = draft.points
        short = headline_text(first.text)
        headline = BriefingPoint(short, citations(first.leads))
        # A headline cut short keeps its whole sentence as the first point: no fact is lost.
        whole = [first] if short.endswith("…") else []
        points = tuple(
            BriefingPoint(without_dateline(p.text), citations(p.leads)) for p in [*whole, *rest]
        )
        all_citations = tuple(sorted({n for lead in draft.leads for n in citations([lead.id])}))
        out_stories.append(
            BriefingStory(
                story_id=min(a.story_id or a.id for a in draft.leads),
                headline=headline,
                points=points,
                citations=all_citations,
                is_new=previous_briefing_at is None or draft.is_new,
                first_seen_at=draft.first_seen_at,
            )
        )
        if previous_briefing_at is not None:
            # Every story's main news in the stories' order, then their further news by how
            # much it says (a figure-laden third point beats another story's colour).
            developments += [
                ((0, rank, "") if k == 0 else (1, -round(p.score, 9), p.text), p)
                for k, p in enumerate(p for p in draft.points if p.new)
            ]
        # The story's quotes numbered across its articles: each story's first quote comes
        # before any story's second.
        order = 0
        for lead in draft.leads:
            summary = summaries.get(lead.id)
            for quote in summary.quotes if summary else ():
                cited = citations([lead.id])[0]
                quote_pool.append((rank, order, BriefingQuote(quote.text, quote.speaker, cited)))
                order += 1
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
        degraded=any(
            summaries[lead.id].partly_degraded
            for d in drafts
            for lead in d.leads
            if lead.id in summaries
        ),
        summariser=_summariser_names(summaries.values()),
        timezone=topic.timezone,
        # each story's main news first, then their further news, in the stories' order
        new_developments=tuple(
            BriefingPoint(without_dateline(p.text), citations(p.leads))
            for _, p in sorted(developments, key=lambda d: d[0])[:MAX_DEVELOPMENTS]
        ),
    )


def briefed_facts(payload: Mapping[str, Any]) -> list[str]:
    """Every point a stored briefing showed (headlines, points, new developments)."""
    facts: list[str] = []
    for story in payload.get("stories", []):
        facts.append(story["headline"]["text"])
        facts += [p["text"] for p in story.get("points", [])]
    facts += [p["text"] for p in payload.get("new_since_last", [])]
    return list(dict.fromkeys(facts))


def pick_quotes(pool: Sequence[tuple[int, int, BriefingQuote]]) -> tuple[BriefingQuote, ...]:
    """The day's notable quotes: attributed, substantial, from the top stories, two per
    speaker at most, no repeats."""

    def weight(item: tuple[int, int, BriefingQuote]) -> tuple[int, int, int, int, int]:
        rank, order, quote = item
        words = len(quote.text.split())
        substantial = 4 <= words <= 60
        fragment = not quote.text[:1].isupper()  # "as long as workers are protected."
        return (0 if quote.speaker else 1, 0 if substantial else 1, int(fragment), order, rank)

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


def shown_articles(briefing: Briefing, summaries: Mapping[int, Summary]) -> set[int]:
    """The articles whose key points a briefing shows: for each headline and point, the cited
    article whose summary holds its text (else its first citation)."""
    by_n = {ref.n: ref.article_id for ref in briefing.sources}
    points = [p for story in briefing.stories for p in (story.headline, *story.points)]
    shown: set[int] = set()
    for point in [*points, *briefing.new_developments]:
        cited = [by_n[n] for n in point.citations if n in by_n]
        text = point.text.rstrip("…")  # a headline may be a point cut short
        holder = next(
            (
                i
                for i in cited
                if i in summaries and any(text in k.text for k in summaries[i].key_points)
            ),
            cited[0] if cited else None,
        )
        if holder is not None:
            shown.add(holder)
    return shown


def _summariser_names(summaries: Iterable[Summary]) -> str:
    names = sorted({s.summariser for s in summaries})
    return ", ".join(names) if names else "offline"


@dataclass(frozen=True, slots=True)
class SavedBriefing:
    """A composed briefing and the id it was saved under (None when it was not saved)."""

    briefing: Briefing
    id: int | None


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
        self,
        topic: TopicConfig,
        *,
        since: datetime | None = None,
        save: bool = True,
        at: datetime | None = None,
    ) -> Briefing:
        """Today's briefing (see `make`)."""
        return (await self.make(topic, since=since, save=save, at=at)).briefing

    async def make(
        self,
        topic: TopicConfig,
        *,
        since: datetime | None = None,
        save: bool = True,
        at: datetime | None = None,
    ) -> SavedBriefing:
        """The briefing as of now (or as of `at`, a past date's scheduled time, for replays);
        the window runs from `since`, else from the previous day's briefing, else 24 h back.
        Its inputs are read once, composed purely and saved once (re-running the same day
        replaces the day's briefing); the saved id comes back with it."""
        now = at or self.now()
        today = now.date().isoformat()
        previous = await self.deliveries.last_briefing(topic.name, before_date=today)
        same_day = await self.deliveries.briefing_of(topic.name, today)
        previous_at = previous.created_at if previous else None
        start = since or previous_at or now - DEFAULT_WINDOW
        articles = await self.articles.articles_in_window(topic.name, start, now)
        fresh = [a for a in articles if not is_stale(a, start)]
        leads = [group[0] for group in copy_groups(fresh).values()]

        def draft(summaries: Mapping[int, Summary]) -> Briefing:
            return compose(
                topic=topic,
                window_start=start,
                window_end=now,
                generated_at=now,
                articles=articles,
                summaries=summaries,
                previous_briefing_at=previous_at,
                previous_facts=briefed_facts(previous.payload) if previous else (),
            )

        with briefing_run(topic.name, today):
            if not self.summaries.selective:
                briefing = draft(await self.summaries.get_many(leads))
            else:
                # Drafted from the extractive summaries; the model summarises only the
                # articles whose points that draft shows, and the briefing is composed again.
                summaries = await self.summaries.get_many(leads, extractive=True)
                shown = shown_articles(draft(summaries), summaries)
                summaries |= await self.summaries.get_many(a for a in leads if a.id in shown)
                briefing = draft(summaries)
            briefing, synthesis = await self._synthesise(briefing, same_day)
        if not save:
            return SavedBriefing(briefing, None)
        payload = briefing_to_dict(briefing)
        if synthesis is not None:
            payload["synthesis"] = synthesis
        saved = await self.deliveries.save_briefing(
            topic=topic.name,
            briefing_date=today,
            created_at=now,
            window_start=start,
            window_end=now,
            story_ids=[s.story_id for s in briefing.stories],
            payload=payload,
            degraded=briefing.degraded,
        )
        return SavedBriefing(briefing, saved)

    async def latest(self, topic: TopicConfig) -> Briefing:
        """Today's briefing as already composed, unless coverage arrived since (then composed
        again, cheaply: summaries are cached), else composed (and kept) now."""
        now = self.now()
        stored = await self.deliveries.briefing_of(topic.name, now.date().isoformat())
        if stored is not None:
            newest = await self.articles.last_fetched_at(topic.name)
            if newest is None or newest <= stored.created_at:
                return briefing_from_dict(stored.payload)
        return await self.brief(topic)

    async def as_posted(self, topic: TopicConfig) -> Briefing:
        """Today's briefing exactly as it was composed for the day's post (for finishing a
        post that a crash interrupted); composed now only if none was kept."""
        stored = await self.deliveries.briefing_of(topic.name, self.now().date().isoformat())
        if stored is not None:
            return briefing_from_dict(stored.payload)
        return await self.brief(topic)

    async def _synthesise(
        self, briefing: Briefing, same_day: StoredBriefing | None
    ) -> tuple[Briefing, dict[str, Any] | None]:
        """Model-written headlines, reused when today's input has not changed."""
        if self.synthesiser is None or briefing.no_coverage:
            return briefing, None
        key = self.synthesiser.key(briefing)
        cached = same_day.payload.get("synthesis") if same_day else None
        reuse = cached["reply"] if cached and cached.get("key") == key else None
        result = await self.synthesiser.synthesise(briefing, reuse=reuse)
        if result.degraded and not briefing.degraded:
            return result, None  # the model failed: try again next time
        reply = reply_payload(briefing, result)
        return result, {"key": key, "prompt": self.synthesiser.prompt.id, "reply": reply}
