"""Key points and the offline summariser: 3–6 of the article's own sentences, in order, never
boilerplate, usually the lead; deterministic; quotes verified; fast on long and hostile text."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.collect.extract import extract_text
from bot.models import Summary
from bot.summarise import (
    OFFLINE_VERSION,
    OfflineSummariser,
    Summariser,
    is_verbatim,
    rank_key_points,
    split_sentences,
    summarise_text,
)

ARTICLES = Path(__file__).resolve().parents[1] / "fixtures" / "articles"
NAMES = sorted(p.name for p in ARTICLES.glob("*.txt"))


def load(name: str) -> tuple[str, str]:
    article = extract_text((ARTICLES / name).read_text(encoding="utf-8"), "")
    return article.title, article.text


@pytest.mark.parametrize("name", NAMES)
def test_key_points_are_the_articles_own_sentences_in_order(name: str) -> None:
    title, text = load(name)
    sentences = split_sentences(text)
    summary = summarise_text(title, text)
    assert 3 <= len(summary.key_points) <= 6
    ids = [p.sentence_ids for p in summary.key_points]
    assert all(len(i) == 1 for i in ids)
    assert [i[0] for i in ids] == sorted({i[0] for i in ids})  # in article order, no repeats
    for point in summary.key_points:
        assert point.text == " ".join(sentences[point.sentence_ids[0]].text.split())
        assert is_verbatim(point.text, text)
    assert summary.summariser == "offline" and summary.prompt_version == OFFLINE_VERSION
    assert not summary.degraded


@pytest.mark.parametrize("name", NAMES)
def test_the_lead_is_a_key_point(name: str) -> None:
    title, text = load(name)
    first = next(s for s in split_sentences(text) if len(s.text.split()) > 8)  # past a dateline
    assert first.id in {p.sentence_ids[0] for p in summarise_text(title, text).key_points}


@pytest.mark.parametrize("name", NAMES)
def test_summaries_are_deterministic(name: str) -> None:
    title, text = load(name)
    first = summarise_text(title, text)
    assert all(summarise_text(title, text) == first for _ in range(3))
    assert Summary.from_dict(first.to_dict()) == first


def test_boilerplate_is_never_a_key_point() -> None:
    text = (
        "Negotiators agreed on a quota of 3.3 million tonnes of steel on Tuesday in Brussels.\n"
        "Sign up for our newsletter to get the latest trade news every morning in your inbox.\n"
        "The agreement still needs the approval of the 27 member states and of the US Congress.\n"
        "Click here to read our full coverage of the steel quota talks and the tariff dispute.\n"
        "Officials said the deal would be signed in Washington on December 2 by both sides.\n"
        "Reporting by Ana Petrovic; Editing by Tom Hale and the rest of the busy desk staff.\n"
        "Steel quota talks: © 2026 Wirepoint. All rights reserved for the steel quota story.\n"
        "By Ana Petrovic\n"
        "Shares in steelmakers rose 3.4% in Frankfurt after the news of the steel quota broke."
    )
    texts = [p.text for p in summarise_text("Steel quota agreed", text).key_points]
    assert texts[0].startswith("Negotiators agreed")
    assert len(texts) == 4  # every sentence that carries news, none of the junk
    for junk in ("newsletter", "Click here", "Reporting by", "All rights reserved", "By Ana"):
        assert not any(junk in t for t in texts)


def test_a_dateline_is_its_own_sentence_and_never_a_point() -> None:
    text = (
        "BRUSSELS (Wirepoint) — Negotiators agreed on a steel quota of 3.3 million tonnes.\n"
        "WASHINGTON — The White House said it welcomed the outcome of the long talks.\n"
        "Officials from both sides will meet again in Washington on December 2, 2026."
    )
    points = [p.text for p in summarise_text("Steel quota", text).key_points]
    assert points == [
        "Negotiators agreed on a steel quota of 3.3 million tonnes.",
        "The White House said it welcomed the outcome of the long talks.",
        "Officials from both sides will meet again in Washington on December 2, 2026.",
    ]


def test_quotes_and_their_pieces_give_way_to_facts() -> None:
    text = (
        "Negotiators agreed on Tuesday to extend the steel talks by two more weeks.\n"
        "“We are close,” said Ana Lopes. “We are very close, closer than ever before, to a deal "
        "on steel and on aluminium.\nNobody should doubt that we will get there in the end.”\n"
        "The extension moves the deadline for a steel deal to December 15.\n"
        "European mills cut steel output by 7% this year, according to industry figures."
    )
    texts = [p.text for p in summarise_text("Steel talks extended", text).key_points]
    assert not any("close" in t or "doubt" in t for t in texts)


def test_near_repeats_are_skipped() -> None:
    text = (
        "Negotiators agreed on a steel quota of 3.3 million tonnes on Tuesday.\n"
        "On Tuesday, negotiators agreed on a steel quota of 3.3 million tonnes.\n"
        "Shares in European steelmakers rose 3.4% in Frankfurt on the news.\n"
        "The deal still needs the approval of all 27 member states next month."
    )
    ids = [p.sentence_ids[0] for p in summarise_text("Steel quota", text).key_points]
    assert ids == [0, 2, 3]


@pytest.mark.parametrize(
    ("count", "expected"), [(1, 1), (2, 2), (3, 3), (14, 6), (30, 6), (200, 6)]
)
def test_how_many_points(count: int, expected: int) -> None:
    # Every synthetic sentence carries a figure: as many points as allowed, up to six.
    topics = ["steel", "aluminium", "quota", "tariff", "talks", "mills", "ports", "jobs"]
    text = "\n".join(
        f"Sentence number {i} reports that the {topics[i % 8]} figure rose {i}% in week {i}."
        for i in range(count)
    )
    assert len(summarise_text("Steel", text).key_points) == expected


def test_max_and_min_points_are_respected() -> None:
    title, text = load("a-wire.txt")
    sentences = split_sentences(text)
    assert len(rank_key_points(title, text, sentences, max_points=2, min_points=1)) == 2
    assert 5 <= len(rank_key_points(title, text, sentences, max_points=6, min_points=5)) <= 6
    assert rank_key_points(title, text, []) == []


def test_summarise_text_verifies_quotes() -> None:
    title, text = load("e-adding.txt")
    summary = summarise_text(title, text)
    assert summary.quotes and summary.dropped_quotes == 0
    assert all(is_verbatim(q.text, text) for q in summary.quotes)
    sentences = split_sentences(text)
    assert all(q.sentence_id is not None and q.sentence_id < len(sentences) for q in summary.quotes)


async def test_offline_summariser_is_a_summariser() -> None:
    summariser: Summariser = OfflineSummariser()
    assert summariser.name == "offline" and summariser.prompt_version == OFFLINE_VERSION
    title, text = load("c-pronouns.txt")
    summary = await summariser.summarise(title=title, text=text)
    assert summary == summarise_text(title, text)
    assert summary.quotes[0].speaker == "Henrik Dahl"


def test_empty_and_tiny_articles() -> None:
    assert summarise_text("t", "") == Summary((), (), "offline", OFFLINE_VERSION)
    one = summarise_text("t", "One sentence only here about steel tariffs and quotas.")
    assert len(one.key_points) == 1


def test_a_twenty_thousand_word_article() -> None:
    bodies = [load(name)[1] for name in NAMES]
    text = "\n\n".join(bodies * (20_000 // sum(len(b.split()) for b in bodies) + 1))
    assert len(text.split()) >= 20_000
    summary = summarise_text("Steel talks", text)
    assert len(summary.key_points) == 6
    assert summary.quotes and summary.dropped_quotes == 0


@pytest.mark.parametrize(
    "text",
    [
        '"' * 100_000,
        ("word " * 200_000).strip(),  # a 1 MB single line
        "a." * 300_000,
        "“" * 50_000 + "a" * 50_000,
        "Aaa Bbb said " * 50_000,
        "It’s the union’s view that workers’ pay matters. " * 20_000,
        "Word.\n" * 50_000,
    ],
)
def test_hostile_input_finishes(text: str) -> None:
    summary = summarise_text("t", text)
    assert len(summary.key_points) <= 6


PORT_STRIKE = """Harbour cranes stood idle and the usual morning traffic of lorries was missing at Port Velden on Tuesday, as a cold wind blew across the empty quays.

It was a strange sight for a port that has rarely been quiet in living memory.

The Velden Dockworkers' Union said its 4,200 members would stay out for 72 hours after talks with the Port Authority broke down late on Monday.

The union is demanding a 9 percent pay rise over two years; the authority has offered 4.5 percent and a one-off payment of €1,200 per worker.

Mediator Annika Roos, appointed by the Ministry of Labour, said she would bring both sides back to the table on Thursday.

Many residents of the old harbour district remember earlier disputes, and some cafés near the gates stayed open to serve coffee to the pickets.

The weather is expected to stay cold for the rest of the week.
"""  # noqa: E501


def test_key_points_carry_the_facts_not_the_colour() -> None:
    texts = [
        p.text for p in summarise_text("Dockworkers strike at Port Velden", PORT_STRIKE).key_points
    ]
    joined = " ".join(texts)
    # who acts, what is traded against what, the figures, what happens next
    for fact in ("4,200 members", "9 percent", "4.5 percent", "Annika Roos"):
        assert fact in joined, texts
    for colour in ("strange sight", "cafés", "weather"):
        assert colour not in joined, texts


def test_pasted_text_without_a_title_keeps_its_first_sentence() -> None:
    from bot.collect.extract import extract_text

    first = "The Port Authority offered dockworkers a 4.5 percent rise on Monday."
    article = extract_text(first + "\n" + PORT_STRIKE, "", fallback_title="Pasted text")
    assert article.title == "Pasted text" and article.text.startswith(first)
    titled = extract_text("Dockworkers strike at Port Velden\n\n" + PORT_STRIKE, "")
    assert titled.title == "Dockworkers strike at Port Velden"
    assert titled.text.startswith("Harbour cranes")
