"""Observability: logs (text or JSON lines, with run and request ids, secrets redacted) and
Prometheus metrics. Nothing here is created at import time: `setup_logging` is called once by
the CLI; `Metrics` is built per running app.

Secrets (tokens, passwords, API keys, webhook URLs, the database password) are replaced by
`[redacted]` in every formatted record, whatever logged them (our code, a library, a
traceback), so they never reach a log.
"""

from __future__ import annotations

import json
import logging
import os
import socket
import sys
import time
import uuid
from collections.abc import Awaitable, Callable, Iterable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from datetime import UTC, datetime
from typing import Any
from urllib.parse import urlsplit

from aiohttp import web
from prometheus_client import CollectorRegistry, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.registry import Collector

from bot.config import Settings

run_id: ContextVar[str | None] = ContextVar("run_id", default=None)
request_id: ContextVar[str | None] = ContextVar("request_id", default=None)

# Libraries whose chatter is not for users unless they ask (-v): extraction noise is dropped,
# network libraries keep their warnings.
SILENT = ("trafilatura", "htmldate", "charset_normalizer")
QUIET = (
    "httpx",
    "httpcore",
    "httpx2",  # the openai client's copy of httpx: a line per model call at INFO
    "httpcore2",
    "aiosqlite",
    "apscheduler",
    "slack_bolt",
    "slack_sdk",
    "microsoft_agents",
)


def instance_id() -> str:
    """Who this process is, in claims, logs and the User-Agent (host and pid)."""
    return f"{socket.gethostname()}-{os.getpid()}"


def secrets_of(settings: Settings) -> list[str]:
    """Every configured secret value worth hiding (short values would redact noise)."""
    values = [
        settings.slack_bot_token.get_secret_value(),
        settings.slack_signing_secret.get_secret_value(),
        settings.slack_app_token.get_secret_value(),
        settings.llm_api_key.get_secret_value(),
        settings.openai_api_key.get_secret_value(),
        settings.azure_openai_api_key.get_secret_value(),
        settings.microsoft_app_password.get_secret_value(),
        *(url.get_secret_value() for url in settings.teams_webhooks.values()),
    ]
    password = urlsplit(settings.database_url).password if settings.database_url else None
    if password:
        values.append(password)
    # A webhook URL's signature is a secret on its own, wherever it shows up.
    for url in settings.teams_webhooks.values():
        query = urlsplit(url.get_secret_value()).query
        values += [part.split("=", 1)[1] for part in query.split("&") if "=" in part]
    return sorted({v for v in values if len(v) >= 8}, key=len, reverse=True)


class JsonFormatter(logging.Formatter):
    """One JSON object per record: time, level, logger, message, ids, exception."""

    def __init__(self, instance: str = "") -> None:
        super().__init__()
        self.instance = instance

    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if self.instance:
            entry["instance"] = self.instance
        if (rid := run_id.get()) is not None:
            entry["run_id"] = rid
        if (qid := request_id.get()) is not None:
            entry["request_id"] = qid
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, ensure_ascii=False)


class RedactingFormatter(logging.Formatter):
    """Wraps a formatter and removes secrets from what it produced."""

    def __init__(self, inner: logging.Formatter, secrets: Iterable[str]) -> None:
        super().__init__()
        self.inner = inner
        self.secrets = list(secrets)

    def format(self, record: logging.LogRecord) -> str:
        text = self.inner.format(record)
        for secret in self.secrets:
            text = text.replace(secret, "[redacted]")
        return text


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever sys.stderr is at the time (test runners swap it)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def setup_logging(
    settings: Settings, *, verbose: bool = False, stream: Any = None, instance: str = ""
) -> logging.Handler:
    """Configure the root logger once (replacing earlier handlers); returns the handler."""
    inner: logging.Formatter = (
        JsonFormatter(instance)
        if settings.log_format == "json"
        else logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s")
    )
    handler: logging.Handler = (
        logging.StreamHandler(stream) if stream is not None else _StderrHandler()
    )
    handler.setFormatter(RedactingFormatter(inner, secrets_of(settings)))
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(logging.DEBUG if verbose else settings.log_level.upper())
    for name in SILENT:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.CRITICAL)
    for name in QUIET:
        logging.getLogger(name).setLevel(logging.DEBUG if verbose else logging.WARNING)
    return handler


def logs_as_json() -> bool:
    """Whether `setup_logging` set up JSON lines (the CLI then sends its notes and errors
    through the log, so a container's stderr is JSON from its first line)."""
    return any(
        isinstance(h.formatter, RedactingFormatter) and isinstance(h.formatter.inner, JsonFormatter)
        for h in logging.getLogger().handlers
    )


@contextmanager
def run_context(kind: str) -> Iterator[str]:
    """A run id for everything logged inside (a collection, a delivery round)."""
    value = f"{kind}-{uuid.uuid4().hex[:12]}"
    token = run_id.set(value)
    try:
        yield value
    finally:
        run_id.reset(token)


# ---------------------------------------------------------------------- metrics


StoreFigures = Callable[[], Awaitable[list[Metric]]]


class _Families(Collector):
    def __init__(self, families: list[Metric]) -> None:
        self.families = families

    def collect(self) -> Iterable[Metric]:
        return self.families


class Metrics:
    """Request latencies measured here (each response also says its own in a `Server-Timing`
    header); everything else read from the database at scrape time (so the figures are the
    same, and not double-counted, whichever replica is scraped)."""

    def __init__(self, store_figures: StoreFigures) -> None:
        self.registry = CollectorRegistry()
        self.request_seconds = Histogram(
            "briefbot_request_seconds",
            "Time to answer an HTTP request, by route and status.",
            ["route", "status"],
            registry=self.registry,
            # fine below 0.15 s, where an ack lives (Slack waits 3 s), so p99 means something:
            # at most 10 ms wide up to 0.1 s (a quantile is interpolated inside its bucket)
            buckets=(
                0.005,
                0.01,
                0.015,
                0.02,
                0.03,
                0.04,
                0.05,
                0.06,
                0.07,
                0.08,
                0.09,
                0.1,
                0.125,
                0.15,
                0.2,
                0.25,
                0.35,
                0.5,
                0.75,
                1,
                2.5,
                5,
                10,
            ),
        )
        self.store_figures = store_figures

    async def exposition(self) -> bytes:
        per_scrape = CollectorRegistry()
        per_scrape.register(_Families(await self.store_figures()))
        return generate_latest(self.registry) + generate_latest(per_scrape)

    def middleware(self) -> Any:
        @web.middleware
        async def measure(
            request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
        ) -> web.StreamResponse:
            token = request_id.set(request.headers.get("X-Request-Id") or uuid.uuid4().hex[:16])
            started = time.perf_counter()
            status = 500
            response: web.StreamResponse | None = None
            try:
                response = await handler(request)
                status = response.status
                return response
            except web.HTTPException as exc:
                status = exc.status
                raise
            finally:
                took = time.perf_counter() - started
                route = request.match_info.route.resource
                name = route.canonical if route is not None else "unmatched"
                self.request_seconds.labels(name, str(status)).observe(took)
                if response is not None and not response.prepared:
                    # The very time observed, exact, for whoever wants more than a bucket
                    # (bench/slack_ack.py's server-side percentiles; a browser's devtools).
                    response.headers["Server-Timing"] = f"app;dur={took * 1000:.3f}"
                request_id.reset(token)

        return measure


def gauge(name: str, doc: str, labels: list[str], rows: Iterable[tuple[Any, ...]]) -> Metric:
    family = GaugeMetricFamily(name, doc, labels=labels)
    for *values, number in rows:
        family.add_metric([str(v) for v in values], float(number or 0))
    return family


def store_metrics(figures: dict[str, list[tuple[Any, ...]]]) -> list[Metric]:
    """The store's counts as Prometheus gauges (totals across every replica)."""
    return [
        gauge(
            "briefbot_articles",
            "Articles collected, by topic and source.",
            ["topic", "source"],
            figures["articles"],
        ),
        gauge(
            "briefbot_sources_failing",
            "Sources whose last fetch failed, by topic.",
            ["topic"],
            figures["sources_failing"],
        ),
        gauge(
            "briefbot_summaries",
            "Stored article summaries, by summariser (offline or the model).",
            ["summariser"],
            figures["summaries"],
        ),
        gauge(
            "briefbot_llm_tokens",
            "Language-model tokens used, by purpose and kind.",
            ["purpose", "kind"],
            [(p, "prompt", n) for p, n in figures["llm_prompt_tokens"]]
            + [(p, "completion", n) for p, n in figures["llm_completion_tokens"]],
        ),
        gauge(
            "briefbot_deliveries",
            "Briefing deliveries, by platform and status (posted, claimed, failed).",
            ["platform", "status"],
            figures["deliveries"],
        ),
        gauge(
            "briefbot_delivery_retries",
            "Delivery attempts beyond the first, by platform.",
            ["platform"],
            figures["delivery_retries"],
        ),
    ]
