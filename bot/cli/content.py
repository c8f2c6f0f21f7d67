"""Content commands: init, collect, brief, summarize, ask, stats, demo.

Each is parse → one service call → render; services come from `wiring.open_services`.
"""

from __future__ import annotations

import json
import re
import shlex
import shutil
import sys
from collections.abc import Sequence
from dataclasses import replace
from datetime import UTC, date, datetime, time, timedelta
from importlib import resources
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

import typer
from rich.markup import escape
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn

from bot.answer import Answer, answer_to_dict
from bot.answer.render import answer_to_markdown
from bot.briefing.render import (
    summary_to_dict,
    summary_to_markdown,
    to_json,
    to_markdown,
)
from bot.cli.common import (
    EXIT_USAGE,
    Format,
    FormatOption,
    TopicOption,
    TzOption,
    app,
    config_of,
    err,
    fail,
    guard,
    out,
    print_markdown,
    run_async,
    say_summariser,
    settings_of,
)
from bot.cli.tables import outcomes_table, usage_table
from bot.config import BriefbotConfig, Settings, TopicConfig, load_settings, parse_config
from bot.demo import folder as demo_folder
from bot.llm.usage import usage_report
from bot.models import Briefing, SourceOutcome
from bot.store.feedback import FeedbackCount
from bot.store.ops import LLMCall
from bot.summarise.ondemand import OnDemandSummary
from bot.text.markdown import md_escape
from bot.wiring import Services, open_services

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
    target = path or settings_of(ctx).config
    if target.exists() and not force:
        raise fail(f"{target} already exists; use --force to overwrite it.")
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_text(starter_text(), encoding="utf-8")
    out.print(
        f"Wrote {escape(str(target))}. Edit its topics and sources, then run "
        "[bold]briefbot collect[/] and [bold]briefbot brief[/]."
    )


# ---------------------------------------------------------------------------- collect


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


@app.command()
def collect(ctx: typer.Context, topic: TopicOption = None) -> None:
    """Fetch new articles from every source into the store."""
    settings = settings_of(ctx)
    topics = guard(lambda: config_of(settings).topic(topic))

    async def go() -> list[tuple[str, SourceOutcome]]:
        async with open_services(settings) as services:
            return await _collect(services, topics)

    _print_collection(run_async(go))


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


def parse_day(value: str, now: datetime) -> date:
    """A past or today's date as YYYY-MM-DD (a usage error otherwise)."""
    try:
        day = date.fromisoformat(value.strip())
    except ValueError:
        raise typer.BadParameter("use a date like 2026-11-24", param_hint="--date") from None
    if day > now.date():
        raise typer.BadParameter(f"{day} has not happened yet", param_hint="--date")
    return day


def scheduled_at(topic: TopicConfig, day: date) -> datetime:
    """When the topic's briefing of `day` is due: its first channel's local time, else 08:00
    UTC."""
    channel = topic.channels[0] if topic.channels else None
    at = time.fromisoformat(channel.time if channel else "08:00")
    zone = ZoneInfo(channel.timezone if channel else "UTC")
    return datetime.combine(day, at, zone).astimezone(UTC)


def _print_briefings(briefings: Sequence[Briefing], fmt: Format, tz: str | None = None) -> None:
    if tz:  # --tz: shown in that zone rather than the topic's
        briefings = [replace(b, timezone=tz) for b in briefings]
    if fmt is Format.json:
        docs = [json.loads(to_json(b)) for b in briefings]
        print(json.dumps(docs[0] if len(docs) == 1 else docs, ensure_ascii=False, indent=2))
        return
    for briefing in briefings:
        print_markdown(to_markdown(briefing))


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
    tz: TzOption = None,
    collect_first: Annotated[
        bool, typer.Option("--collect", help="Collect new articles first.")
    ] = False,
    on: Annotated[
        str | None,
        typer.Option(
            "--date",
            help="A past day's briefing as it was at its scheduled time (YYYY-MM-DD; not saved).",
        ),
    ] = None,
) -> None:
    """Compose today's briefing from the collected articles and print it."""
    settings = settings_of(ctx)
    now = datetime.now(UTC)
    start = parse_since(since, now) if since else None
    day = parse_day(on, now) if on else None
    topics = guard(lambda: config_of(settings).topic(topic))
    say_summariser(settings)

    async def go() -> list[Briefing]:
        async with open_services(settings) as services:
            if collect_first:
                _print_collection(await _collect(services, topics))
            return [
                await services.briefings.brief(
                    t,
                    since=start,
                    at=None if day is None else min(scheduled_at(t, day), now),
                    save=day is None,
                )
                for t in topics
            ]

    _print_briefings(run_async(go), fmt, tz)


# -------------------------------------------------------------------------- summarize


@app.command()
def summarize(
    ctx: typer.Context,
    source: Annotated[str, typer.Argument(help="A URL, a file, or - to read pasted text.")],
    fmt: FormatOption = Format.md,
) -> None:
    """Summarise one article: key points and verbatim quotes with speakers."""
    settings = settings_of(ctx)
    value = sys.stdin.read() if source == "-" else source
    if not value.strip():
        raise fail("nothing to summarise: the input is empty.")
    say_summariser(settings)

    async def go() -> OnDemandSummary:
        async with open_services(settings) as services:
            return await services.ondemand.summarise_input(value)

    result = run_async(go)
    if fmt is Format.json:
        doc = summary_to_dict(result.title, result.url, result.summary)
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        print_markdown(summary_to_markdown(result.title, result.url, result.summary))


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
    tz: TzOption = None,
) -> None:
    """Answer a question from the collected articles, with citations."""
    settings = settings_of(ctx)
    topics = guard(lambda: config_of(settings).topic(topic)) if topic else None
    if not question.strip():
        raise fail("the question is empty.")

    async def go() -> Answer:
        async with open_services(settings) as services:
            chosen = topics[0] if topics else None
            return await services.questions.ask(
                question,
                topic=chosen.name if chosen else None,
                topic_title=chosen.display_title if chosen else "",
                zone=tz or (chosen.timezone if chosen else "UTC"),
                conversation=conversation,
            )

    answer = run_async(go)
    if fmt is Format.json:
        print(json.dumps(answer_to_dict(answer), ensure_ascii=False, indent=2))
    else:
        print_markdown(answer_to_markdown(answer))


# ------------------------------------------------------------------------------ stats


@app.command()
def stats(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(min=1, help="How many days back.")] = 7,
) -> None:
    """LLM tokens and estimated cost per day and per briefing; thumbs up/down from chat."""
    settings = settings_of(ctx)

    async def go() -> tuple[list[LLMCall], list[FeedbackCount]]:
        since = datetime.now(UTC) - timedelta(days=days)
        async with open_services(settings) as services:
            store = services.store
            return await store.ops.llm_usage(since), await store.feedback.counts(since)

    calls, votes = run_async(go)
    for vote in votes:  # thumbs up/down in chat (BRIEFBOT_FEEDBACK)
        out.print(f"Feedback on {vote.kind}s: {vote.up} up, {vote.down} down")
    per_day, per_briefing = usage_report(
        calls,
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


def _program() -> str:
    """How to run briefbot again from the user's shell: the way it was just run."""
    script = Path(sys.argv[0])
    if script.stem == "briefbot":
        on_path = shutil.which("briefbot")
        if on_path and Path(on_path).resolve() == script.resolve():
            return "briefbot"
        return shlex.quote(sys.argv[0])  # e.g. .venv/bin/briefbot, with no venv activated
    python = "python" if shutil.which("python") == sys.executable else sys.executable
    return f"{shlex.quote(python)} -m bot"


def _shown_path(folder: Path) -> str:
    """A folder as typed in a shell: relative ones start with ./ so they read as a path."""
    text = str(folder)
    return text if folder.is_absolute() or text.startswith(".") else f"./{text}"


def demo_ask_command(folder: Path, question: str, settings: Settings) -> str:
    """The shell command that asks `question` of the demo's data in `folder`.

    `ask` reads its database from the settings, so the command sets BRIEFBOT_DATA_DIR, and
    empties BRIEFBOT_DATABASE_URL when the environment or .env sets one (it would win)."""
    env = [f"BRIEFBOT_DATA_DIR={shlex.quote(_shown_path(folder))}"]
    if settings.database_url.strip():
        env.insert(0, "BRIEFBOT_DATABASE_URL=")
    return " ".join([*env, _program(), "ask", shlex.quote(question)])


def _print_demo(
    briefings: Sequence[Briefing], answer: Answer | None, fmt: Format, tz: str | None
) -> None:
    """The demo's briefing, then the answer to --ask (in JSON, one object holding both)."""
    if answer is None:
        _print_briefings(briefings, fmt, tz)
    elif fmt is Format.json:
        (briefing,) = briefings  # the demo follows one story
        briefing = replace(briefing, timezone=tz) if tz else briefing
        doc = {"briefing": json.loads(to_json(briefing)), "answer": answer_to_dict(answer)}
        print(json.dumps(doc, ensure_ascii=False, indent=2))
    else:
        _print_briefings(briefings, fmt, tz)
        print_markdown(f"## {md_escape(answer.question)}\n\n{answer_to_markdown(answer)}")


@app.command()
def demo(
    ctx: typer.Context,
    fmt: FormatOption = Format.md,
    tz: TzOption = None,
    data_dir: Annotated[
        Path,
        typer.Option(
            help="Keep the demo's data here, for `briefbot ask` (each run starts it afresh)."
        ),
    ] = demo_folder.DEFAULT,
    question: Annotated[
        str | None,
        typer.Option("--ask", metavar="QUESTION", help="Then answer this question from its data."),
    ] = None,
) -> None:
    """Collect the bundled sample story from a local server, print its briefing, and keep its
    data for `briefbot ask`."""
    from bot.demo.server import DemoServer
    from bot.demo.server import data_dir as demo_data

    if question is not None and not question.strip():
        raise fail("--ask: the question is empty.", EXIT_USAGE)

    async def go(
        settings: Settings, config: BriefbotConfig
    ) -> tuple[list[Briefing], Answer | None]:
        async with open_services(settings) as services:
            _print_collection(await _collect(services, config.topics))
            briefings = [await services.briefings.brief(t) for t in config.topics]
            if question is None:
                return briefings, None
            topic = config.topics[0]
            answer = await services.questions.ask(
                question,
                topic=topic.name,
                topic_title=topic.display_title,
                zone=tz or topic.timezone,
            )
            return briefings, answer

    guard(lambda: demo_folder.prepare(data_dir))
    # Every page is dated from one instant, not from when each request happened to arrive,
    # so copies of a story published "5 hours ago" tie, and runs brief the same.
    started = datetime.now(UTC)
    with DemoServer(now=lambda: started) as server:
        root = demo_data()
        text = (root / "briefbot.toml").read_text(encoding="utf-8")
        config = guard(
            lambda: parse_config(
                text.replace("{base}", server.base_url), origin="demo config", base_dir=root
            )
        )
        # The demo's pages are served on 127.0.0.1, which the SSRF guard refuses unless
        # allowed explicitly; only the demo does that. Its database is always SQLite in its
        # own folder, whatever BRIEFBOT_DATABASE_URL says.
        settings = guard(
            lambda: load_settings(
                data_dir=data_dir,
                database_url="",
                allow_hosts=("127.0.0.1",),
                config=root / "briefbot.toml",
            )
        )
        say_summariser(settings)
        briefings, answer = run_async(lambda: go(settings, config))
    _print_demo(briefings, answer, fmt, tz)
    command = demo_ask_command(data_dir, demo_folder.QUESTION, settings_of(ctx))
    err.print(
        f"[dim]That was the bundled demo. Its data is kept in {escape(_shown_path(data_dir))} "
        "(every run starts it afresh); ask about its coverage with:[/]"
    )
    err.print(f"  [bold]{escape(command)}[/]")
    err.print("[dim]Run `briefbot init` to start on your own story.[/]")
