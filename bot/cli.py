"""The `briefbot` command line. Commands are thin: parse → one service call → render.

Domain errors become a one-line message and exit code 1; usage errors exit 2; anything
unexpected is logged and reported without a traceback (exit 70).
"""

from __future__ import annotations

import asyncio
import json
import logging
import re
import sys
import tempfile
from collections.abc import Callable, Coroutine, Sequence
from datetime import UTC, date, datetime, timedelta
from enum import StrEnum
from importlib import resources
from pathlib import Path
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

from bot.answer import Answer, answer_to_dict
from bot.briefing.render import (
    answer_to_markdown,
    summary_to_dict,
    summary_to_markdown,
    to_json,
    to_markdown,
)
from bot.config import (
    BriefbotConfig,
    Settings,
    TopicConfig,
    load_config,
    load_settings,
    parse_config,
)
from bot.errors import BriefbotError
from bot.llm.usage import UsageRow, usage_report
from bot.models import Briefing, SourceOutcome
from bot.observe import instance_id, logs_as_json, setup_logging
from bot.summarise.ondemand import OnDemandSummariser
from bot.wiring import Services, open_services

log = logging.getLogger("bot")
out = Console(highlight=False)
# Messages on stderr are never wrapped: they end up in journald and container logs whole.
err = Console(stderr=True, highlight=False, soft_wrap=True)

app = typer.Typer(
    name="briefbot",
    help="Collect coverage of a story, summarise it with verbatim quotes, and brief a channel.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    rich_markup_mode="rich",
)

T = TypeVar("T")


class Format(StrEnum):
    md = "md"
    json = "json"


EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_UNEXPECTED = 70


def _run(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine, translating errors into messages and exit codes."""
    try:
        return asyncio.run(make())
    except BriefbotError as exc:
        _error(exc.reason)
        raise typer.Exit(EXIT_ERROR) from None
    except KeyboardInterrupt:
        err.print("interrupted")
        raise typer.Exit(130) from None
    except Exception:
        log.exception("unexpected error")
        if not logs_as_json():  # the record above already says it, as JSON
            err.print(
                "[bold red]error:[/] briefbot hit an unexpected problem. "
                "Run again with --verbose to see the details in the log."
            )
        raise typer.Exit(EXIT_UNEXPECTED) from None


def _error(reason: str) -> None:
    if logs_as_json():
        log.error(reason)
    else:
        err.print(f"[bold red]error:[/] {escape(reason)}")


def _settings(ctx: typer.Context) -> Settings:
    settings = ctx.obj
    assert isinstance(settings, Settings)
    return settings


def _say_summariser(settings: Settings) -> None:
    """The one start-up line that says how articles will be summarised."""
    if settings.llm_configured:
        where = settings.azure_openai_endpoint or settings.llm_base_url or "OpenAI"
        model = settings.azure_openai_deployment or settings.llm_model
        note = f"Summarising with {model} at {where}."
    else:
        note = "No LLM configured: summarising offline."
    if logs_as_json():
        log.warning(note)
    else:
        err.print(f"[dim]{escape(note)}[/]")


def _config(settings: Settings) -> BriefbotConfig:
    return _guard(lambda: load_config(settings.config))


def _guard(call: Callable[[], T]) -> T:
    try:
        return call()
    except BriefbotError as exc:
        _error(exc.reason)
        raise typer.Exit(EXIT_ERROR) from None


@app.callback()
def _main(
    ctx: typer.Context,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log progress and details.")
    ] = False,
) -> None:
    settings = _guard(load_settings)
    # Library chatter (trafilatura, httpx) is not for users unless they ask; secrets are
    # redacted from every record whatever the format.
    setup_logging(settings, verbose=verbose, instance=instance_id())
    ctx.obj = settings


# ------------------------------------------------------------------------------- init


def starter_text() -> str:
    return (resources.files("bot") / "starter.toml").read_text(encoding="utf-8")


@app.command()
def init(
    ctx: typer.Context,
    path: Annotated[
        Path | None, typer.Argument(help="Where to write it (default: BRIEFBOT_CONFIG).")
    ] = None,
    force: Annotated[bool, typer.Option(help="Overwrite an existing file.")] = False,
) -> None:
    """Write a commented starter briefbot.toml."""
    target = path or _settings(ctx).config
    if target.exists() and not force:
        err.print(
            f"[bold red]error:[/] {escape(str(target))} already exists; "
            "use --force to overwrite it."
        )
        raise typer.Exit(EXIT_ERROR)
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(starter_text(), encoding="utf-8")
    out.print(
        f"Wrote {escape(str(target))}. Edit its topics and sources, then run "
        "[bold]briefbot collect[/] and [bold]briefbot brief[/]."
    )


# ---------------------------------------------------------------------------- collect


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


async def _collect(
    services: Services, topics: Sequence[TopicConfig]
) -> list[tuple[str, SourceOutcome]]:
    rows: list[tuple[str, SourceOutcome]] = []
    total = sum(len(t.sources) for t in topics)
    with Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
    ) as progress:
        task = progress.add_task("Collecting sources", total=total)
        for topic in topics:
            outcomes = await services.collector.collect(
                topic, on_source_done=lambda _o: progress.advance(task)
            )
            rows.extend((topic.name, o) for o in outcomes)
    return rows


def _print_collection(rows: Sequence[tuple[str, SourceOutcome]]) -> None:
    out.print(outcomes_table(rows))
    failed = sum(1 for _, o in rows if not o.ok)
    new = sum(o.new for _, o in rows)
    summary = f"{new} new article(s) from {len(rows)} source(s)"
    if failed:
        summary += f"; {failed} source(s) failed (the others were collected)"
    out.print(summary)


TopicOption = Annotated[
    str | None, typer.Option("--topic", "-t", help="Only this topic (default: all).")
]


@app.command()
def collect(ctx: typer.Context, topic: TopicOption = None) -> None:
    """Fetch new articles from every source into the store."""
    settings = _settings(ctx)
    topics = _guard(lambda: _config(settings).topic(topic))

    async def go() -> list[tuple[str, SourceOutcome]]:
        async with open_services(settings) as services:
            return await _collect(services, topics)

    _print_collection(_run(go))


# ------------------------------------------------------------------------------ brief

_RELATIVE = re.compile(r"^\s*(\d+)\s*([mhdw])\s*$", re.IGNORECASE)


def parse_since(value: str, now: datetime) -> datetime:
    """`24h`, `90m`, `2d`, `1w`, an ISO date (midnight UTC) or an ISO date-time."""
    match = _RELATIVE.match(value)
    if match:
        amount, unit = int(match.group(1)), match.group(2).lower()
        minutes = {"m": 1, "h": 60, "d": 1440, "w": 10080}[unit] * amount
        return now - timedelta(minutes=minutes)
    try:
        if len(value.strip()) == 10:
            return datetime.combine(date.fromisoformat(value.strip()), datetime.min.time(), UTC)
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter(
            "use a duration like 24h, 90m, 2d, or a date like 2026-11-24"
        ) from None
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=UTC)


def _print_briefings(briefings: Sequence[Briefing], fmt: Format) -> None:
    if fmt is Format.json:
        docs = [json.loads(to_json(b)) for b in briefings]
        print(json.dumps(docs[0] if len(docs) == 1 else docs, ensure_ascii=False, indent=2))
        return
    for briefing in briefings:
        _print_markdown(to_markdown(briefing))


def _print_markdown(text: str) -> None:
    if out.is_terminal:
        out.print(Markdown(text, hyperlinks=True))
    else:
        print(text)


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="md or json.")]


@app.command()
def brief(
    ctx: typer.Context,
    topic: TopicOption = None,
    since: Annotated[
        str | None,
        typer.Option(
            help="Window start: 24h, 2d, 2026-11-24 … (default: since the last briefing)."
        ),
    ] = None,
    fmt: FormatOption = Format.md,
    collect_first: Annotated[
        bool, typer.Option("--collect", help="Collect new articles first.")
    ] = False,
) -> None:
    """Compose today's briefing from the collected articles and print it."""
    settings = _settings(ctx)
    topics = _guard(lambda: _config(settings).topic(topic))
    start = parse_since(since, datetime.now(UTC)) if since else None
    _say_summariser(settings)

    async def go() -> list[Briefing]:
        async with open_services(settings) as services:
            if collect_first:
                _print_collection(await _collect(services, topics))
            return [await services.briefings.brief(t, since=start) for t in topics]

    _print_briefings(_run(go), fmt)


# -------------------------------------------------------------------------- summarize


@app.command()
def summarize(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="A URL, a file, or - to read pasted text.")],
    fmt: FormatOption = Format.md,
) -> None:
    """Summarise one article: key points and verbatim quotes with speakers."""
    settings = _settings(ctx)
    value = sys.stdin.read() if source == "-" else source
    if not value.strip():
        err.print("[bold red]error:[/] nothing to summarise: the input is empty.")
        raise typer.Exit(EXIT_ERROR)

    _say_summariser(settings)

    async def go() -> Any:
        async with open_services(settings) as services:
            ondemand = OnDemandSummariser(services.fetcher, services.summariser)
            return await ondemand.summarise_input(value)

    result = _run(go)
    if fmt is Format.json:
        doc = summary_to_dict(result.title, result.url, result.summary)
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        _print_markdown(summary_to_markdown(result.title, result.url, result.summary))


# -------------------------------------------------------------------------------- ask


@app.command()
def ask(
    ctx: typer.Context,
    question: Annotated[str, typer.Argument(help="Your question about the story.")],
    topic: TopicOption = None,
    conversation: Annotated[
        str | None,
        typer.Option(help="Keep turns under this id, so follow-up questions work."),
    ] = None,
    fmt: FormatOption = Format.md,
) -> None:
    """Answer a question from the collected articles, with citations."""
    settings = _settings(ctx)
    topics = _guard(lambda: _config(settings).topic(topic)) if topic else None
    if not question.strip():
        err.print("[bold red]error:[/] the question is empty.")
        raise typer.Exit(EXIT_ERROR)

    async def go() -> Answer:
        async with open_services(settings) as services:
            chosen = topics[0] if topics else None
            return await services.questions.ask(
                question,
                topic=chosen.name if chosen else None,
                topic_title=chosen.display_title if chosen else "",
                zone=chosen.timezone if chosen else "UTC",
                conversation=conversation,
            )

    answer = _run(go)
    if fmt is Format.json:
        print(json.dumps(answer_to_dict(answer), ensure_ascii=False, indent=2))
    else:
        _print_markdown(answer_to_markdown(answer))


# ------------------------------------------------------------------------------ stats


def usage_table(title: str, rows: Sequence[UsageRow]) -> Table:
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


@app.command()
def stats(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(min=1, help="How many days back.")] = 7,
) -> None:
    """LLM tokens and estimated cost per day and per briefing."""
    settings = _settings(ctx)

    async def go() -> list[dict[str, Any]]:
        async with open_services(settings) as services:
            return await services.store.llm_usage(datetime.now(UTC) - timedelta(days=days))

    per_day, per_briefing = usage_report(
        _run(go),
        price_prompt=settings.llm_price_prompt,
        price_completion=settings.llm_price_completion,
    )
    if not per_day:
        out.print(f"No LLM calls in the last {days} day(s).")
        return
    out.print(usage_table("LLM use per day", per_day))
    if per_briefing:
        out.print(usage_table("LLM use per briefing", per_briefing))
    out.print(
        f"[dim]Costs use ${settings.llm_price_prompt}/${settings.llm_price_completion} per "
        "million prompt/completion tokens (BRIEFBOT_LLM_PRICE_PROMPT / _COMPLETION).[/]"
    )


# ------------------------------------------------------------------------------- demo


@app.command()
def demo(
    fmt: FormatOption = Format.md,
    data_dir: Annotated[
        Path | None,
        typer.Option(help="Keep the demo's database here (default: a temporary folder)."),
    ] = None,
) -> None:
    """Collect the bundled sample story from a local server and print its briefing."""
    from bot.demo.server import DemoServer
    from bot.demo.server import data_dir as demo_data

    async def go(settings: Settings, config: BriefbotConfig) -> list[Briefing]:
        async with open_services(settings) as services:
            _print_collection(await _collect(services, config.topics))
            return [await services.briefings.brief(t) for t in config.topics]

    with tempfile.TemporaryDirectory(prefix="briefbot-demo-") as tmp, DemoServer() as server:
        root = demo_data()
        text = (root / "briefbot.toml").read_text(encoding="utf-8")
        config = _guard(
            lambda: parse_config(
                text.replace("{base}", server.base_url), origin="demo config", base_dir=root
            )
        )
        # The demo's pages are served on 127.0.0.1, which the SSRF guard refuses unless
        # allowed explicitly; only the demo does that.
        settings = _guard(
            lambda: load_settings(
                data_dir=data_dir or Path(tmp),
                database_url="",
                allow_hosts=("127.0.0.1",),
                config=root / "briefbot.toml",
            )
        )
        _say_summariser(settings)
        briefings = _run(lambda: go(settings, config))
    _print_briefings(briefings, fmt)
    if fmt is Format.md:
        err.print(
            "[dim]That was the bundled demo. Run `briefbot init` to start on your own story.[/]"
        )


# ------------------------------------------------------------------------------- operations


def _when_cell(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if isinstance(value, datetime) else "—"


async def _open_store(settings: Settings) -> Any:
    from bot.store.repository import ArticleStore
    from bot.wiring import prepare_store

    store = ArticleStore.from_url(settings.resolved_database_url())
    try:
        await prepare_store(store, settings.model_copy(update={"migrate": False}))
    except BaseException:
        await store.close()
        raise
    return store


def deliveries_table(title: str, rows: Sequence[dict[str, Any]]) -> Table:
    table = Table(title=title)
    for column in ("id", "date", "topic", "where", "status", "attempts", "message", "done at"):
        table.add_column(column)
    for r in rows:
        table.add_row(
            str(r["id"]),
            r["delivery_date"],
            escape(r["topic"]),
            escape(f"{r['platform']} {r['channel']}"),
            r["status"],
            str(r["attempts"]),
            escape(r["message_ref"] or "—"),
            _when_cell(r["completed_at"]),
        )
    return table


@app.command()
def status(ctx: typer.Context) -> None:
    """Sources (last fetch, errors), the next runs, and the last deliveries."""
    from bot.deliver.service import merge_subscriptions, next_due

    settings = _settings(ctx)
    config = _config(settings)

    async def go() -> tuple[list[Any], list[Any], list[Any], list[Any]]:
        store = await _open_store(settings)
        try:
            subs = merge_subscriptions(config, await store.subscriptions())
            return (
                await store.list_sources(),
                await store.runs(),
                subs,
                await store.deliveries(last=10),
            )
        finally:
            await store.close()

    sources, runs, subs, recent = _run(go)
    now = datetime.now(UTC)
    table = Table(title="Sources")
    for column in ("topic", "source", "last checked", "last ok", "new", "problem"):
        table.add_column(column)
    for r in sources:
        table.add_row(
            escape(r["topic"]),
            escape(r["name"]),
            _when_cell(r["last_checked_at"]),
            _when_cell(r["last_ok_at"]),
            str(r["last_new"]),
            escape(r["last_error"] or ""),
        )
    out.print(table)
    upcoming = Table(title="Next runs")
    for column in ("run", "next", "note"):
        upcoming.add_column(column)
    claimed = {r["name"]: r for r in runs}
    for topic in config.topics:
        run = claimed.get(f"collect:{topic.name}")
        if run is None:
            upcoming.add_row(f"collect {escape(topic.name)}", "at start-up", "never collected")
        elif run["finished_at"] is None and run["until"] > now:
            upcoming.add_row(
                f"collect {escape(topic.name)}",
                "running",
                escape(f"on {run['holder']} since {_when_cell(run['started_at'])}"),
            )
        else:
            upcoming.add_row(f"collect {escape(topic.name)}", _when_cell(run["until"]), "")
    for sub in subs:
        upcoming.add_row(
            escape(f"briefing {sub.topic} → {sub.platform} {sub.channel}"),
            _when_cell(next_due(sub, now).astimezone(UTC)),
            escape(f"{sub.at} {sub.timezone} ({sub.origin})"),
        )
    out.print(upcoming)
    out.print(deliveries_table("Last deliveries", recent))


@app.command()
def deliveries(
    ctx: typer.Context,
    on: Annotated[
        str | None, typer.Option("--date", help="The channels' local date (default: today, UTC).")
    ] = None,
    fmt: FormatOption = Format.md,
) -> None:
    """What was posted where on a date (and what failed or is still claimed)."""
    settings = _settings(ctx)
    day = on or datetime.now(UTC).date().isoformat()
    try:
        date.fromisoformat(day)
    except ValueError:
        err.print(f"[bold red]error:[/] {escape(day)} is not a date; use YYYY-MM-DD")
        raise typer.Exit(EXIT_USAGE) from None

    async def go() -> list[dict[str, Any]]:
        store = await _open_store(settings)
        try:
            return list(await store.deliveries(date=day))
        finally:
            await store.close()

    rows = _run(go)
    if fmt is Format.json:
        out.print_json(json.dumps(rows, default=str))
    elif rows:
        out.print(deliveries_table(f"Deliveries on {day}", rows))
    else:
        out.print(f"No deliveries on {day}.")


@app.command("retry-delivery")
def retry_delivery(
    ctx: typer.Context, delivery_id: Annotated[int, typer.Argument(help="From `deliveries`.")]
) -> None:
    """Post a failed or stuck delivery again now (never one that was posted)."""
    from bot.runtime import assembled

    settings = _settings(ctx)
    config = _config(settings)

    async def go() -> Any:
        async with assembled(settings, config) as parts:
            return await parts.deliveries.retry(delivery_id)

    result = _run(go)
    if result.outcome == "skipped":
        out.print(
            f"Delivery {delivery_id} was already posted ({escape(result.message_ref or '')})."
        )
    elif result.outcome == "failed":
        err.print(
            f"[bold red]error:[/] delivery {delivery_id} failed again: {escape(result.error or '')}"
        )
        raise typer.Exit(EXIT_ERROR)
    else:
        verb = "was found already in the channel" if result.outcome == "found" else "is posted"
        out.print(f"Delivery {delivery_id} {verb} ({escape(result.message_ref or '')}).")


@app.command()
def migrate(ctx: typer.Context) -> None:
    """Apply pending database migrations (a deploy step before replicas start)."""
    from bot.store.migrations import latest_version
    from bot.store.repository import ArticleStore

    settings = _settings(ctx)

    async def go() -> list[int]:
        store = ArticleStore.from_url(settings.resolved_database_url())
        try:
            return await store.migrate()
        finally:
            await store.close()

    applied = _run(go)
    if applied:
        out.print(
            f"Applied migrations {', '.join(map(str, applied))}; schema is at {latest_version()}."
        )
    else:
        out.print(f"Nothing to do: the schema is at version {latest_version()}.")


@app.command()
def run(ctx: typer.Context) -> None:
    """Run the Slack and Teams apps and the scheduler: collect every few minutes, post each
    channel's briefing at its local time, answer commands, mentions, replies and DMs."""
    from bot.runtime import check_settings, serve

    settings = _settings(ctx)
    config = _config(settings)
    _guard(lambda: check_settings(settings))
    _say_summariser(settings)
    _run(lambda: serve(settings, config))


def main() -> None:
    """Console-script entry point."""
    app()
