"""Render an `Answer` as Markdown for the terminal and as its JSON form (`answer_to_dict`),
and decide what every renderer shows of an answer. Pure; every piece of article, user and
model text is escaped; links come only from stored source URLs."""

from __future__ import annotations

import re
from dataclasses import replace

from bot.answer.engine import Answer
from bot.models import SourceRef
from bot.text.markdown import md_escape, md_source_line
from bot.text.safe import strip_invisible

NOT_SAID = "The coverage I have does not say."


def shown(answer: Answer) -> Answer:
    """The answer as every renderer shows it: one with no words in it (a model that replied
    with nothing) is the refusal, listing what it found as the closest articles. Chat
    platforms refuse an empty message, which would leave the user on "working…"."""
    if strip_invisible(answer.text).strip():
        return answer
    return replace(
        answer,
        text=NOT_SAID,
        answered=False,
        sources=(),
        closest=answer.closest or answer.sources,
    )


def _source_line(ref: SourceRef, zone: str) -> str:
    return md_source_line(ref.n, ref.title, ref.url, ref.site, ref.published_at, zone)


def answer_to_markdown(answer: Answer) -> str:
    """An answer with its sources (or the refusal and the closest articles) as Markdown, their
    dates in the answer's zone."""
    answer = shown(answer)
    lines = []
    if answer.answered:
        # The [n] citation markers are ours; everything else in the answer stays escaped.
        lines += [re.sub(r"\\\[(\d+)\\\]", r"[\1]", md_escape(answer.text)), ""]
        if answer.degraded:
            lines += ["*(answered offline: the language model was unavailable)*", ""]
        lines += ["**Sources**", ""] + [_source_line(r, answer.timezone) for r in answer.sources]
    else:
        lines += [md_escape(answer.text), ""]
        if answer.closest:
            lines += ["**Closest articles**", ""] + [
                _source_line(r, answer.timezone) for r in answer.closest
            ]
    return "\n".join(lines) + "\n"


def answer_to_dict(answer: Answer) -> dict[str, object]:
    def ref(r: SourceRef) -> dict[str, object]:
        return {
            "n": r.n,
            "title": r.title,
            "url": r.url,
            "site": r.site,
            "published_at": r.published_at.isoformat() if r.published_at else None,
        }

    return {
        "question": answer.question,
        "answered": answer.answered,
        "answer": answer.text,
        "sources": [ref(r) for r in answer.sources],
        "closest": [ref(r) for r in answer.closest],
        "degraded": answer.degraded,
        "conversation": answer.conversation,
        "follows": answer.follows,
        "answerer": answer.answerer,
    }
