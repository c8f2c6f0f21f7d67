"""A briefing laid out once, as neutral data: what is said and in what order, not how it looks.

`briefing_view` decides the briefing's wording (title and date, the coverage window, the
counts, notices, the "no new coverage" case, the sections and their items, the sources) so
the Markdown, Slack and Teams renderers only map it to their markup. Pure; nothing here is
escaped or marked up: each renderer escapes the text it shows.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.models import Briefing, BriefingPoint, SourceRef
from bot.text.when import local_date, local_time

SectionKind = Literal["new_since", "stories", "quotes"]

NEW_TAG = "new"
UNATTRIBUTED = "unattributed"
NO_COVERAGE = "No new coverage"
NO_COVERAGE_REST = "of this story in this window."
NO_COVERAGE_NEXT = "The next briefing will cover anything published from now on."
NOTHING_NEW = "Nothing new: today's coverage continues stories already briefed."
DEGRADED = (
    "Partly degraded: some articles were summarised offline because the language model was "
    "unavailable."
)
DEGRADED_SHORT = "partly summarised offline (the language model was unavailable)"


@dataclass(frozen=True)
class ViewItem:
    """One line of a section: a point, a story's headline (with its points) or a quote."""

    text: str
    citations: tuple[int, ...] = ()
    is_new: bool = False
    # quotes only: who said it (None when unattributed) and how the attribution reads
    speaker: str | None = None
    attribution: str = ""
    points: tuple[ViewItem, ...] = ()


@dataclass(frozen=True)
class ViewSection:
    """A heading (with an optional detail such as a time) and its items, in order."""

    kind: SectionKind
    heading: str
    items: tuple[ViewItem, ...]
    detail: str | None = None
    # what to say when there are no items (None: the section has nothing to say then)
    empty_text: str | None = None


@dataclass(frozen=True)
class Notice:
    """Something the reader should know about the briefing, in a long and a short wording."""

    kind: str
    text: str
    short: str


@dataclass(frozen=True)
class BriefingView:
    """The briefing as neutral data, ready for any renderer."""

    title: str
    date: str
    date_label: str
    window: str
    window_short: str
    stats: str
    story_count: str
    notices: tuple[Notice, ...]
    no_coverage: bool
    no_coverage_lead: str
    no_coverage_rest: str
    no_coverage_next: str
    sections: tuple[ViewSection, ...]
    sources_heading: str
    sources: tuple[SourceRef, ...]
    timezone: str
    new_tag: str = NEW_TAG

    @property
    def no_coverage_text(self) -> str:
        """The no-coverage message in plain words."""
        return f"{self.no_coverage_lead} {self.no_coverage_rest}"


def _item(point: BriefingPoint, *, is_new: bool = False) -> ViewItem:
    return ViewItem(point.text, tuple(point.citations), is_new=is_new)


def briefing_view(briefing: Briefing) -> BriefingView:
    """The briefing laid out once: its wording, sections in order, and sources."""
    zone = briefing.timezone
    date = local_date(briefing.window_end, zone)
    start = local_time(briefing.window_start, zone)
    end = local_time(briefing.window_end, zone)
    sites = len({s.site or s.url for s in briefing.sources})
    count = len(briefing.stories)
    had_previous = briefing.previous_briefing_at is not None
    sections: list[ViewSection] = []
    if not briefing.no_coverage:
        if briefing.previous_briefing_at is not None:
            sections.append(
                ViewSection(
                    "new_since",
                    "New since the last briefing",
                    tuple(_item(p) for p in briefing.new_developments),
                    detail=local_time(briefing.previous_briefing_at, zone),
                    empty_text=NOTHING_NEW,
                )
            )
        sections.append(
            ViewSection(
                "stories",
                "Top stories",
                tuple(
                    ViewItem(
                        s.headline.text,
                        tuple(s.headline.citations),
                        is_new=s.is_new and had_previous,
                        points=tuple(_item(p) for p in s.points),
                    )
                    for s in briefing.stories
                ),
            )
        )
        if briefing.quotes:
            sections.append(
                ViewSection(
                    "quotes",
                    "Quotes",
                    tuple(
                        ViewItem(
                            q.text,
                            (q.citation,),
                            speaker=q.speaker or None,
                            attribution=q.speaker or UNATTRIBUTED,
                        )
                        for q in briefing.quotes
                    ),
                )
            )
    notices = (
        (Notice("degraded", DEGRADED, DEGRADED_SHORT),)
        if briefing.degraded and not briefing.no_coverage
        else ()
    )
    return BriefingView(
        title=briefing.title,
        date=date,
        date_label=f"briefing for {date}",
        window=f"Coverage from {start} to {end}",
        window_short=f"Coverage {start} – {end}",
        stats=f"{len(briefing.sources)} articles from {sites} sources",
        story_count=f"{count} {'story' if count == 1 else 'stories'}",
        notices=notices,
        no_coverage=briefing.no_coverage,
        no_coverage_lead=NO_COVERAGE,
        no_coverage_rest=NO_COVERAGE_REST,
        no_coverage_next=NO_COVERAGE_NEXT,
        sections=tuple(sections),
        sources_heading="Sources",
        sources=briefing.sources,
        timezone=zone,
    )
