"""What every `briefbot` command shares: the Typer app, the consoles, and the one place where
domain errors become a one-line message and an exit code.

Domain errors exit 1 with their reason; usage errors exit 2; anything unexpected is logged
and reported without a traceback (exit 70, details with --verbose).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable, Coroutine
from enum import StrEnum
from typing import Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markdown import Markdown
from rich.markup import escape

from bot.config import BriefbotConfig, Settings, load_config, load_settings
from bot.errors import BriefbotError
from bot.observe import instance_id, logs_as_json, setup_logging
from bot.text.when import zone_of

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

EXIT_ERROR = 1
EXIT_USAGE = 2
EXIT_UNEXPECTED = 70


class Format(StrEnum):
    md = "md"
    json = "json"


FormatOption = Annotated[Format, typer.Option("--format", "-f", help="md or json.")]
TopicOption = Annotated[
    str | None, typer.Option("--topic", "-t", help="Only this topic (default: all).")
]


def _known_zone(value: str | None) -> str | None:
    """--tz checked as it is parsed: an unknown zone is a one-line usage error."""
    if value is not None:
        try:
            zone_of(value)
        except ValueError as exc:
            raise fail(f"--tz: {exc}", EXIT_USAGE) from None
    return value


TzOption = Annotated[
    str | None,
    typer.Option(
        "--tz",
        metavar="ZONE",
        callback=_known_zone,
        help="Show dates and times in this IANA zone, e.g. Europe/Brussels "
        "(default: the topic's zone, else UTC).",
    ),
]


def run_async(make: Callable[[], Coroutine[Any, Any, T]]) -> T:
    """Run a coroutine, translating errors into messages and exit codes."""
    try:
        return asyncio.run(make())
    except BriefbotError as exc:
        error(exc.reason)
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


def guard(call: Callable[[], T]) -> T:
    """Call something that may raise a domain error (settings, the topics file)."""
    try:
        return call()
    except BriefbotError as exc:
        error(exc.reason)
        raise typer.Exit(EXIT_ERROR) from None


def error(reason: str) -> None:
    """One line on stderr (a log record when logs are JSON)."""
    if logs_as_json():
        log.error(reason)
    else:
        err.print(f"[bold red]error:[/] {escape(reason)}")


def fail(reason: str, code: int = EXIT_ERROR) -> typer.Exit:
    """Say what is wrong in one line; the caller raises what this returns."""
    error(reason)
    return typer.Exit(code)


def settings_of(ctx: typer.Context) -> Settings:
    settings = ctx.obj
    assert isinstance(settings, Settings)
    return settings


def config_of(settings: Settings) -> BriefbotConfig:
    return guard(lambda: load_config(settings.config))


def say_summariser(settings: Settings) -> None:
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


def print_markdown(text: str) -> None:
    if out.is_terminal:
        out.print(Markdown(text, hyperlinks=True))
    else:
        print(text)


@app.callback()
def _main(
    ctx: typer.Context,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="Log progress and details.")
    ] = False,
) -> None:
    settings = guard(load_settings)
    # Library chatter (trafilatura, httpx) is not for users unless they ask; secrets are
    # redacted from every record whatever the format.
    setup_logging(settings, verbose=verbose, instance=instance_id())
    ctx.obj = settings
