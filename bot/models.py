"""Plain typed data shared by every stage. No I/O, no behaviour beyond conversions."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

# Sentences belong to the text layer (every stage splits text); re-exported for convenience.
from bot.text.sentences import Sentence as Sentence


@dataclass(frozen=True, slots=True)
class KeyPoint:
    """A key point and the ids of the sentences it came from."""

    text: str
    sentence_ids: tuple[int, ...] = ()


@dataclass(frozen=True, slots=True)
class Quote:
    """A verbatim quote; ``speaker`` is None when it cannot be attributed."""

    text: str
    speaker: str | None = None
    sentence_id: int | None = None


@dataclass(frozen=True, slots=True)
class Summary:
    """Key points and quotes of one article, with what produced them."""

    key_points: tuple[KeyPoint, ...]
    quotes: tuple[Quote, ...]
    summariser: str
    prompt_version: str
    degraded: bool = False
    dropped_quotes: int = 0
    prompt_tokens: int = 0
    completion_tokens: int = 0
    # Model sentences the grounding check refused (replaced by the article's own sentences).
    dropped_points: int = 0

    @property
    def partly_degraded(self) -> bool:
        """The model was down, or some of what it wrote was not grounded and was replaced."""
        return self.degraded or self.dropped_points > 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "key_points": [
                {"text": p.text, "sentence_ids": list(p.sentence_ids)} for p in self.key_points
            ],
            "quotes": [
                {"text": q.text, "speaker": q.speaker, "sentence_id": q.sentence_id}
                for q in self.quotes
            ],
            "summariser": self.summariser,
            "prompt_version": self.prompt_version,
            "degraded": self.degraded,
            "dropped_quotes": self.dropped_quotes,
            "prompt_tokens": self.prompt_tokens,
            "completion_tokens": self.completion_tokens,
            "dropped_points": self.dropped_points,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Summary:
        return cls(
            key_points=tuple(
                KeyPoint(p["text"], tuple(p.get("sentence_ids", ()))) for p in data["key_points"]
            ),
            quotes=tuple(
                Quote(q["text"], q.get("speaker"), q.get("sentence_id")) for q in data["quotes"]
            ),
            summariser=data["summariser"],
            prompt_version=data["prompt_version"],
            degraded=bool(data.get("degraded", False)),
            dropped_quotes=int(data.get("dropped_quotes", 0)),
            prompt_tokens=int(data.get("prompt_tokens", 0)),
            completion_tokens=int(data.get("completion_tokens", 0)),
            dropped_points=int(data.get("dropped_points", 0)),
        )


@dataclass(frozen=True, slots=True)
class ExtractedArticle:
    """An article's text and metadata as extracted from a document, before storage."""

    url: str
    title: str
    text: str
    author: str | None = None
    published_at: datetime | None = None
    site_name: str | None = None


@dataclass(slots=True)
class Article:
    """A stored article."""

    id: int
    topic: str
    url: str
    canonical_url: str
    title: str
    text: str
    source: str
    fetched_at: datetime
    content_hash: str
    author: str | None = None
    published_at: datetime | None = None
    site_name: str | None = None
    relevance: float = 0.0
    relevant: bool = True
    story_id: int | None = None
    duplicate_of: int | None = None
    terms: frozenset[str] = frozenset()  # salient terms, for grouping articles into stories

    @property
    def when(self) -> datetime:
        """When the article was published, else when it was collected."""
        return self.published_at or self.fetched_at


@dataclass(slots=True)
class SourceOutcome:
    """What happened to one source during a collection: ok with counts, or an error."""

    source: str
    kind: str
    ok: bool
    new: int = 0
    seen: int = 0
    not_modified: bool = False
    error: str | None = None
    failed_items: int = 0
    item_errors: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class SourceRef:
    """A cited article: ``n`` is its citation number within one briefing or answer."""

    n: int
    article_id: int
    title: str
    url: str
    site: str | None = None
    published_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class BriefingPoint:
    text: str
    citations: tuple[int, ...]


@dataclass(frozen=True, slots=True)
class BriefingQuote:
    text: str
    speaker: str | None
    citation: int


@dataclass(frozen=True, slots=True)
class BriefingStory:
    story_id: int
    headline: BriefingPoint
    points: tuple[BriefingPoint, ...]
    citations: tuple[int, ...]
    is_new: bool
    first_seen_at: datetime


@dataclass(frozen=True, slots=True)
class Briefing:
    """A composed briefing: stories with cited points, quotes, what is new, and sources."""

    topic: str
    title: str
    window_start: datetime
    window_end: datetime
    generated_at: datetime
    stories: tuple[BriefingStory, ...]
    quotes: tuple[BriefingQuote, ...]
    sources: tuple[SourceRef, ...]
    previous_briefing_at: datetime | None = None
    degraded: bool = False
    summariser: str = "offline"
    # Points whose facts were not in the previous briefing, whether or not their story was.
    new_developments: tuple[BriefingPoint, ...] = ()
    # The IANA zone its dates and times are shown in (times themselves stay UTC).
    timezone: str = "UTC"

    @property
    def no_coverage(self) -> bool:
        return not self.stories

    @property
    def new_stories(self) -> tuple[BriefingStory, ...]:
        return tuple(s for s in self.stories if s.is_new)


@dataclass(frozen=True, slots=True)
class Subscription:
    """A channel that gets a topic's briefing every day at a local time.

    ``origin`` is "config" for channels listed in briefbot.toml, "chat" for ones subscribed
    from the chat itself (`/brief subscribe`)."""

    topic: str
    platform: str
    channel: str
    at: str
    timezone: str
    origin: str = "config"

    @property
    def key(self) -> tuple[str, str, str]:
        return (self.topic, self.platform, self.channel)
