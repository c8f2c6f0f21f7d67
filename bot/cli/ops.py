"""Operations commands: run, migrate, status, deliveries, retry-delivery.

They open only what they need: `status` and `deliveries` read the store (and refuse a
schema that is not current rather than migrating it), `retry-delivery` builds the app's
delivery platforms, `run` the whole app.
"""

from __future__ import annotations

import json
import logging
import re
from dataclasses import asdict, replace
from datetime import UTC, date, datetime
from typing import Annotated

import typer
from rich.markup import escape

from bot.cli.common import (
    EXIT_USAGE,
    Format,
    FormatOption,
    app,
    config_of,
    fail,
    guard,
    out,
    run_async,
    say_summariser,
    settings_of,
)
from bot.cli.tables import deliveries_table, next_runs_table, sources_table
from bot.config import check_settings
from bot.deliver import DeliveryResult
from bot.deliver.service import merge_subscriptions
from bot.schedule import NextRun, next_runs
from bot.slack.app import build_web_client
from bot.slack.channels import ChannelResolver, channel_labels
from bot.store.articles import SourceRow
from bot.store.deliveries import DeliveryRecord
from bot.store.migrations import latest_version
from bot.wiring import open_app, open_store

log = logging.getLogger(__name__)


@app.command()
def status(ctx: typer.Context) -> None:
    """Sources (last fetch, errors), the next runs (each briefing's schedule from the file or
    chat, or muted), and the last deliveries."""
    settings = settings_of(ctx)
    config = config_of(settings)

    async def labels() -> dict[str, str]:
        """Slack channels as `#name (id)`, when a bot token lets briefbot ask Slack."""
        if not settings.slack_bot_token.get_secret_value():
            return {}
        try:
            return await channel_labels(config, ChannelResolver(build_web_client(settings)))
        except Exception as exc:  # status must show what it can without Slack
            log.warning("could not name the Slack channels: %s", exc)
            return {}

    async def go() -> tuple[list[SourceRow], list[NextRun], list[DeliveryRecord]]:
        named = await labels()
        async with open_store(settings, migrate=False) as store:
            muted = await store.deliveries.muted()
            subs = merge_subscriptions(config, await store.deliveries.subscriptions(), muted)
            silenced = [s for s in merge_subscriptions(config, []) if s.key in muted]
            upcoming = [
                replace(run, run=_named(run.run, named))
                for run in next_runs(
                    config, await store.ops.runs(), subs, datetime.now(UTC), muted=silenced
                )
            ]
            return (
                await store.articles.list_sources(),
                upcoming,
                await store.deliveries.deliveries(last=10),
            )

    sources, upcoming, recent = run_async(go)
    out.print(sources_table(sources))
    out.print(next_runs_table(upcoming))
    out.print(deliveries_table("Last deliveries", recent))


def _named(text: str, labels: dict[str, str]) -> str:
    """A run's description with each Slack channel shown as `#name (id)`."""
    if not labels:
        return text
    pattern = re.compile("|".join(re.escape(k) for k in sorted(labels, key=len, reverse=True)))
    return pattern.sub(lambda m: labels[m.group(0)], text)


@app.command()
def deliveries(
    ctx: typer.Context,
    on: Annotated[
        str | None, typer.Option("--date", help="The channels' local date (default: today, UTC).")
    ] = None,
    fmt: FormatOption = Format.md,
) -> None:
    """What was posted where on a date (and what failed or is still claimed)."""
    settings = settings_of(ctx)
    day = on or datetime.now(UTC).date().isoformat()
    try:
        date.fromisoformat(day)
    except ValueError:
        raise fail(f"{day} is not a date; use YYYY-MM-DD", EXIT_USAGE) from None

    async def go() -> list[DeliveryRecord]:
        async with open_store(settings, migrate=False) as store:
            return await store.deliveries.deliveries(date=day)

    rows = run_async(go)
    if fmt is Format.json:
        out.print_json(json.dumps([asdict(r) for r in rows], default=str))
    elif rows:
        out.print(deliveries_table(f"Deliveries on {day}", rows))
    else:
        out.print(f"No deliveries on {day}.")


@app.command("retry-delivery")
def retry_delivery(
    ctx: typer.Context, delivery_id: Annotated[int, typer.Argument(help="From `deliveries`.")]
) -> None:
    """Post a failed or stuck delivery again now (never one that was posted)."""
    settings = settings_of(ctx)
    config = config_of(settings)

    async def go() -> DeliveryResult:
        async with open_app(settings, config) as parts:
            return await parts.deliveries.retry(delivery_id)

    result = run_async(go)
    ref = escape(result.message_ref or "")
    if result.outcome == "skipped":
        out.print(f"Delivery {delivery_id} was already posted ({ref}).")
    elif result.outcome == "failed":
        raise fail(f"delivery {delivery_id} failed again: {result.error or ''}")
    else:
        verb = "was found already in the channel" if result.outcome == "found" else "is posted"
        out.print(f"Delivery {delivery_id} {verb} ({ref}).")


@app.command()
def migrate(ctx: typer.Context) -> None:
    """Apply pending database migrations (a deploy step before replicas start)."""
    from bot.store import Store

    settings = settings_of(ctx)

    async def go() -> list[int]:
        store = Store.from_url(
            settings.resolved_database_url(), busy_timeout=settings.db_busy_timeout
        )
        try:
            return await store.db.migrate()
        finally:
            await store.close()

    applied = run_async(go)
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
    from bot.runtime import serve

    settings = settings_of(ctx)
    config = config_of(settings)
    guard(lambda: check_settings(settings))
    say_summariser(settings)
    run_async(lambda: serve(settings, config))
