"""Briefing synthesis (map then reduce) through the real client and a local server: checked
headlines, degraded-but-complete briefings, the token budget, and a second run that costs
nothing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from bot.briefing.compose import BriefingService, compose
from bot.briefing.synthesis import BriefingSynthesiser, story_blocks
from bot.collect.extract import extract_text
from bot.config import TopicConfig
from bot.llm.openai_compat import OpenAICompatibleLLM
from bot.llm.usage import UsageLog
from bot.models import Article, KeyPoint, Summary
from bot.store import Store
from bot.store.articles import NewArticle
from bot.summarise.cached import CachedSummaries
from bot.summarise.llm import LLMSummariser
from testkit.openai_server import FakeOpenAI, echo_model, reply_json, status
from tests.helpers.clock import Clock

NOW = datetime(2026, 11, 24, 8, tzinfo=UTC)
TOPIC = TopicConfig(name="steel", title="Steel talks")
ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"


def art(i: int, story: int) -> Article:
    return Article(
        id=i,
        topic="steel",
        url=f"https://n.test/{i}",
        canonical_url=f"https://n.test/{i}",
        title=f"A{i}",
        text="…",
        source="s",
        fetched_at=NOW - timedelta(hours=i),
        content_hash=str(i),
        site_name=f"Site {i}",
        relevance=0.5,
        story_id=story,
        terms=frozenset({f"city{story}", f"place{story}", f"name{story}"}),
    )


def extractive(stories: int = 3) -> Any:
    summaries = {
        s: Summary(
            (
                KeyPoint(f"Negotiators met in city {s} about steel quotas.", (0,)),
                KeyPoint(f"Workers in city {s} protested outside.", (1,)),
            ),
            (),
            "x",
            "1",
        )
        for s in range(1, stories + 1)
    }
    return compose(
        topic=TOPIC,
        window_start=NOW - timedelta(days=1),
        window_end=NOW,
        generated_at=NOW,
        articles=[art(s, s) for s in range(1, stories + 1)],
        summaries=summaries,
        previous_briefing_at=None,
    )


async def test_headlines_are_checked(llm: OpenAICompatibleLLM, fake_llm: FakeOpenAI) -> None:
    briefing = extractive()
    fake_llm.script(
        reply_json(
            {
                "stories": [
                    {
                        "story": 1,
                        "headline": "Negotiators met in city 1 over steel quotas",
                        "citations": [1],
                    },
                    {
                        "story": 2,
                        "headline": "Negotiators met in city 2",
                        "citations": [1],
                    },  # not story 2's
                    {
                        "story": 3,
                        "headline": "Aliens landed on the moon",
                        "citations": [3],
                    },  # unsupported
                ]
            }
        )
    )
    result = await BriefingSynthesiser(llm).synthesise(briefing)
    assert result.stories[0].headline.text == "Negotiators met in city 1 over steel quotas"
    assert result.stories[0].points[0] == briefing.stories[0].headline  # extractive lead kept
    assert result.stories[1] == briefing.stories[1]
    assert result.stories[2] == briefing.stories[2]
    assert result.degraded  # an ungrounded headline was replaced: partly degraded
    sent = fake_llm.requests[0]["messages"][-1]["content"]
    assert "<stories>\nStory 1:" in sent and sent.endswith("</stories>") and "Story 3:" in sent


async def test_model_down_gives_the_extractive_briefing_marked_degraded(
    llm: OpenAICompatibleLLM, fake_llm: FakeOpenAI
) -> None:
    fake_llm.default = status(503)
    briefing = extractive()
    result = await BriefingSynthesiser(llm).synthesise(briefing)
    assert result.degraded and result.stories == briefing.stories


async def test_token_budget_limits_what_is_sent(
    llm: OpenAICompatibleLLM, fake_llm: FakeOpenAI
) -> None:
    briefing = extractive(10)
    assert len(story_blocks(briefing, 10_000)) == 10
    small = story_blocks(briefing, 60)
    assert 1 <= len(small) < 10
    fake_llm.default = echo_model
    await BriefingSynthesiser(llm, token_budget=60).synthesise(briefing)
    assert fake_llm.requests[0]["messages"][-1]["content"].count("Story ") == len(small)


async def add(store: Store, clock: Clock, name: str) -> None:
    a = extract_text((ARTICLES / name).read_text(encoding="utf-8"), "")
    await store.articles.add_article(
        NewArticle(
            topic="steel",
            url=f"https://x.test/{name}",
            canonical_url=f"https://x.test/{name}",
            source="t",
            title=a.title,
            text=a.text,
            fetched_at=clock.now(),
            content_hash=name,
            signature="",
            terms=(),
            relevance=1,
            relevant=True,
            relevance_reason="",
            story_id=None,
            duplicate_of=None,
        ),
        new_story=True,
    )


async def test_second_briefing_the_same_day_costs_no_tokens(
    llm: OpenAICompatibleLLM, fake_llm: FakeOpenAI, store: Store, clock: Clock
) -> None:
    fake_llm.default = echo_model
    for name in ("a-wire.txt", "c-pronouns.txt", "e-adding.txt"):
        await add(store, clock, name)
    clock.advance(hours=1)
    usage = UsageLog(store.ops, now=clock.now)
    service = BriefingService(
        store.articles,
        store.deliveries,
        CachedSummaries(store.articles, LLMSummariser(llm, usage=usage), now=clock.now),
        now=clock.now,
        synthesiser=BriefingSynthesiser(llm, usage=usage),
    )
    first = await service.brief(TOPIC)
    assert len(fake_llm.requests) == 2  # three short articles in one request, one synthesis
    assert all(s.headline.text.startswith("Update: ") for s in first.stories)
    clock.advance(minutes=20)
    second = await service.brief(TOPIC)
    assert len(fake_llm.requests) == 2 and second.stories == first.stories
    calls = await store.ops.llm_usage(NOW - timedelta(days=1))
    assert [c.purpose for c in calls].count("briefing") == 1
    assert {c.briefing_date for c in calls} == {"2026-11-24"}
