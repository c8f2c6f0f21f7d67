"""Answers to "what changed (since yesterday)?" from the newest briefing's new developments
(the facts its previous briefing did not have), narrowed to what the question names: pure
functions of the question and the stored briefing, no store, no model."""

from __future__ import annotations

import re
from datetime import datetime
from typing import Any

from bot.answer.evidence import mentions_any, same_sentence
from bot.answer.sentences import read_question, stem, stems
from bot.models import SourceRef
from bot.text.sentences import split_sentences

_CHANGED = re.compile(
    r"\bwhat(?:'s|’s| is| has)?\s+(?:new|changed|happened)\b|\bwhat changed\b|\banything new\b|"
    r"\bnew since\b|\bchanged since\b|\b(?:anything|something) (?:new|changed?)\b|"
    r"\bchanged?\b.*\bsince (?:yesterday|the last|last)\b|"
    r"^\s*what (?:have|has)\b.*\bsince (?:yesterday|the last|last)\b|"
    # "where have the price talks got to since yesterday?", "where do things stand since …"
    r"^\s*(?:and |so )?where\b.*\bsince (?:yesterday|the last|last)\b|"
    r"\b(?:any|an|the latest|latest)\s+(?:updates?|news|developments?)\b.*\bsince\b|"
    r"\bwhat(?:'s|’s| is) the latest\b",
    re.IGNORECASE,
)
# Words of the question that only say it asks what is new.
_CHANGE_WORDS = {
    stem(w)
    for w in "change new briefing latest since happen anything something update development"
    " news side front".split()  # "on the regulatory side", "on the pay front"
}


def asks_what_changed(question: str) -> bool:
    """Whether a question asks what is new ("what changed since yesterday?", "any update on
    X since Monday?")."""
    return _CHANGED.search(question) is not None


def developments(
    question: str, payload: dict[str, Any], opening_text: str = ""
) -> tuple[str, tuple[SourceRef, ...]] | None:
    """The new developments of a stored briefing that answer the question, cited, with their
    sources numbered 1..n; None when none is about what was asked. `opening_text` is the text
    of the article the first development cites (`opening_article`): the sentence after it
    there, which usually says more of the same news, follows it."""
    points = ranked(question, payload)
    if not points:
        return None
    sources = {int(r["n"]): r for r in payload.get("sources", [])}
    renumber: dict[int, SourceRef] = {}
    parts = []
    shown = [(p["text"], p["citations"]) for p in points]
    more = detail_after(opening_text, shown[0][0]) if opening_text else ""
    if more and not any(same_sentence(more, text) for text, _ in shown):
        shown.insert(1, (more, shown[0][1][:1]))
    for text, citations in shown:
        cited = []
        for n in citations:
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
            parts.append(text + " " + "".join(f"[{c}]" for c in cited))
    if not parts:
        return None
    return " ".join(parts), tuple(sorted(renumber.values(), key=lambda r: r.n))


def opening_article(question: str, payload: dict[str, Any]) -> int | None:
    """The stored article the answer's first development cites first, if any."""
    points = ranked(question, payload)
    if not points or not points[0]["citations"]:
        return None
    first = int(points[0]["citations"][0])
    for r in payload.get("sources", []):
        if int(r["n"]) == first and r.get("article_id"):
            return int(r["article_id"])
    return None


def detail_after(text: str, point: str) -> str:
    """The sentence right after a development in its article, when it states more facts
    (no quotation, no question, of a sentence's length): "The rule covers tools for chips
    of 7 nanometres or finer" after "The Union will require a licence from 1 January";
    empty otherwise."""
    sentences = split_sentences(text)
    for n, s in enumerate(sentences[:-1]):
        if same_sentence(s.text, point):
            after = " ".join(sentences[n + 1].text.split())
            if 40 <= len(after) <= 400 and not _QUOTE_MARK.search(after) and after.endswith("."):
                return after
            return ""
    return ""


def ranked(question: str, payload: dict[str, Any]) -> list[dict[str, Any]]:
    """The new developments that answer the question, at most five, in the order to tell
    them: the closest to what was asked first, each followed by its story's own lead
    development when that is new too (what's new in "the talks" is the deal they made, even
    when a market report names the talks more often)."""
    points = [p for p in payload.get("new_since_last", []) if p.get("citations")]
    stories = [
        (
            set(story.get("citations", [])),
            " ".join(x["text"] for x in (story["headline"], *story.get("points", []))),
            (story.get("points") or [story["headline"]])[0]["text"],
        )
        for story in payload.get("stories", [])
    ]
    about = set(read_question(question).terms) - _CHANGE_WORDS
    if about:
        # A development is about what was asked when it says most of it, or its story does
        # (so "what changed in the talks" finds the deal they produced); those that say it
        # themselves come first.
        def closeness(point: dict[str, Any]) -> float:
            """How much of what was asked the point says (all of it counts most), or the
            story it belongs to says."""
            cited = set(point["citations"])
            told = stems(" ".join(text for c, text, _ in stories if c & cited))
            own = stems(point["text"]) | _bodies(point["text"]) | _causes(point["text"])
            said = sum(1 for w in about if mentions_any({w}, own)) / len(about)
            story = sum(1 for w in about if mentions_any({w}, told)) / len(about)
            return said + 0.5 * story if max(said, story) >= 0.5 else 0.0

        scored = [(closeness(p), n, p) for n, p in enumerate(points)]
        chosen = [p for score, _, p in sorted(scored, key=lambda x: (-x[0], x[1])) if score]
    else:
        chosen = points
    told: list[dict[str, Any]] = []
    introduced: set[int] = set()
    for point in chosen:
        if point not in told:
            told.append(point)
        first = point["citations"][0]
        story = next((i for i, (c, _, _) in enumerate(stories) if first in c), None)
        if story is None or story in introduced:
            continue
        introduced.add(story)
        lead = next((p for p in points if same_sentence(p["text"], stories[story][2])), None)
        if lead is not None and lead in chosen and lead not in told:
            told.append(lead)
    return told[:5]


_QUOTE_MARK = re.compile(r"[“”\"?]")
# "Tarsia's Competition Review Board", "the Electrical Safety Directorate": a regulator named
_BODY = re.compile(
    r"\b[A-Z]\w+ (?:[A-Z]\w+ )?(?:Authority|Board|Commission|Agency|Directorate|Regulator|"
    r"Inspectorate|Ombudsman)\b"
)
_REGULATOR = stems("regulator")
# "a power fault knocked out the units", "traced to a faulty valve": a cause told
_CAUSE = re.compile(
    r"\b(?:caus(?:e|es|ed|ing)|fault(?:y|s)?|failure|failed|traced (?:to|back)|triggered|"
    r"knock(?:ed|s)? out|led to|blamed|because|due to|root)\b",
    re.IGNORECASE,
)
_CAUSED = stems("cause reason")


def _bodies(text: str) -> set[str]:
    """ "regulator" for a development that names a regulating body: what "anything new on the
    regulatory side?" asks about."""
    return set(_REGULATOR) if _BODY.search(text) else set()


def _causes(text: str) -> set[str]:
    """ "cause" for a development that tells one: what "anything new on the cause?" asks."""
    return set(_CAUSED) if _CAUSE.search(text) else set()
