"""Answers to "what changed (since yesterday)?" from the newest briefing's new developments
(the facts its previous briefing did not have), narrowed to what the question names: pure
functions of the question and the stored briefing, no store, no model."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.answer.evidence import mentions_any
from bot.answer.sentences import read_question, stem, stems
from bot.models import SourceRef

_CHANGED = re.compile(
    r"\bwhat(?:'s|’s| is| has)?\s+(?:new|changed|happened)\b|\bwhat changed\b|\banything new\b|"
    r"\bnew since\b|\bchanged since\b|\b(?:anything|something) (?:new|changed?)\b|"
    r"\bchanged?\b.*\bsince (?:yesterday|the last|last)\b|"
    r"^\s*what (?:have|has)\b.*\bsince (?:yesterday|the last|last)\b|"
    r"\b(?:any|an|the latest|latest)\s+(?:updates?|news|developments?)\b.*\bsince\b|"
    r"\bwhat(?:'s|’s| is) the latest\b",
    re.IGNORECASE,
)
# Words of the question that only say it asks what is new.
_CHANGE_WORDS = {
    stem(w)
    for w in "change new briefing latest since happen anything something update development"
    " news".split()
}


def asks_what_changed(question: str) -> bool:
    """Whether a question asks what is new ("what changed since yesterday?", "any update on
    X since Monday?")."""
    return _CHANGED.search(question) is not None


def developments(
    question: str, payload: dict[str, Any]
) -> tuple[str, tuple[SourceRef, ...]] | None:
    """The new developments of a stored briefing that answer the question, cited, with their
    sources numbered 1..n; None when none is about what was asked."""
    points = [p for p in payload.get("new_since_last", []) if p.get("citations")]
    about = {stem(w) for w in read_question(question).terms} - _CHANGE_WORDS
    if about:
        # A development is about what was asked when it says most of it, or its story does
        # (so "what changed in the talks" finds the deal they produced); those that say it
        # themselves come first.
        stories = [
            (
                set(story.get("citations", [])),
                " ".join(x["text"] for x in (story["headline"], *story.get("points", []))),
            )
            for story in payload.get("stories", [])
        ]

        def closeness(point: dict[str, Any]) -> float:
            """How much of what was asked the point says (all of it counts most), or the
            story it belongs to says."""
            cited = set(point["citations"])
            told = stems(" ".join(text for c, text in stories if c & cited))
            own = stems(point["text"])
            said = sum(1 for w in about if mentions_any({w}, own)) / len(about)
            story = sum(1 for w in about if mentions_any({w}, told)) / len(about)
            return said + 0.5 * story if max(said, story) >= 0.5 else 0.0

        scored = [(closeness(p), n, p) for n, p in enumerate(points)]
        points = [p for score, _, p in sorted(scored, key=lambda x: (-x[0], x[1])) if score]
    if not points:
        return None
    sources = {int(r["n"]): r for r in payload.get("sources", [])}
    renumber: dict[int, SourceRef] = {}
    parts = []
    for point in points[:5]:
        cited = []
        for n in point["citations"]:
            r = sources.get(int(n))
            if r is None:
                continue
            if n not in renumber:
                published = r.get("published_at")
                renumber[n] = SourceRef(
                    len(renumber) + 1,
                    int(r.get("article_id", 0)),
                    r["title"],
                    r["url"],
                    r.get("site"),
                    datetime.fromisoformat(published) if published else None,
                )
            cited.append(renumber[n].n)
        if cited:
            parts.append(point["text"] + " " + "".join(f"[{c}]" for c in cited))
    if not parts:
        return None
    return " ".join(parts), tuple(sorted(renumber.values(), key=lambda r: r.n))
