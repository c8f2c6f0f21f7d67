"""Render an `Answer` as Markdown for the terminal. Pure; every piece of article, user and
model text is escaped; links come only from stored source URLs."""

from __future__ import annotations

import re

from bot.answer.engine import Answer
from bot.models import SourceRef
from bot.text.markdown import md_escape, md_source_line


def _source_line(ref: SourceRef, zone: str) -> str:
    return md_source_line(ref.n, ref.title, ref.url, ref.site, ref.published_at, zone)


def answer_to_markdown(answer: Answer) -> str:
    """An answer with its sources (or the refusal and the closest articles) as Markdown, their
    dates in the answer's zone."""
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
