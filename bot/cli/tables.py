"""Rich tables the commands print. Pure: data in, a `Table` out; untrusted text escaped."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from rich.markup import escape
from rich.table import Table

from bot.llm.usage import UsageRow
from bot.models import SourceOutcome
from bot.schedule import NextRun
from bot.store.articles import SourceRow
from bot.store.deliveries import DeliveryRecord


def when_cell(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if isinstance(value, datetime) else "—"


def outcomes_table(rows: Sequence[tuple[str, SourceOutcome]]) -> Table:
    """The per-source table printed after a collection."""
    table = Table(title="Sources", title_justify="left", show_lines=False)
    table.add_column("Topic")
    table.add_column("Source", overflow="fold", max_width=48)
    table.add_column("Kind")
    table.add_column("Status")
    table.add_column("New", justify="right")
    table.add_column("Seen", justify="right")
    table.add_column("Notes", overflow="fold", max_width=60)
    for topic, o in rows:
        if not o.ok:
            status, notes = "[red]error[/]", escape(o.error or "")
        elif o.not_modified:
            status, notes = "[dim]unchanged[/]", "not modified since last check"
        else:
            status, notes = "[green]ok[/]", ""
        if o.failed_items:
            first = escape(o.item_errors[0]) if o.item_errors else ""
            notes = f"{o.failed_items} article(s) failed: {first}"
        table.add_row(topic, escape(o.source), o.kind, status, str(o.new), str(o.seen), notes)
    return table


def usage_table(title: str, rows: Sequence[UsageRow]) -> Table:
    """LLM calls, tokens and estimated cost, one row per day or per briefing."""
    table = Table(title=title, title_justify="left")
    for name in ("", "Calls", "Failed", "Prompt tokens", "Completion tokens", "Est. cost"):
        table.add_column(name, justify="left" if not name else "right")
    for r in rows:
        table.add_row(
            escape(r.label),
            str(r.calls),
            str(r.failed),
            f"{r.prompt_tokens:,}",
            f"{r.completion_tokens:,}",
            f"${r.cost:.4f}",
        )
    return table


def deliveries_table(title: str, rows: Sequence[DeliveryRecord]) -> Table:
    table = Table(title=title)
    for column in ("id", "date", "topic", "where", "status", "attempts", "message", "done at"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            str(r.id),
            r.delivery_date,
            escape(r.topic),
            escape(f"{r.platform} {r.channel}"),
            r.status,
            str(r.attempts),
            escape(r.message_ref or "—"),
            when_cell(r.completed_at),
        )
    return table


def sources_table(rows: Sequence[SourceRow]) -> Table:
    table = Table(title="Sources")
    for column in ("topic", "source", "last checked", "last ok", "new", "problem"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            escape(r.topic),
            escape(r.name),
            when_cell(r.last_checked_at),
            when_cell(r.last_ok_at),
            str(r.last_new),
            escape(r.last_error or ""),
        )
    return table


def next_runs_table(runs: Sequence[NextRun]) -> Table:
    table = Table(title="Next runs")
    for column in ("run", "next", "note"):
        table.add_column(column)
    for run in runs:
        if run.state == "running":
            when, note = "running", f"{run.note} since {when_cell(run.when)}"
        else:
            when, note = run.state or when_cell(run.when), run.note
        table.add_row(escape(run.run), when, escape(note))
    return table
