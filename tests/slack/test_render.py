"""Block Kit rendering (pure): golden files, hostile text made harmless, Slack's limits."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta

from bot.models import Briefing, BriefingPoint, BriefingQuote, BriefingStory, SourceRef
from bot.slack.render import (
    MAX_BLOCKS,
    MAX_HEADER,
    MAX_SECTION,
    briefing_blocks,
    escape,
    fallback_text,
    link,
    split_messages,
)
from tests.briefing.test_compose import build, golden

NOW = datetime(2026, 11, 24, 8, 0, tzinfo=UTC)
HOSTILE = [
    "<!channel> everyone look",
    "<!here> now",
    "hi <@U123> and <#C999>",
    "<https://evil.example|https://good.example>",
    "a & b > c < d",
]


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


def hostile_briefing() -> Briefing:
    refs = tuple(
        SourceRef(i + 1, i + 1, text, f"https://news.test/{i}", site=text)
        for i, text in enumerate(HOSTILE)
    )
    stories = tuple(
        BriefingStory(
            i, BriefingPoint(text, (i + 1,)), (BriefingPoint(text, (i + 1,)),), (i + 1,), True, NOW
        )
        for i, text in enumerate(HOSTILE)
    )
    quotes = tuple(BriefingQuote(t, t, i + 1) for i, t in enumerate(HOSTILE))
    return Briefing(
        "t",
        "<!channel> title",
        NOW - timedelta(days=1),
        NOW,
        NOW,
        stories,
        quotes,
        refs,
        previous_briefing_at=NOW - timedelta(days=1),
    )


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
    return Briefing(
        "t",
        "A very long topic title " * 10,
        NOW - timedelta(days=1),
        NOW,
        NOW,
        stories,
        quotes,
        refs,
        previous_briefing_at=NOW - timedelta(days=1),
    )


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
