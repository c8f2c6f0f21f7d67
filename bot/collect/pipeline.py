"""Collection: for each source of a topic, discover → fetch → extract → decide → store.

Each source's outcome is returned as a value (ok with counts, or an error with its reason), so
one broken, slow, huge or malformed source never stops the others; one bad article never stops
its source. Decisions (dedupe, story grouping, relevance) are pure functions; this module only
orchestrates them around the fetcher and the store.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, defaultdict
from collections.abc import Awaitable, Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from urllib.parse import unquote, urlsplit

from bot.collect import dedupe, relevance
from bot.collect.extract import extract_html, extract_text, looks_like_html
from bot.collect.fetch import Fetcher
from bot.collect.sources import Candidate, discover
from bot.config import FolderSource, SourceConfig, TopicConfig, source_label
from bot.errors import BriefbotError
from bot.models import ExtractedArticle, SourceOutcome
from bot.store.articles import Articles, NewArticle, RecentArticle

log = logging.getLogger(__name__)

OnSourceDone = Callable[[SourceOutcome], None]
# Called once per topic run with the ids of the new relevant originals (not copies), e.g. to
# summarise them now rather than when the briefing is due.
AfterCollect = Callable[[Sequence[int]], Awaitable[object]]


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


class RecentIndex:
    """Recent articles indexed by sketch hash and by term, so placing a new article looks at
    the few that can match instead of every article of the last days."""

    def __init__(self, articles: Iterable[RecentArticle] = ()) -> None:
        self.items: dict[int, RecentArticle] = {}
        self.by_hash: dict[int, list[int]] = defaultdict(list)
        self.by_term: dict[str, list[int]] = defaultdict(list)
        self.by_content: dict[str, RecentArticle] = {}
        for article in articles:
            self.add(article)

    def add(self, article: RecentArticle) -> None:
        self.items[article.id] = article
        if article.content_hash:
            self.by_content.setdefault(article.content_hash, article)
        for value in dedupe.decode_signature(article.signature):
            self.by_hash[value].append(article.id)
        if article.relevant and article.story_id is not None:
            for term in article.terms:
                self.by_term[term].append(article.id)

    def near(self, signature: Sequence[int]) -> list[RecentArticle]:
        """Articles sharing enough sketch hashes to possibly be copies."""
        shared = Counter(i for h in signature for i in self.by_hash.get(h, ()))
        floor = max(1, len(signature) // 8)
        return [self.items[i] for i, n in sorted(shared.items()) if n >= floor]

    def related(self, terms: frozenset[str]) -> list[RecentArticle]:
        """Articles sharing at least two salient terms."""
        shared = Counter(i for t in terms for i in self.by_term.get(t, ()))
        return [self.items[i] for i, n in sorted(shared.items()) if n >= 2]


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
    ) -> None:
        self.articles = articles
        self.after_collect = after_collect
        self.fetcher = fetcher
        self.now = now
        self.max_items = max_items_per_source
        self.concurrency = concurrency
        self.recent_window = recent_window

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

        outcomes = list(await asyncio.gather(*(one(s) for s in topic.sources)))
        if self.after_collect is not None and run.originals:
            try:
                await self.after_collect(sorted(run.originals))
            except Exception:  # the articles are stored; the briefing summarises them instead
                log.exception("preparing %d new articles failed", len(run.originals))
        return outcomes


class _TopicRun:
    """State of one topic's collection: the recent articles to dedupe against, and a lock
    that serialises decide+store so two syndicated copies cannot both start a story."""

    def __init__(self, collector: Collector, topic: TopicConfig) -> None:
        self.c = collector
        self.topic = topic
        self.query = query_of(topic)
        self.started = collector.now()
        self.recent = RecentIndex()
        self.lock = asyncio.Lock()
        self.slots = asyncio.Semaphore(collector.concurrency)
        self.originals: list[int] = []

    async def load_recent(self) -> None:
        since = self.started - self.c.recent_window
        self.recent = RecentIndex(await self.c.articles.recent_articles(self.topic.name, since))

    async def collect_source(self, source: SourceConfig) -> SourceOutcome:
        label = source_label(source)
        outcome = SourceOutcome(source=label, kind=source.kind, ok=True)
        state = await self.c.articles.source_state(self.topic.name, source.key)
        try:
            async with self.slots:
                discovery = await discover(
                    source,
                    self.c.fetcher,
                    etag=state.etag if state else None,
                    last_modified=state.last_modified if state else None,
                    max_items=self.c.max_items,
                    now=self.started,
                )
        except BriefbotError as exc:
            return await self._failed(source, outcome, exc.reason)
        except Exception:  # a bug in one source's parsing must not stop the others
            log.exception("source %s failed unexpectedly", label)
            return await self._failed(source, outcome, "unexpected error (see the log)")
        outcome.not_modified = discovery.not_modified
        outcome.seen = len(discovery.candidates)
        fresh = await self._unknown(discovery.candidates)
        results = await asyncio.gather(*(self._collect_item(source, c) for c in fresh))
        for error in results:
            if error is None:
                outcome.new += 1
            elif error:
                outcome.failed_items += 1
                outcome.item_errors.append(error)
        await self.c.articles.record_source(
            topic=self.topic.name,
            key=source.key,
            kind=source.kind,
            name=label,
            checked_at=self.c.now(),
            error=None,
            new=outcome.new,
            etag=discovery.etag,
            last_modified=discovery.last_modified,
            keep_validators=discovery.not_modified,
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

    async def _collect_item(self, source: SourceConfig, candidate: Candidate) -> str | None:
        """Fetch, extract and store one article: None when stored, "" when it was already
        known (a redirect to a stored URL, a race), else the reason it failed."""
        try:
            async with self.slots:
                article = await self._fetch_article(source, candidate)
        except BriefbotError as exc:
            return f"{_short(candidate.url)}: {exc.reason}"
        except Exception:
            log.exception("article %s failed unexpectedly", candidate.url)
            return f"{_short(candidate.url)}: unexpected error (see the log)"
        stored = await self._store(source, candidate, article)
        return None if stored else ""

    async def _fetch_article(self, source: SourceConfig, candidate: Candidate) -> ExtractedArticle:
        if isinstance(source, FolderSource):
            path = Path(unquote(urlsplit(candidate.url).path))
            content = await asyncio.to_thread(path.read_bytes)
            if path.suffix.lower() in (".html", ".htm") or looks_like_html(content):
                return await asyncio.to_thread(extract_html, content, candidate.url)
            text = content.decode("utf-8", errors="replace")
            return extract_text(text, candidate.url, fallback_title=path.stem)
        result = await self.c.fetcher.fetch(candidate.url)
        if result.content_type == "text/plain":
            return extract_text(result.text(), result.url, fallback_title=candidate.title or "")
        return await asyncio.to_thread(extract_html, result.content, result.url)

    async def _store(
        self, source: SourceConfig, candidate: Candidate, art: ExtractedArticle
    ) -> bool:
        canonical = dedupe.canonical_url(art.url)
        title = art.title or candidate.title or ""
        content_hash = dedupe.content_hash(art.text)
        signature = dedupe.signature(art.text)
        terms = dedupe.story_terms(title, art.text)
        rel = relevance.score(self.query, title, art.text)
        async with self.lock:
            # Exact copies are looked for among the recent articles (the dedupe horizon).
            exact = self.recent.by_content.get(content_hash)
            placement = place_article(
                signature,
                terms,
                exact,
                self.recent.near(signature),
                self.recent.related(terms),
                relevant=rel.relevant,
            )
            fetched_at = self.c.now()
            story_id = placement.story_id if rel.relevant else None
            new_story = rel.relevant and story_id is None
            added = await self.c.articles.add_article(
                NewArticle(
                    topic=self.topic.name,
                    url=art.url,
                    canonical_url=canonical,
                    source=source_label(source),
                    title=title,
                    text=art.text,
                    fetched_at=fetched_at,
                    content_hash=content_hash,
                    signature=dedupe.encode_signature(signature),
                    terms=tuple(sorted(terms)),
                    relevance=rel.score,
                    relevant=rel.relevant,
                    relevance_reason=rel.reason,
                    story_id=story_id,
                    duplicate_of=placement.duplicate_of,
                    author=art.author,
                    site_name=art.site_name,
                    published_at=art.published_at or candidate.published_at,
                ),
                new_story=new_story,
            )
            if added is not None:
                new_id, story_id = added
                if rel.relevant and placement.duplicate_of is None:
                    self.originals.append(new_id)
                self.recent.add(
                    RecentArticle(
                        id=new_id,
                        story_id=story_id,
                        duplicate_of=placement.duplicate_of,
                        signature=dedupe.encode_signature(signature),
                        terms=terms,
                        relevant=rel.relevant,
                        content_hash=content_hash,
                    )
                )
        return added is not None


def _short(url: str, limit: int = 80) -> str:
    return url if len(url) <= limit else url[: limit - 1] + "…"
