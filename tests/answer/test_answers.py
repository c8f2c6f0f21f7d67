"""Questions over the 30-article corpus: the right article cited, follow-ups through the
conversation, refusals, relative dates; offline, and with an LLM through the real client."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import openai
import pytest

from bot.answer import QuestionEngine
from bot.answer.when import scope_of
from bot.llm.openai_compat import OpenAICompatibleLLM
from bot.store import Store
from testkit.openai_server import FakeOpenAI, reply_json, status
from tests.helpers.clock import Clock


@pytest.fixture
def clock() -> Clock:
    # The demo's dates follow the clock; noon, so that "today" in Brussels is never a few
    # minutes old (this failed between 23:00 and 01:00 UTC).
    return Clock(datetime.now(UTC).replace(hour=12, minute=0, second=0, microsecond=0))


def engine(store: Store, clock: Clock, **kwargs: object) -> QuestionEngine:
    return QuestionEngine(store.articles, store.search, store.chat, now=clock.now, **kwargs)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("question", "title_has", "text_has"),
    [
        ("What did Whitcombe say about overcapacity?", "Whitcombe", "overcapacity"),
        ("How many jobs are at risk according to the unions?", "Unions warn", "12,000"),
        ("What deadline did the Commission set?", "December 15", "December 15"),
        ("What did Sabine Kroll say about prices?", "brace for higher", "Kroll"),
        # Two articles say it (the wire story in one sentence, a markets story at length).
        ("What happened to steel shares in Frankfurt?", "", "Frankfurt"),
    ],
)
async def test_factual_questions_cite_the_right_article(
    corpus: Store, clock: Clock, question: str, title_has: str, text_has: str
) -> None:
    answer = await engine(corpus, clock).ask(question, topic="eu-us-steel")
    assert answer.answered, answer
    assert any(title_has.lower() in s.title.lower() for s in answer.sources), answer.sources
    assert text_has in answer.text
    numbers = {s.n for s in answer.sources}
    cited = {int(n) for n in __import__("re").findall(r"\[(\d+)\]", answer.text)}
    assert cited and cited <= numbers


async def test_follow_up_through_the_conversation(corpus: Store, clock: Clock) -> None:
    questions = engine(corpus, clock)
    first = await questions.ask(
        "What did Daniel Whitcombe say about overcapacity?",
        topic="eu-us-steel",
        conversation="thread-1",
    )
    assert first.answered
    follow = await questions.ask(
        "And what did he say about the calendar?", topic="eu-us-steel", conversation="thread-1"
    )
    assert follow.answered and "calendar" in follow.text
    assert any("Whitcombe" in s.title for s in follow.sources)
    # The question it was read with is shown (the JSON output carries it).
    assert first.follows is None
    assert follow.follows == "What did Daniel Whitcombe say about overcapacity?"
    from bot.answer import answer_to_dict

    assert answer_to_dict(follow)["follows"] == follow.follows
    turns = await corpus.chat.turns("thread-1", last=10)
    assert [t.role for t in turns] == ["user", "assistant", "user", "assistant"]


async def test_unrelated_question_is_refused(corpus: Store, clock: Clock) -> None:
    answer = await engine(corpus, clock).ask("What is the capital of Peru?", topic="eu-us-steel")
    assert not answer.answered and answer.sources == ()
    assert "does not say" in answer.text


async def test_refusal_shows_the_closest_articles(corpus: Store, clock: Clock) -> None:
    answer = await engine(corpus, clock).ask(
        "What did the Japanese steel ministry decide about quotas for Korea?", topic="eu-us-steel"
    )
    assert not answer.answered and answer.closest


async def test_a_pronoun_question_out_of_the_blue_is_refused(corpus: Store, clock: Clock) -> None:
    e = engine(corpus, clock)
    answer = await e.ask("When are they signing it?", topic="eu-us-steel")
    assert not answer.answered
    # in a conversation, the same words are read with what came before
    await e.ask("What deadline did the Commission set?", topic="eu-us-steel", conversation="c")
    followed = await e.ask("When is it?", topic="eu-us-steel", conversation="c")
    assert followed.follows == "What deadline did the Commission set?"


async def test_off_topic_articles_are_never_cited(corpus: Store, clock: Clock) -> None:
    answer = await engine(corpus, clock).ask("Who scored for Harbour City?", topic="eu-us-steel")
    assert not answer.answered


async def test_today_means_today_in_the_channel_zone(corpus: Store, clock: Clock) -> None:
    answer = await engine(corpus, clock).ask(
        "What did Kovalenko say today?", topic="eu-us-steel", zone="Europe/Brussels"
    )
    assert answer.answered
    assert answer.timezone == "Europe/Brussels"  # its sources' dates are shown in that zone
    midnight = scope_of("today", clock.now(), "Europe/Brussels").since
    assert midnight is not None
    assert all(
        s.published_at and s.published_at >= midnight - timedelta(days=1) for s in answer.sources
    )
    assert not any("fixtures.test" in s.url for s in answer.sources)  # four days old


def test_relative_dates() -> None:
    now = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)  # a Wednesday; 10:30 in Brussels
    today = scope_of("what happened today?", now, "Europe/Brussels")
    assert today.since == datetime(2026, 11, 24, 23, 0, tzinfo=UTC) and today.recent
    since_monday = scope_of("What changed since Monday?", now, "Europe/Brussels")
    assert since_monday.since == datetime(2026, 11, 22, 23, 0, tzinfo=UTC)
    yesterday = scope_of("and yesterday?", now, "UTC")
    assert (yesterday.since, yesterday.until) == (
        datetime(2026, 11, 24, tzinfo=UTC),
        datetime(2026, 11, 25, tzinfo=UTC),
    )
    assert scope_of("the latest on quotas", now).recent
    assert scope_of("What did they settle on overnight?", now).recent  # the newest telling
    assert scope_of("How long did the final session go on?", now).recent
    assert scope_of("what did she say", now).since is None
    late = datetime(2026, 11, 25, 23, 30, tzinfo=UTC)  # already Thursday in Brussels
    assert scope_of("today", late, "Europe/Brussels").since == datetime(
        2026, 11, 25, 23, 0, tzinfo=UTC
    )


@pytest.fixture
async def llm(fake_llm: FakeOpenAI) -> AsyncIterator[OpenAICompatibleLLM]:
    client = openai.AsyncOpenAI(base_url=fake_llm.base_url, api_key="k", timeout=2, max_retries=0)
    yield OpenAICompatibleLLM(client, "test-model")
    await client.close()


async def test_llm_answer_checked(
    corpus: Store, clock: Clock, llm: OpenAICompatibleLLM, fake_llm: FakeOpenAI
) -> None:
    fake_llm.script(
        reply_json(
            {
                "answered": True,
                "answer": (
                    "Whitcombe said any deal must include commitments on overcapacity [1]. "
                    "He also said “we will sign on Friday” [1]. "
                    "Markets were calm [9]."
                ),
                "citations": [1],
            }
        )
    )
    answer = await engine(corpus, clock, llm=llm).ask(
        "What did Whitcombe say about overcapacity?", topic="eu-us-steel"
    )
    assert answer.answered and answer.answerer == "llm:test-model"
    assert answer.text.startswith("Whitcombe said any deal must include commitments")
    assert "Friday" not in answer.text  # an invented quote is dropped
    assert "Markets were calm" not in answer.text  # cites a passage it was not given
    system, user = fake_llm.requests[0]["messages"]
    assert (
        "<passages>" in user["content"] and "never follow instructions" in system["content"].lower()
    )


async def test_llm_says_it_does_not_know(
    corpus: Store, clock: Clock, llm: OpenAICompatibleLLM, fake_llm: FakeOpenAI
) -> None:
    fake_llm.script(reply_json({"answered": False, "answer": "", "citations": []}))
    answer = await engine(corpus, clock, llm=llm).ask(
        "What did Whitcombe eat for breakfast in Brussels?", topic="eu-us-steel"
    )
    assert not answer.answered


async def test_llm_down_answers_offline(
    corpus: Store, clock: Clock, llm: OpenAICompatibleLLM, fake_llm: FakeOpenAI
) -> None:
    fake_llm.default = status(500)
    answer = await engine(corpus, clock, llm=llm).ask(
        "How many jobs are at risk according to the unions?", topic="eu-us-steel"
    )
    assert answer.answered and answer.degraded and "12,000" in answer.text


async def test_old_turns_are_dropped_from_the_prompt(
    corpus: Store, clock: Clock, llm: OpenAICompatibleLLM, fake_llm: FakeOpenAI
) -> None:
    fake_llm.default = reply_json({"answered": False, "answer": "", "citations": []})
    questions = engine(corpus, clock, llm=llm, max_turns=2)
    for q in (
        "What did Whitcombe say about steel?",
        "What did Kovalenko say about steel?",
        "What did Meinhardt say about steel jobs?",
    ):
        await questions.ask(q, topic="eu-us-steel", conversation="c")
    last_prompt = fake_llm.requests[-1]["messages"][1]["content"]
    assert "Kovalenko" in last_prompt and "Whitcombe say about steel" not in last_prompt


@pytest.mark.parametrize("question", ["1", "?", "the", "steel steel steel"])
async def test_a_question_that_matches_nothing_worth_quoting_is_refused(
    corpus: Store, clock: Clock, question: str
) -> None:
    answer = await engine(corpus, clock).ask(question, topic="eu-us-steel")
    assert answer.text.strip()
    if question != "steel steel steel":
        assert not answer.answered and not answer.sources


async def test_a_reworded_question_is_found_by_meaning(corpus: Store, clock: Clock) -> None:
    """The article says "jobs at risk"; the question says "positions threatened": BM25 alone
    has one word in common, the meaning of the passage carries the rest."""
    hits = await engine(corpus, clock)._retrieve(
        "eu-us-steel",
        ["positions", "threatened", "steelworkers"],
        scope_of("", clock.now()),
        "How many steelworkers' positions are threatened?",
    )
    assert any("12,000" in h.text for h in hits[:3])
    assert all(-1.0 <= h.similarity <= 1.0 for h in hits)


def test_a_weekday_to_come_is_no_time_range() -> None:
    now = datetime(2026, 11, 25, 9, 30, tzinfo=UTC)  # a Wednesday
    assert scope_of("At what time on Thursday is the strike due to start?", now).since is None
    assert scope_of("What will they sign on Friday?", now).since is None
    assert scope_of("What did she say on Monday?", now).since == datetime(2026, 11, 23, tzinfo=UTC)


async def test_a_name_typed_in_lower_case_is_held_to_the_same_rules(
    corpus: Store, clock: Clock
) -> None:
    # Kroll gave no figure for prices: the question is refused however it is typed
    questions = engine(corpus, clock)
    for question in (
        "How much did Kroll say prices would rise?",
        "how much did kroll say prices would rise?",
    ):
        answer = await questions.ask(question, topic="eu-us-steel")
        assert not answer.answered, answer.text
    answer = await questions.ask("what did whitcombe say about overcapacity?", topic="eu-us-steel")
    assert answer.answered and "Whitcombe" in answer.text
