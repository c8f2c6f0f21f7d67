"""A briefing as data: what the store keeps (its own format, read back exactly) and what
`brief --format json` prints. Pure; no markup, no wording (that is `view.py`'s)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from bot.models import (
    Briefing,
    BriefingPoint,
    BriefingQuote,
    BriefingStory,
    SourceRef,
)


def _iso(value: datetime | None) -> str | None:
    return value.isoformat() if value else None


def briefing_to_dict(briefing: Briefing) -> dict[str, Any]:
    """The briefing as plain JSON-ready data (also what the store keeps)."""

    def point(p: BriefingPoint) -> dict[str, Any]:
        return {"text": p.text, "citations": list(p.citations)}

    return {
        "topic": briefing.topic,
        "title": briefing.title,
        "generated_at": _iso(briefing.generated_at),
        "window": {"start": _iso(briefing.window_start), "end": _iso(briefing.window_end)},
        "previous_briefing_at": _iso(briefing.previous_briefing_at),
        "no_coverage": briefing.no_coverage,
        "degraded": briefing.degraded,
        "summariser": briefing.summariser,
        "timezone": briefing.timezone,
        "stories": [
            {
                "story_id": s.story_id,
                "headline": point(s.headline),
                "points": [point(p) for p in s.points],
                "citations": list(s.citations),
                "new": s.is_new,
                "first_seen_at": _iso(s.first_seen_at),
            }
            for s in briefing.stories
        ],
        "new_since_last": [point(p) for p in briefing.new_developments]
        if briefing.previous_briefing_at
        else [],
        "quotes": [
            {"text": q.text, "speaker": q.speaker, "citation": q.citation} for q in briefing.quotes
        ],
        "sources": [
            {
                "n": r.n,
                "article_id": r.article_id,
                "title": r.title,
                "url": r.url,
                "site": r.site,
                "published_at": _iso(r.published_at),
            }
            for r in briefing.sources
        ],
    }


def _time(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


def briefing_from_dict(data: dict[str, Any]) -> Briefing:
    """The inverse of `briefing_to_dict` (a stored briefing read back for showing again)."""

    def point(p: dict[str, Any]) -> BriefingPoint:
        return BriefingPoint(p["text"], tuple(p["citations"]))

    generated = _time(data["generated_at"]) or datetime.min
    return Briefing(
        topic=data["topic"],
        title=data["title"],
        window_start=_time(data["window"]["start"]) or generated,
        window_end=_time(data["window"]["end"]) or generated,
        generated_at=generated,
        stories=tuple(
            BriefingStory(
                story_id=s["story_id"],
                headline=point(s["headline"]),
                points=tuple(point(p) for p in s["points"]),
                citations=tuple(s["citations"]),
                is_new=bool(s["new"]),
                first_seen_at=_time(s["first_seen_at"]) or generated,
            )
            for s in data["stories"]
        ),
        quotes=tuple(
            BriefingQuote(q["text"], q.get("speaker"), q["citation"]) for q in data["quotes"]
        ),
        sources=tuple(
            SourceRef(
                n=r["n"],
                article_id=int(r.get("article_id", 0)),
                title=r["title"],
                url=r["url"],
                site=r.get("site"),
                published_at=_time(r.get("published_at")),
            )
            for r in data["sources"]
        ),
        previous_briefing_at=_time(data.get("previous_briefing_at")),
        degraded=bool(data.get("degraded", False)),
        summariser=data.get("summariser", "offline"),
        new_developments=tuple(point(p) for p in data.get("new_since_last", [])),
        timezone=data.get("timezone") or "UTC",
    )
