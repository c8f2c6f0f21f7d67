"""Collection: for each source of a topic, discover → fetch → extract → decide → store.

Each source's outcome is returned as a value (ok with counts, or an error with its reason), so
one broken, slow, huge or malformed source never stops the others; one bad article never stops
its source. Time is budgeted: a source gets `source_budget` seconds and a topic's run
`collect_budget`; a source over budget keeps what it stored and says so in its outcome, and no
source may hold more than half the fetch slots, so a slow one leaves room for the rest.
Decisions (dedupe, story grouping, relevance) are pure functions; this module only orchestrates
them around the fetcher and the store.
"""

from __future__ import annotations

import asyncio
import heapq
import logging
import time
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime, timedelta
from pathlib import Path
from typing import TypeVar
from urllib.parse import unquote, urlsplit

from bot.collect import dedupe, relevance
from bot.collect.analysis import Analysis, Page
from bot.collect.batches import Batches, CPURunner
from bot.collect.extract import looks_like_html
from bot.collect.fetch import Fetcher
from bot.collect.sources import Candidate, discover
from bot.config import FolderSource, SourceConfig, TopicConfig, source_label
from bot.errors import BriefbotError
from bot.models import ExtractedArticle, SourceOutcome
from bot.store.articles import Added, Articles, BatchItem, NewArticle, RecentArticle

log = logging.getLogger(__name__)

OnSourceDone = Callable[[SourceOutcome], None]
# Called once per topic run with the ids of the new relevant originals (not copies), e.g. to
# summarise them now rather than when the briefing is due.
AfterCollect = Callable[[Sequence[int]], Awaitable[object]]
Monotonic = Callable[[], float]
T = TypeVar("T")


class _Threads:
    workers = 0

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        return await asyncio.to_thread(fn, *args)


class _OverBudget:
    """What an article that ran out of its source's time budget returns."""


OVER_BUDGET = _OverBudget()


@dataclass(frozen=True, slots=True)
class Placement:
    """Where a new article goes: a duplicate of a stored one, and/or an existing story."""

    duplicate_of: int | None
    story_id: int | None


def place_article(
    signature: Sequence[int],
    terms: frozenset[str],
    exact_match: RecentArticle | None,
    near: Sequence[RecentArticle],
    related: Sequence[RecentArticle],
    *,
    relevant: bool,
) -> Placement:
    """Decide (pure) whether an article repeats a stored one or joins a stored story.

    An exact or near-duplicate (a syndicated copy) among `near` joins its original's story
    and is marked as a copy of the original, so it is summarised once. Otherwise a relevant
    article sharing enough salient terms with one of `related` joins that story; else it
    starts a new one (story None). `RecentIndex` narrows both lists down to candidates.
    """
    if exact_match is not None:
        return Placement(exact_match.duplicate_of or exact_match.id, exact_match.story_id)
    best: RecentArticle | None = None
    best_score = 0.0
    for other in near:
        score = dedupe.similarity(signature, dedupe.decode_signature(other.signature))
        if score > best_score:
            best, best_score = other, score
    if best is not None and best_score >= dedupe.NEAR_DUPLICATE:
        return Placement(best.duplicate_of or best.id, best.story_id)
    if not relevant:
        return Placement(None, None)
    story_best: RecentArticle | None = None
    story_score = 0.0
    for other in related:
        if not other.relevant or other.story_id is None:
            continue
        overlap = dedupe.term_overlap(terms, other.terms)
        if dedupe.same_story(terms, other.terms) and overlap > story_score:
            story_best, story_score = other, overlap
    return Placement(None, story_best.story_id if story_best else None)


# Placing an article must cost the same in a story of 5 articles and of 5,000. A term (or
# sketch hash) shared by more than POSTINGS_CAP recent articles is common: only its most recent
# POSTINGS_CAP articles are counted (a story's recent articles carry its terms as well as its
# old ones), and an article found through a rarer term gets its common terms counted exactly.
# Of the candidates, the CANDIDATES_CAP sharing the most are compared.
POSTINGS_CAP = 64
CANDIDATES_CAP = 32


class RecentIndex:
    """Recent articles indexed by sketch hash and by term, so placing a new article looks at
    the few that can match instead of every article of the last days."""

    def __init__(self, articles: Iterable[RecentArticle] = ()) -> None:
        self.items: dict[int, RecentArticle] = {}
        self.order: dict[int, int] = {}  # id -> position added (ids of pending ones are < 0)
        self.by_hash: dict[int, list[int]] = defaultdict(list)
        self.by_term: dict[str, list[int]] = defaultdict(list)
        self.by_content: dict[str, RecentArticle] = {}
        for article in articles:
            self.add(article)

    def add(self, article: RecentArticle) -> None:
        self.items[article.id] = article
        self.order.setdefault(article.id, len(self.order))
        if article.content_hash:
            self.by_content.setdefault(article.content_hash, article)
        for value in dedupe.decode_signature(article.signature):
            self.by_hash[value].append(article.id)
        if article.relevant and article.story_id is not None:
            for term in article.terms:
                self.by_term[term].append(article.id)

    def _top(self, shared: Counter[int], floor: int) -> list[RecentArticle]:
        """The `CANDIDATES_CAP` sharing the most (at least `floor`), oldest first."""
        top = heapq.nsmallest(
            CANDIDATES_CAP,
            (i for i, n in shared.items() if n >= floor),
            key=lambda i: (-shared[i], self.order[i]),
        )
        return [self.items[i] for i in sorted(top, key=self.order.__getitem__)]

    def near(self, signature: Sequence[int]) -> list[RecentArticle]:
        """Articles sharing enough sketch hashes to possibly be copies."""
        shared: Counter[int] = Counter()
        for h in signature:
            shared.update(self.by_hash.get(h, ())[-POSTINGS_CAP:])
        return self._top(shared, max(1, len(signature) // 8))

    def related(self, terms: frozenset[str]) -> list[RecentArticle]:
        """Articles sharing at least two salient terms."""
        shared: Counter[int] = Counter()
        rare: set[int] = set()
        for term in terms:
            ids = self.by_term.get(term, ())
            if len(ids) <= POSTINGS_CAP:
                rare.update(ids)
            shared.update(ids[-POSTINGS_CAP:])
        for i in rare:  # its common terms may lie beyond the counted tails
            shared[i] = len(terms & self.items[i].terms)
        return self._top(shared, 2)


def query_of(topic: TopicConfig) -> relevance.Query:
    q = topic.query
    return relevance.Query(must=q.must, may=q.may, must_not=q.must_not, min_score=q.min_score)


class Collector:
    """Collects every source of a topic into the store."""

    def __init__(
        self,
        articles: Articles,
        fetcher: Fetcher,
        *,
        now: Callable[[], datetime],
        max_items_per_source: int = 50,
        concurrency: int = 8,
        recent_window: timedelta = timedelta(days=3),
        after_collect: AfterCollect | None = None,
        source_budget: float = 180.0,
        collect_budget: float = 900.0,
        monotonic: Monotonic = time.monotonic,
        cpu: CPURunner | None = None,
    ) -> None:
        self.articles = articles
        self.cpu: CPURunner = cpu if cpu is not None else _Threads()
        self.after_collect = after_collect
        self.fetcher = fetcher
        self.now = now
        self.max_items = max_items_per_source
        self.concurrency = concurrency
        self.recent_window = recent_window
        self.source_budget = source_budget
        self.collect_budget = collect_budget
        self.monotonic = monotonic
        # Thread CPU seconds spent extracting pages in all runs so far, wherever extraction
        # ran (the CPU pool's processes included): extraction's share of collection's CPU.
        self.extraction_cpu = 0.0

    async def collect(
        self, topic: TopicConfig, *, on_source_done: OnSourceDone | None = None
    ) -> list[SourceOutcome]:
        """Collect all of a topic's sources concurrently; returns one outcome per source."""
        run = _TopicRun(self, topic)
        await run.load_recent()

        async def one(source: SourceConfig) -> SourceOutcome:
            outcome = await run.collect_source(source)
            if on_source_done is not None:
                on_source_done(outcome)
            return outcome

        try:
            outcomes = list(await asyncio.gather(*(one(s) for s in topic.sources)))
        finally:
            self.extraction_cpu += run.batches.extraction_cpu
        if self.after_collect is not None and run.originals:
            try:
                await self.after_collect(sorted(run.originals))
            except Exception:  # the articles are stored; the briefing summarises them instead
                log.exception("preparing %d new articles failed", len(run.originals))
        return outcomes


@dataclass(slots=True)
class _Pending:
    """An article decided on but not yet written. Its own id, and the original or story it
    refers to when those are pending too, are placeholders (negative) until its batch is
    written."""

    placeholder: int
    article: NewArticle
    stored: asyncio.Future[Added | None] = field(
        default_factory=lambda: asyncio.get_running_loop().create_future()
    )


class _TopicRun:
    """State of one topic's collection: the recent articles to dedupe against, and the
    articles decided on but not yet written.

    Extraction and analysis run in parallel (in the CPU pool, a few pages per job); each
    article is then decided
    at once, in the order the analyses finish, against everything decided before it (stored
    or pending), so two syndicated copies cannot both start a story. Writes are grouped: all
    that was decided while the previous batch was being written goes in the next one, in one
    transaction, in the order decided.
    """

    def __init__(self, collector: Collector, topic: TopicConfig) -> None:
        self.c = collector
        self.topic = topic
        self.query = query_of(topic)
        self.started = collector.now()
        self.deadline = collector.monotonic() + collector.collect_budget
        self.fetcher = collector.fetcher.for_run()  # resolves each host once per run
        self.batches = Batches(
            collector.cpu, self.query, workers=getattr(collector.cpu, "workers", 0)
        )
        self.recent = RecentIndex()
        self.decided: set[str] = set()  # canonical URLs decided on in this run
        self.pending: list[_Pending] = []
        self.write_lock = asyncio.Lock()
        self.last_placeholder = 0
        self.article_ids: dict[int, int] = {}  # placeholder -> stored id
        self.story_ids: dict[int, int] = {}  # placeholder -> stored story id
        self.slots = asyncio.Semaphore(collector.concurrency)
        self.originals: list[int] = []
        self.source_slots = max(1, (collector.concurrency + 1) // 2)

    def _placeholder(self) -> int:
        self.last_placeholder -= 1
        return self.last_placeholder

    def _left(self, deadline: float) -> float:
        return max(0.0, deadline - self.c.monotonic())

    def _over_budget(self, outcome: SourceOutcome, by_run: bool, left: int) -> str:
        which = (
            f"the run's time budget ({self.c.collect_budget:g} s)"
            if by_run
            else f"its time budget ({self.c.source_budget:g} s)"
        )
        return f"stopped at {which} with {outcome.new} new article(s), {left} left for next time"

    async def load_recent(self) -> None:
        since = self.started - self.c.recent_window
        self.recent = RecentIndex(await self.c.articles.recent_articles(self.topic.name, since))

    async def collect_source(self, source: SourceConfig) -> SourceOutcome:
        label = source_label(source)
        outcome = SourceOutcome(source=label, kind=source.kind, ok=True)
        state = await self.c.articles.source_state(self.topic.name, source.key)
        own_deadline = self.c.monotonic() + self.c.source_budget
        deadline, by_run = min(own_deadline, self.deadline), self.deadline < own_deadline
        try:
            async with asyncio.timeout(self._left(deadline)), self.slots:
                discovery = await discover(
                    source,
                    self.fetcher,
                    etag=state.etag if state else None,
                    last_modified=state.last_modified if state else None,
                    max_items=self.c.max_items,
                    now=self.started,
                )
        except TimeoutError:
            return await self._failed(source, outcome, self._over_budget(outcome, by_run, 0))
        except BriefbotError as exc:
            return await self._failed(source, outcome, exc.reason)
        except Exception:  # a bug in one source's parsing must not stop the others
            log.exception("source %s failed unexpectedly", label)
            return await self._failed(source, outcome, "unexpected error (see the log)")
        outcome.not_modified = discovery.not_modified
        outcome.seen = len(discovery.candidates)
        fresh = await self._unknown(discovery.candidates)
        own = asyncio.Semaphore(self.source_slots)
        results = await asyncio.gather(
            *(self._collect_item(source, c, own, deadline) for c in fresh)
        )
        late = 0
        for error in results:
            if error is None:
                outcome.new += 1
            elif isinstance(error, _OverBudget):
                late += 1
            elif error:
                outcome.failed_items += 1
                outcome.item_errors.append(error)
        if late:  # what was stored stays stored; the rest waits for the next run
            outcome.ok = False
            outcome.error = self._over_budget(outcome, by_run, late)
        await self.c.articles.record_source(
            topic=self.topic.name,
            key=source.key,
            kind=source.kind,
            name=label,
            checked_at=self.c.now(),
            error=outcome.error,
            new=outcome.new,
            etag=discovery.etag,
            last_modified=discovery.last_modified,
            keep_validators=discovery.not_modified,  # an error (over budget) keeps them too
        )
        return outcome

    async def _failed(
        self, source: SourceConfig, outcome: SourceOutcome, reason: str
    ) -> SourceOutcome:
        outcome.ok = False
        outcome.error = reason
        await self.c.articles.record_source(
            topic=self.topic.name,
            key=source.key,
            kind=source.kind,
            name=outcome.source,
            checked_at=self.c.now(),
            error=reason,
            new=0,
        )
        return outcome

    async def _unknown(self, candidates: Sequence[Candidate]) -> list[Candidate]:
        by_url: dict[str, Candidate] = {}
        for candidate in candidates:
            by_url.setdefault(dedupe.canonical_url(candidate.url), candidate)
        known = await self.c.articles.known_urls(self.topic.name, by_url)
        return [c for url, c in by_url.items() if url not in known]

    async def _collect_item(
        self, source: SourceConfig, candidate: Candidate, own: asyncio.Semaphore, deadline: float
    ) -> str | _OverBudget | None:
        """Fetch, extract and store one article: None when stored, "" when it was already
        known (a redirect to a stored URL, a race), OVER_BUDGET when the source's time ran
        out first, else the reason it failed. Only fetching is cut short, never a write."""
        try:
            async with asyncio.timeout(self._left(deadline)), own, self.slots:
                page = await self._fetch_page(source, candidate)
            article, analysis = await self.batches.analyse(page)
        except TimeoutError:
            return OVER_BUDGET
        except BriefbotError as exc:
            return f"{_short(candidate.url)}: {exc.reason}"
        except Exception:
            log.exception("article %s failed unexpectedly", candidate.url)
            return f"{_short(candidate.url)}: unexpected error (see the log)"
        pending = self._decide(source, candidate, article, analysis)
        if pending is None:
            return ""
        stored = await self._written(pending)
        return None if stored is not None else ""

    async def _fetch_page(self, source: SourceConfig, candidate: Candidate) -> Page:
        """The document (I/O only: extraction runs in the CPU pool)."""
        if isinstance(source, FolderSource):
            path = Path(unquote(urlsplit(candidate.url).path))
            content = await asyncio.to_thread(path.read_bytes)
            html = path.suffix.lower() in (".html", ".htm") or looks_like_html(content)
            return Page(candidate.url, content, html, fallback_title=path.stem)
        result = await self.fetcher.fetch(candidate.url)
        return Page(
            result.url,
            result.content,
            result.content_type != "text/plain",
            charset=result.charset,
            fallback_title=candidate.title or "",
        )

    def _decide(
        self, source: SourceConfig, candidate: Candidate, art: ExtractedArticle, an: Analysis
    ) -> _Pending | None:
        """Place the article against everything decided before it (synchronous, so nothing
        else is decided meanwhile) and queue it for writing; None when its URL was already
        decided on in this run (two links, or a redirect, to one article)."""
        if an.canonical_url in self.decided:
            return None
        self.decided.add(an.canonical_url)
        rel = an.relevance
        # Exact copies are looked for among the recent articles (the dedupe horizon).
        placement = place_article(
            an.signature,
            an.terms,
            self.recent.by_content.get(an.content_hash),
            self.recent.near(an.signature),
            self.recent.related(an.terms),
            relevant=rel.relevant,
        )
        story_id = placement.story_id if rel.relevant else None
        if rel.relevant and story_id is None:
            story_id = self._placeholder()  # a new story, created when written
        signature = dedupe.encode_signature(an.signature)
        pending = _Pending(
            self._placeholder(),
            NewArticle(
                topic=self.topic.name,
                url=art.url,
                canonical_url=an.canonical_url,
                source=source_label(source),
                title=an.title,
                text=art.text,
                fetched_at=self.c.now(),
                content_hash=an.content_hash,
                signature=signature,
                terms=tuple(sorted(an.terms)),
                relevance=rel.score,
                relevant=rel.relevant,
                relevance_reason=rel.reason,
                story_id=story_id,
                duplicate_of=placement.duplicate_of,
                author=art.author,
                site_name=art.site_name,
                published_at=art.published_at or candidate.published_at,
                passages=an.passages,
            ),
        )
        self.recent.add(
            RecentArticle(
                id=pending.placeholder,
                story_id=story_id,
                duplicate_of=placement.duplicate_of,
                signature=signature,
                terms=an.terms,
                relevant=rel.relevant,
                content_hash=an.content_hash,
            )
        )
        self.pending.append(pending)
        return pending

    async def _written(self, pending: _Pending) -> Added | None:
        """Wait until the article's batch is written (writing it, with everything pending,
        if no batch is being written)."""
        async with self.write_lock:
            if not pending.stored.done():
                batch, self.pending = self.pending, []
                await self._write(batch)
        return pending.stored.result()

    async def _write(self, batch: list[_Pending]) -> None:
        items = self._batch_items(batch)
        try:
            results = await self.c.articles.add_articles(items)
        except BaseException as exc:
            for p in batch:
                p.stored.set_exception(exc)
            raise
        for p, added in zip(batch, results, strict=True):
            if added is not None:
                self.article_ids[p.placeholder] = added.id
                story = p.article.story_id
                if story is not None and story < 0 and added.story_id is not None:
                    self.story_ids.setdefault(story, added.story_id)
                if p.article.relevant and added.duplicate_of is None:
                    self.originals.append(added.id)
            p.stored.set_result(added)

    def _batch_items(self, batch: Sequence[_Pending]) -> list[BatchItem]:
        """The batch for the store: placeholders of written articles and stories become
        their ids; those of the batch's own become references to its items."""
        items: list[BatchItem] = []
        item_of: dict[int, int] = {}  # article placeholder -> item
        story_item_of: dict[int, int] = {}  # story placeholder -> the item creating it
        for k, p in enumerate(batch):
            a = p.article
            duplicate_of, copy_of_item = a.duplicate_of, None
            if duplicate_of is not None and duplicate_of < 0:
                copy_of_item = item_of.get(duplicate_of)
                duplicate_of = self.article_ids.get(duplicate_of)
            story_id, story_of_item, new_story = a.story_id, None, False
            if story_id is not None and story_id < 0:
                placeholder = story_id
                story_id = self.story_ids.get(placeholder)
                if story_id is None:
                    story_of_item = story_item_of.get(placeholder)
                    new_story = story_of_item is None  # its first article here starts it
                    story_item_of.setdefault(placeholder, k)
            item_of[p.placeholder] = k
            items.append(
                BatchItem(
                    replace(a, story_id=story_id, duplicate_of=duplicate_of),
                    new_story=new_story,
                    copy_of_item=copy_of_item,
                    story_of_item=story_of_item,
                )
            )
        return items


def _short(url: str, limit: int = 80) -> str:
    return url if len(url) <= limit else url[: limit - 1] + "…"
