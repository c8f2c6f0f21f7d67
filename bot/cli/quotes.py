"""`briefbot quotes`: who said what, from the stored verified quotes.

Parse → one `QuoteFinder.find` → render (`bot.answer.quotes`). A person with no quote in the
window is one line and exit 0; a bad date, zone or topic is one line and exit 2 or 1.
"""

from __future__ import annotations

import json
from dataclasses import replace
from datetime import UTC, datetime, time, timedelta
from typing import Annotated

import typer

from bot.answer.quotes import (
    QuoteFinder,
    QuoteList,
    no_quote_text,
    quotes_to_dict,
    quotes_to_markdown,
)
from bot.cli.common import (
    EXIT_USAGE,
    Format,
    FormatOption,
    TopicOption,
    TzOption,
    app,
    config_of,
    fail,
    guard,
    print_markdown,
    run_async,
    settings_of,
)
from bot.cli.content import parse_since
from bot.store.quotes import Quotes
from bot.text.when import in_zone, zone_of
from bot.wiring import open_store


def since_of(value: str, now: datetime, zone: str) -> datetime:
    """`today`, `yesterday` (local midnight in `zone`), or what `brief --since` takes."""
    word = value.strip().casefold()
    if word in ("today", "yesterday"):
        day = in_zone(now, zone).date() - timedelta(days=1 if word == "yesterday" else 0)
        return datetime.combine(day, time(0), zone_of(zone)).astimezone(UTC)
    try:
        return parse_since(value, now)
    except typer.BadParameter:
        raise fail(
            f"--since: {value!r} is not a date; use yesterday, 7d, 24h or 2026-11-24", EXIT_USAGE
        ) from None


@app.command()
def quotes(
    ctx: typer.Context,
    person: Annotated[
        str | None,
        typer.Argument(help="Whose quotes: a name, a surname or a role (the trade commissioner)."),
    ] = None,
    speaker: Annotated[
        str | None, typer.Option("--speaker", "-s", help="The same as PERSON.")
    ] = None,
    since: Annotated[
        str | None,
        typer.Option(help="Window start: yesterday, today, 7d, 24h, 2026-11-24 (default: all)."),
    ] = None,
    topic: TopicOption = None,
    fmt: FormatOption = Format.md,
    tz: TzOption = None,
) -> None:
    """Who said what: verbatim quotes from the coverage, newest first, with their sources."""
    settings = settings_of(ctx)
    if person and speaker and person.strip() != speaker.strip():
        raise fail("give the person once: as PERSON or as --speaker, not both.", EXIT_USAGE)
    who = (person or speaker or "").strip() or None
    chosen = guard(lambda: config_of(settings).topic(topic))[0] if topic else None
    zone = tz or (chosen.timezone if chosen else "UTC")
    now = datetime.now(UTC)
    start = since_of(since, now, zone) if since else None

    async def go() -> QuoteList:
        async with open_store(settings) as store:
            finder = QuoteFinder(Quotes(store.db), now=lambda: now)
            return await finder.find(chosen.name if chosen else None, who, since=start, until=now)

    found = replace(run_async(go), timezone=zone)
    if fmt is Format.json:
        print(json.dumps(quotes_to_dict(found), ensure_ascii=False, indent=2))
    elif not found.quotes:
        print(no_quote_text(found))
    else:
        print_markdown(quotes_to_markdown(found))
