"""Block Kit rendering (pure): golden files, hostile text made harmless, Slack's limits."""

from __future__ import annotations

import json
from datetime import timedelta

from bot.chat import ScheduleLine, SourceLine, TopicSources
from bot.errors import BlockedURLError
from bot.models import (
    Briefing,
    BriefingPoint,
    BriefingQuote,
    BriefingStory,
    SourceRef,
)
from bot.slack.render import (
    MAX_BLOCKS,
    MAX_HEADER,
    MAX_SECTION,
    answer_blocks,
    briefing_blocks,
    error_text,
    escape,
    fallback_text,
    help_blocks,
    link,
    sources_blocks,
    split_messages,
    summary_blocks,
)
from tests.helpers.briefings import (
    NOW,
    build,
    day_briefing,
    hostile_briefing,
    sample_answer,
    sample_ondemand_summary,
)
from tests.helpers.golden import golden


def texts(blocks: list[dict[str, object]]) -> str:
    return json.dumps(blocks, ensure_ascii=False)


def test_briefing_golden() -> None:
    blocks = briefing_blocks(build(previous=NOW - timedelta(hours=24)))
    golden("slack-briefing.json", json.dumps(blocks, ensure_ascii=False, indent=2) + "\n")


def test_empty_briefing_golden() -> None:
    golden(
        "slack-briefing-empty.json", json.dumps(briefing_blocks(build(empty=True)), indent=2) + "\n"
    )


def test_escape_and_links() -> None:
    assert escape("<!channel> & <@U1>") == "&lt;!channel&gt; &amp; &lt;@U1&gt;"
    assert link("https://good.test/a|b>c", "Title <!here>") == (
        "<https://good.test/a%7Cb%3Ec|Title &lt;!here&gt;>"
    )
    assert link("javascript:alert(1)", "click") == "click"  # only http(s) targets become links


def test_hostile_text_cannot_ping_or_hide_links() -> None:
    blocks = briefing_blocks(hostile_briefing())
    dumped = texts(blocks)
    for forbidden in ("<!channel>", "<!here>", "<@U123>", "<#C999>", "<https://evil.example|"):
        assert forbidden not in dumped
    # the only links are ours, to stored URLs, labelled with escaped text
    links = [m for block in blocks for m in _links(block)]
    assert links and all(url.startswith("https://news.test/") for url, _ in links)
    assert "<!channel>" not in fallback_text(hostile_briefing())


def _links(block: object) -> list[tuple[str, str]]:
    import re

    found = re.findall(r"<(https?://[^|>]+)\|([^>]*)>", json.dumps(block, ensure_ascii=False))
    return [(u, label) for u, label in found]


def big_day() -> Briefing:
    refs = tuple(
        SourceRef(
            i,
            i,
            f"Article {i} " + "long title " * 20,
            f"https://news.test/{i}",
            site=f"Site {i % 9}",
            published_at=NOW,
        )
        for i in range(1, 101)
    )
    stories = tuple(
        BriefingStory(
            i,
            BriefingPoint("Headline " + "word " * 200, tuple(range(1, 101))),
            tuple(BriefingPoint("Point " + "word " * 150, (i,)) for _ in range(2)),
            tuple(range(1, 101)),
            i % 2 == 0,
            NOW,
        )
        for i in range(1, 61)
    )
    quotes = tuple(BriefingQuote("quote " * 80, "Someone", i) for i in range(1, 7))
    return day_briefing("A very long topic title " * 10, stories, quotes, refs)


def test_a_hundred_article_day_fits_slacks_limits() -> None:
    blocks = briefing_blocks(big_day())
    messages = split_messages(blocks)
    assert len(messages) >= 2 and all(len(m) <= MAX_BLOCKS for m in messages)
    assert sum(len(m) for m in messages) == len(blocks)  # split, never dropped
    assert messages[0][0]["type"] == "header"
    assert len(messages[0][0]["text"]["text"]) <= MAX_HEADER
    for block in blocks:
        if block["type"] == "section":
            assert len(block["text"]["text"]) <= MAX_SECTION
        if block["type"] == "context":
            assert len(block["elements"]) <= 10
    assert len(fallback_text(big_day())) <= 300


# ---------------------------------------------------------------------- answers, summaries, help


def test_answer_golden() -> None:
    golden("slack-answer.json", json.dumps(answer_blocks(sample_answer()), indent=2) + "\n")
    golden(
        "slack-answer-refused.json",
        json.dumps(
            answer_blocks(sample_answer(False, "The coverage I have does not say.")), indent=2
        )
        + "\n",
    )


def test_answer_citations_link_only_to_its_sources() -> None:
    text = texts(answer_blocks(sample_answer(text="<!channel> see [1] and [9] <https://evil|x>")))
    assert "<https://news.test/talks|[1]>" in text
    assert "[9]" in text and "|[9]>" not in text  # no such source: stays plain
    assert "<!channel>" not in text and "<https://evil|x>" not in text


def test_summary_golden() -> None:
    golden(
        "slack-summary.json", json.dumps(summary_blocks(sample_ondemand_summary()), indent=2) + "\n"
    )
    assert "<!channel>" not in texts(summary_blocks(sample_ondemand_summary()))


def test_help_and_sources_golden() -> None:
    golden(
        "slack-help.json",
        json.dumps(help_blocks("I don't know `<!channel>`."), indent=2) + "\n",
    )
    topics = [
        TopicSources(
            "eu-us-steel",
            "EU–US steel",
            (SourceLine("Wirepoint feed", "ok, last fetched 24 Nov 07:00 UTC"),),
            (
                ScheduleLine("slack", "C0STEEL", "08:00", "Europe/Brussels", "file"),
                ScheduleLine("slack", "#not-an-id <!here>", "07:00", "UTC", "chat"),
                ScheduleLine("slack", "C0MUTED", "08:00", "Europe/Brussels", "muted"),
                ScheduleLine("teams", "19:steel@thread.tacv2", "09:00", "UTC", "chat"),
            ),
        )
    ]
    blocks = sources_blocks(topics)
    golden("slack-sources.json", json.dumps(blocks, indent=2, ensure_ascii=False) + "\n")
    assert "<#C0STEEL>" in texts(blocks) and "<!here>" not in texts(blocks)
    assert "set in briefbot.toml" in texts(blocks) and "muted from chat" in texts(blocks)


def test_error_text_never_shows_raw_exceptions() -> None:
    assert error_text(RuntimeError("secret /etc/passwd Traceback")) == (
        ":warning: Something went wrong on my side. Please try again in a minute."
    )
    assert error_text(BlockedURLError("refused: <private> address")) == (
        ":warning: I couldn't use that link: refused: &lt;private&gt; address."
    )


def test_answers_and_briefings_end_with_feedback_when_it_is_on() -> None:
    from bot.chat import AnswerReply, BriefingReply
    from bot.slack.render import reply_messages
    from tests.helpers.briefings import build

    def last_block(messages: list[tuple[str, list[dict[str, object]]]]) -> object:
        return messages[-1][1][-1]["type"]

    answered = AnswerReply(sample_answer())
    assert last_block(reply_messages(answered, feedback=True)) == "context_actions"
    assert last_block(reply_messages(answered)) != "context_actions"  # off unless asked
    refused = AnswerReply(sample_answer(False, "The coverage I have does not say."))
    assert last_block(reply_messages(refused, feedback=True)) != "context_actions"
    briefing = BriefingReply((build(),))
    assert last_block(reply_messages(briefing, feedback=True)) == "context_actions"
