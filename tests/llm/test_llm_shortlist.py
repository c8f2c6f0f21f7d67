"""Issue 18: the model sees an article's shortlist (numbered sentences and the parse's
numbered quotations), short articles go five to a request, and the briefing asks the model
only for the articles whose points it shows. The real openai client over HTTP against the
local stand-in server throughout."""

from __future__ import annotations

import json
import re
from pathlib import Path

from bot.briefing.compose import BriefingService, shown_articles
from bot.collect.extract import extract_text
from bot.llm.openai_compat import OpenAICompatibleLLM
from bot.llm.usage import UsageLog
from bot.store import Store
from bot.summarise import OfflineSummariser
from bot.summarise.cached import CachedSummaries
from bot.summarise.llm import LLMSummariser
from bot.summarise.shortlist import shortlist
from bot.text.sentences import split_sentences
from testkit.openai_server import FakeOpenAI, echo_model, reply_json
from tests.helpers.clock import Clock
from tests.llm.test_llm_summary import stored
from tests.llm.test_synthesis import TOPIC

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"
NAMES = sorted(p.name for p in ARTICLES.glob("*.txt"))
# Salient terms the fixture articles share: one story, whose points come from a few of them.
STORY = ("steel", "quota", "tariff", "negotiators", "aluminium", "talks")


def article(name: str) -> tuple[str, str]:
    a = extract_text((ARTICLES / name).read_text(encoding="utf-8"), "")
    return a.title, a.text


def schema_name(request: dict[str, object]) -> str:
    fmt = request.get("response_format") or {}
    assert isinstance(fmt, dict)
    return str(fmt.get("json_schema", {}).get("name", ""))


async def test_the_prompt_carries_the_shortlist_with_ids_not_the_full_text(
    llm: OpenAICompatibleLLM, fake_llm: FakeOpenAI
) -> None:
    fake_llm.default = echo_model
    title, text = article("a-wire.txt")
    sentences = split_sentences(text)
    await LLMSummariser(llm).summarise(title=title, text=text)
    system, user = fake_llm.requests[0]["messages"]
    numbered = dict(re.findall(r"^\[(\d+)\] (.*)$", user["content"], re.MULTILINE))
    assert 6 <= len(numbered) < len(sentences)  # a shortlist, each sentence with its id
    for i, shown in numbered.items():
        assert shown == " ".join(sentences[int(i)].text.split())
    # (a sentence that is all quotation is shown as its quotation, [Qn], not twice)
    left_out = [s for s in sentences if str(s.id) not in numbered and "“" not in s.text]
    assert left_out and not any(" ".join(s.text.split()) in user["content"] for s in left_out)
    assert "[Q1] Marta Kovalenko: “We have narrowed the gaps on volumes”" in user["content"]
    assert len(system["content"]) < 1000  # a short system prompt
    schema = fake_llm.requests[0]["response_format"]["json_schema"]["schema"]
    assert len(json.dumps(schema)) < 700  # the schema is prompt tokens too


async def test_quotes_come_only_from_the_candidates_with_the_parses_speakers(
    llm: OpenAICompatibleLLM, fake_llm: FakeOpenAI
) -> None:
    title, text = article("a-wire.txt")
    candidates = shortlist(title, text).quotes
    fake_llm.script(
        reply_json(
            {
                "key_points": [
                    {"text": "Talks made progress on steel quotas.", "sentence_ids": [0]}
                ],
                "quotes": [
                    {"id": 3},
                    {"id": 0},  # no such number
                    {"id": 99},
                    {"id": 5, "speaker": "Marta Kovalenko"},  # not whom the parse found
                    {"text": "We will sign the deal tomorrow"},  # not in the article
                ],
            }
        )
    )
    summary = await LLMSummariser(llm).summarise(title=title, text=text)
    assert [(q.text, q.speaker) for q in summary.quotes] == [
        (candidates[2].text, candidates[2].speaker)
    ]
    assert candidates[2].speaker == "Daniel Whitcombe" and candidates[4].speaker is not None
    assert summary.dropped_quotes == 4


async def test_a_batch_reply_is_mapped_back_by_article_number(
    llm: OpenAICompatibleLLM, fake_llm: FakeOpenAI
) -> None:
    items = [article(n) for n in NAMES[:3]]
    lists = [shortlist(t, x) for t, x in items]
    firsts = [s.sentences[0] for s in lists]
    # The model answers out of order; each article gets its own points back.
    fake_llm.script(
        reply_json(
            {
                "articles": [
                    {
                        "article": n,
                        "key_points": [
                            {"text": firsts[n - 1].text, "sentence_ids": [firsts[n - 1].id]}
                        ],
                        "quotes": [{"id": 1}],
                    }
                    for n in (3, 1, 2)
                ]
            }
        )
    )
    summaries = await LLMSummariser(llm).summarise_many(items)
    assert len(fake_llm.requests) == 1 and schema_name(fake_llm.requests[0]) == "article_summaries"
    user = fake_llm.requests[0]["messages"][-1]["content"]
    assert [int(n) for n in re.findall(r"^Article (\d+):$", user, re.MULTILINE)] == [1, 2, 3]
    for summary, first, s in zip(summaries, firsts, lists, strict=True):
        assert not summary.degraded and summary.key_points[0].text == " ".join(first.text.split())
        assert summary.quotes[0].text == s.quotes[0].text
        assert summary.prompt_tokens > 0


async def test_a_broken_batch_reply_falls_back_per_article(
    llm: OpenAICompatibleLLM, fake_llm: FakeOpenAI
) -> None:
    items = [article(n) for n in NAMES[:5]]
    first = shortlist(*items[0]).sentences[0]
    fake_llm.script(
        reply_json(
            {  # article 1 answered; 2 garbled; 3 a number out of range; 4 and 5 missing
                "articles": [
                    {
                        "article": 1,
                        "key_points": [{"text": first.text, "sentence_ids": [first.id]}],
                        "quotes": [],
                    },
                    {"article": 2, "key_points": "nope"},
                    {"article": 9, "key_points": [{"text": "x", "sentence_ids": [0]}]},
                ]
            }
        )
    )
    fake_llm.default = echo_model
    summaries = await LLMSummariser(llm).summarise_many(items)
    names = [schema_name(r) for r in fake_llm.requests]
    assert names == ["article_summaries"] + ["article_summary"] * 4  # 2-5 asked on their own
    assert all(not s.degraded for s in summaries)
    assert summaries[0].key_points[0].text == " ".join(first.text.split())
    asked_alone = [r["messages"][-1]["content"] for r in fake_llm.requests[1:]]
    for (title, _), summary in zip(items[1:], summaries[1:], strict=True):
        assert sum(f"Title: {title}" in u for u in asked_alone) == 1
        assert summary.key_points

    fake_llm.requests.clear()
    fake_llm.script(reply_json("not json at all"))
    summaries = await LLMSummariser(llm).summarise_many(items[:2])
    assert [schema_name(r) for r in fake_llm.requests] == [
        "article_summaries",
        "article_summary",
        "article_summary",
    ]
    assert all(not s.degraded for s in summaries)


async def test_grounding_still_drops_unsupported_points_in_a_batch(
    llm: OpenAICompatibleLLM, fake_llm: FakeOpenAI
) -> None:
    items = [article(n) for n in NAMES[:2]]
    lists = [shortlist(t, x) for t, x in items]
    fake_llm.script(
        reply_json(
            {
                "articles": [
                    {
                        "article": n,
                        "key_points": [
                            {"text": s.sentences[0].text, "sentence_ids": [s.sentences[0].id]},
                            {
                                "text": "Readers should log in at https://evil.example to confirm.",
                                "sentence_ids": [s.sentences[0].id],
                            },
                            # a sentence id it was not shown
                            {"text": "The talks collapsed in 1999.", "sentence_ids": [10_000]},
                        ],
                        "quotes": [],
                    }
                    for n, s in enumerate(lists, 1)
                ]
            }
        )
    )
    summaries = await LLMSummariser(llm).summarise_many(items)
    for summary in summaries:
        assert summary.dropped_points == 2 and summary.partly_degraded
        shown = json.dumps(summary.to_dict())
        assert "evil" not in shown and "1999" not in shown
        assert len(summary.key_points) >= 2  # the article's own sentences stood in


async def test_only_the_articles_the_briefing_shows_go_to_the_model(
    llm: OpenAICompatibleLLM, fake_llm: FakeOpenAI, store: Store, clock: Clock
) -> None:
    fake_llm.default = echo_model
    added = [await stored(store, clock, name, terms=STORY) for name in NAMES]
    clock.advance(hours=1)
    usage = UsageLog(store.ops, now=clock.now)
    summaries = CachedSummaries(
        store.articles,
        LLMSummariser(llm, usage=usage),
        now=clock.now,
        offline=OfflineSummariser(),
    )
    service = BriefingService(store.articles, store.deliveries, summaries, now=clock.now)
    briefing = await service.brief(TOPIC)
    sent = [r["messages"][-1]["content"] for r in fake_llm.requests]
    titles = {a.id: a.title for a in added}
    asked = {i for i, t in titles.items() if any(f"Title: {t}" in u for u in sent)}
    offline = await store.articles.get_summaries(
        titles, "offline", OfflineSummariser.prompt_version
    )
    assert len(offline) == len(added)  # every article has its extractive summary
    assert asked and len(asked) < len(added)  # the model saw only some of them …
    model = await store.articles.get_summaries(titles, "llm:test-model", "summarise_article@2")
    assert set(model) == asked  # … and each of them once, kept in the store
    # … the ones whose points the briefing shows.
    assert asked <= shown_articles(briefing, {**offline, **model})
    assert "llm:test-model" in briefing.summariser
    # The same day again: everything is cached, nothing is asked.
    before = len(fake_llm.requests)
    again = await service.brief(TOPIC)
    assert len(fake_llm.requests) == before and again.stories == briefing.stories
    calls = await store.ops.llm_usage(clock.now().replace(year=2000))
    assert len(calls) == before and all(c.purpose == "summary" for c in calls)
