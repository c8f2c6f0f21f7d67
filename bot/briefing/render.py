"""Render a `Briefing` (or a one-article summary) as Markdown for the terminal, or as JSON.

Pure functions. Every piece of article text is escaped, so a title or quote cannot turn into
a link, heading or emphasis; links are built here only, from stored URLs.
"""

from __future__ import annotations

import json
from typing import Any

from bot.briefing.record import briefing_to_dict
from bot.briefing.view import ViewItem, ViewSection, briefing_view
from bot.models import (
    Briefing,
    SourceRef,
    Summary,
)
from bot.text.markdown import md_escape, md_source_line, md_url


def _cites(numbers: tuple[int, ...]) -> str:
    return "".join(f"[{n}]" for n in numbers)


def _point(item: ViewItem) -> str:
    return f"{md_escape(item.text)} {_cites(item.citations)}".rstrip()


def _section(section: ViewSection, new_tag: str) -> list[str]:
    heading = section.heading + (f" ({section.detail})" if section.detail else "")
    lines = [f"## {heading}", ""]
    if section.kind == "stories":
        for i, story in enumerate(section.items, 1):
            tag = f" · **{new_tag}**" if story.is_new else ""
            lines.append(f"{i}. **{md_escape(story.text)}** {_cites(story.citations)}{tag}")
            lines += [f"    - {_point(p)}" for p in story.points]
    elif section.kind == "quotes":
        for quote in section.items:
            speaker = md_escape(quote.attribution)
            lines.append(f"> “{md_escape(quote.text)}” — {speaker} {_cites(quote.citations)}")
            lines.append(">")
        lines.pop()
    else:
        lines += [f"- {_point(p)}" for p in section.items]
        if not section.items and section.empty_text:
            lines.append(f"- {section.empty_text}")
    lines.append("")
    return lines


def to_markdown(briefing: Briefing) -> str:
    """The briefing as Markdown, its dates and times in the briefing's zone."""
    view = briefing_view(briefing)
    lines = [f"# {md_escape(view.title)} — {view.date_label}", ""]
    if view.no_coverage:
        lines += [
            f"*{view.window}.*",
            "",
            f"**{view.no_coverage_lead}** {view.no_coverage_rest} {view.no_coverage_next}",
        ]
        return "\n".join(lines) + "\n"
    lines += [f"*{view.window} · {view.stats} · {view.story_count}*", ""]
    for notice in view.notices:
        lines += [f"> {notice.text}", ""]
    for section in view.sections:
        lines += _section(section, view.new_tag)
    lines += [f"## {view.sources_heading}", ""]
    lines += [source_line(ref, view.timezone) for ref in view.sources]
    return "\n".join(lines) + "\n"


def source_line(ref: SourceRef, zone: str = "UTC") -> str:
    """A numbered source as a Markdown line (its link built from the stored URL, its date in
    `zone`)."""
    return md_source_line(ref.n, ref.title, ref.url, ref.site, ref.published_at, zone)


def to_json(briefing: Briefing) -> str:
    return json.dumps(briefing_to_dict(briefing), ensure_ascii=False, indent=2)


def summary_to_dict(title: str, url: str | None, summary: Summary) -> dict[str, Any]:
    """The `summarize --format json` shape: title, url, key_points, quotes."""
    return {
        "title": title,
        "url": url,
        "key_points": [
            {"text": p.text, "sources": list(p.sentence_ids)} for p in summary.key_points
        ],
        "quotes": [{"speaker": q.speaker, "text": q.text} for q in summary.quotes],
    }


def summary_to_markdown(title: str, url: str | None, summary: Summary) -> str:
    """A one-article summary as Markdown."""
    heading = f"# [{md_escape(title)}]({md_url(url)})" if url else f"# {md_escape(title)}"
    lines = [heading, "", "## Key points", ""]
    lines += [f"- {md_escape(p.text)}" for p in summary.key_points] or ["- (none found)"]
    lines += ["", "## Quotes", ""]
    if summary.quotes:
        for q in summary.quotes:
            who = md_escape(q.speaker) if q.speaker else "unattributed"
            lines.append(f"- “{md_escape(q.text)}” — {who}")
    else:
        lines.append("- No quotes found.")
    return "\n".join(lines) + "\n"
