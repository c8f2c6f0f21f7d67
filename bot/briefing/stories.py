"""From a window's articles to ranked stories and their points: pure and deterministic.

The same stored articles give the same stories, points and order whatever order they arrived
in: syndicated copies are grouped by their links (the copy that leads is the earliest
published, then by URL), stories are the connected groups of articles that share salient
terms, and every tie is broken by a stable key (time, URL, text), never by database ids.

A story's points are chosen from all of its articles' key points, not its first article's:
each candidate is scored for information (figures, named actors, decisions, what changed),
novelty (not already in the previous briefing), recency and how widely it was carried, and
near-identical points from different articles merge into one point with all their citations.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.collect.dedupe import same_story
from bot.models import Article, Summary
from bot.summarise.offline import information
from bot.text.grounding import content_stems

# An article published this long before the window opened is background, not today's news.
STALE = timedelta(days=2)
HEADLINE_WORDS = 20
SAME_FACT = 0.6  # share of the smaller point's content stems two points must share
_DATELINE = re.compile(
    r"^\s*[A-Z][\w'’.-]*(?:[ ,]+[A-Z][\w'’.-]*){0,3}(?:,\s*[A-Z][a-z]{2,8}\.?\s+\d{1,2})?"
    r"\s*(?:\([^)]{1,40}\))?\s*[—–-]+\s+(?=[A-Z\"“‘])"
)
_NUMBER = re.compile(r"\d(?:[\d,.]*\d)?")
_CLAUSE_END = re.compile(r"[,;:—–]\s")
# A sentence that closes a quotation it did not open: "… gone,” she said.'
_QUOTE_FRAGMENT = re.compile(r"^[^“”\"]*[”](?!\w)")
# A sentence that leans on the one before it ("It said …", "Officials said it would …").
_LEANS_BACK = re.compile(
    r"[\"“]?(?:(?:\w+\s+){0,2}(?:said|says|added)\s+)?(?:it|they|he|she|this|these|those|"
    r"that|its|their|but|and|also|however)\b",
    re.IGNORECASE,
)


def stable_key(article: Article) -> tuple[datetime, str]:
    """What orders articles whatever order they were stored in."""
    return (article.when, article.canonical_url)


def is_stale(article: Article, window_start: datetime) -> bool:
    """Published well before the window: an old item (a newly added feed's archive)."""
    return article.published_at is not None and article.published_at < window_start - STALE


def copy_groups(articles: Sequence[Article]) -> dict[int, list[Article]]:
    """Syndicated copies grouped (by their duplicate links); keyed by the id of the copy that
    leads each group (the earliest published, then by URL), members in stable order."""
    parent: dict[int, int] = {a.id: a.id for a in articles}
    find = _finder(parent)
    for a in articles:
        if a.duplicate_of is not None and a.duplicate_of in parent:
            parent[find(a.id)] = find(a.duplicate_of)
    members: dict[int, list[Article]] = {}
    for a in articles:
        members.setdefault(find(a.id), []).append(a)
    groups: dict[int, list[Article]] = {}
    for group in members.values():
        group.sort(key=stable_key)
        groups[group[0].id] = group
    return groups


def cluster(leads: Sequence[Article]) -> list[list[Article]]:
    """Stories: connected groups of articles that share salient terms (order-independent:
    single-link groups of the "same story" relation), each in stable order, oldest story
    first."""
    ordered = sorted(leads, key=stable_key)
    parent = {i: i for i in range(len(ordered))}
    find = _finder(parent)

    by_term: dict[str, list[int]] = {}
    for i, a in enumerate(ordered):
        for term in a.terms:
            by_term.setdefault(term, []).append(i)
    for i, a in enumerate(ordered):
        seen: set[int] = set()
        for term in a.terms:
            for j in by_term[term]:
                if j <= i or j in seen:
                    continue
                seen.add(j)
                if find(i) != find(j) and same_story(a.terms, ordered[j].terms):
                    parent[find(j)] = find(i)
    stories: dict[int, list[Article]] = {}
    for i, a in enumerate(ordered):
        stories.setdefault(find(i), []).append(a)
    return sorted(stories.values(), key=lambda s: stable_key(s[0]))


def _finder(parent: dict[int, int]) -> Callable[[int], int]:
    """The root of an element in a union-find forest kept in `parent` (paths halved)."""

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    return find


def same_fact(a: str, b: str) -> bool:
    """Whether two points state the same fact (most of the shorter one's words are shared)."""
    x, y = content_stems(a), content_stems(b)
    if not x or not y:
        return a.casefold() == b.casefold()
    return len(x & y) / min(len(x), len(y)) >= SAME_FACT


def is_new_fact(text: str, previous_facts: Sequence[str]) -> bool:
    """Whether a point says something the previous briefing did not: no earlier point states
    its fact, or the one that does lacks one of its figures (the same deal, a new number)."""
    stems, figures = content_stems(text), _figures(text)
    if not stems:
        return text.casefold() not in {old.casefold() for old in previous_facts}
    return not any(
        len(stems & content_stems(old)) / len(stems) >= SAME_FACT and figures <= _figures(old)
        for old in previous_facts
    )


def _figures(text: str) -> set[str]:
    return {m.group(0).replace(",", "") for m in _NUMBER.finditer(text)}


def without_dateline(text: str) -> str:
    """A point without the dateline a wire story opens with ("Brussels — The …")."""
    return " ".join(_DATELINE.sub("", text, count=1).split())


def headline_text(text: str) -> str:
    """A point as a headline: no dateline, at most `HEADLINE_WORDS` words (cut at a clause
    boundary when there is one, else marked with an ellipsis)."""
    text = " ".join(_DATELINE.sub("", text, count=1).split())
    words = text.split()
    if len(words) <= HEADLINE_WORDS:
        return text
    head = " ".join(words[:HEADLINE_WORDS])
    cut = [m.start() for m in _CLAUSE_END.finditer(head) if m.start() > len(head) // 2]
    return (head[: cut[-1]] if cut else head).rstrip(" ,;:—–") + "…"


@dataclass(slots=True)
class Candidate:
    """A point one or more articles make, with what it is worth and who carried it."""

    text: str
    leads: list[int]  # the copy groups (by their leading article) that make it
    score: float
    when: datetime
    new: bool


@dataclass(frozen=True, slots=True)
class StoryDraft:
    """A story before citation numbers are given: its articles and its chosen points."""

    leads: tuple[Article, ...]  # the leading article of each copy group, stable order
    points: tuple[Candidate, ...]  # headline first
    score: float
    first_seen_at: datetime

    @property
    def is_new(self) -> bool:
        return any(p.new for p in self.points)


def draft_stories(
    groups: Mapping[int, Sequence[Article]],
    summaries: Mapping[int, Summary],
    *,
    window_end: datetime,
    previous_facts: Sequence[str],
    max_points: int,
) -> list[StoryDraft]:
    """The stories of a window's copy groups, best first, each with up to `max_points`
    points chosen across all of its articles."""
    leads = [group[0] for group in groups.values()]
    drafts: list[StoryDraft] = []
    for story in cluster(leads):
        candidates = _candidates(story, groups, summaries, window_end, previous_facts)
        # A story many separate reports feed carries more news: room for one more point per
        # two further reports, up to two more.
        room = max_points + min(2, (len(story) - 1) // 2)
        chosen = _choose(candidates, room)
        if not chosen:
            continue
        outlets = {a.site_name or a.canonical_url for lead in story for a in groups[lead.id]}
        relevance = max(a.relevance for a in story)
        latest = max(a.when for a in story)
        hours = max(0.0, (window_end - latest).total_seconds() / 3600)
        score = (
            max(c.score for c in chosen)
            + 0.5 * math.log2(1 + len(outlets))
            + 0.4 * math.exp(-hours / 24)
            + 0.3 * relevance
            + (0.5 if any(c.new for c in chosen) else 0.0)
        )
        drafts.append(
            StoryDraft(
                leads=tuple(story),
                points=tuple(chosen),
                score=score,
                first_seen_at=min(a.when for a in story),
            )
        )
    drafts.sort(key=lambda d: (-round(d.score, 9), stable_key(d.leads[0])))
    return drafts


def _candidates(
    story: Sequence[Article],
    groups: Mapping[int, Sequence[Article]],
    summaries: Mapping[int, Summary],
    window_end: datetime,
    previous_facts: Sequence[str],
) -> list[Candidate]:
    found: list[Candidate] = []
    for lead in story:
        summary = summaries.get(lead.id)
        points = [p.text for p in summary.key_points] if summary else []
        if not points:
            points = [lead.title]
        hours = max(0.0, (window_end - lead.when).total_seconds() / 3600)
        recency = math.exp(-hours / 36)
        carried = math.log2(1 + len(groups[lead.id]))
        for k, text in enumerate(points):
            if _QUOTE_FRAGMENT.match(text):
                continue  # the tail of a quotation cut from its start: not a point on its own
            new = is_new_fact(text, previous_facts)
            leans = 0.4 if _LEANS_BACK.match(text) else 0.0  # needs the sentence before it
            score = (
                -leans
                + information(text)
                + (0.6 if new else 0.0)
                + 0.5 * recency
                + (0.7 if k == 0 else 0.3 if k == 1 else 0.0)  # the news comes first
                + 0.35 * carried
            )
            found.append(Candidate(text, [lead.id], score, lead.when, new))
    return found


def _choose(candidates: Sequence[Candidate], max_points: int) -> list[Candidate]:
    """The best candidates, near-identical ones merged into one with all their articles."""
    chosen: list[Candidate] = []
    for c in sorted(candidates, key=lambda c: (-round(c.score, 9), c.text, c.leads[0])):
        twin = next((p for p in chosen if same_fact(p.text, c.text)), None)
        if twin is not None:
            twin.leads.extend(i for i in c.leads if i not in twin.leads)
            if _richer(c.text, twin.text):
                twin.text = c.text  # the fuller telling of the same fact
            continue
        if len(chosen) < max_points:
            chosen.append(Candidate(c.text, list(c.leads), c.score, c.when, c.new))
    return chosen


def _richer(a: str, b: str) -> bool:
    """Whether `a` tells a fact more fully than `b` (more facts in it, then more words)."""
    return (information(a), len(a.split())) > (information(b), len(b.split())) and len(
        a.split()
    ) <= 2 * len(b.split())
