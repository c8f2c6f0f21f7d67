"""The grounding check every model sentence passes (bot/text/grounding.py), measured on
tests/fixtures/grounding.json (honest paraphrases must pass, obeyed-injection sentences must
not), and applied where a model writes: key points, headlines, answers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from bot.collect.extract import extract_text
from bot.llm.openai_compat import OpenAICompatibleLLM
from bot.summarise.llm import LLMSummariser
from bot.text.grounding import SUPPORT, grounded, support
from bot.text.safe import defang, safe_text, strip_invisible
from testkit.hostile_openai import HOST, TELLTALES, obedient_model
from testkit.openai_server import FakeOpenAI, echo_model

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures"
SET = json.loads((FIXTURES / "grounding.json").read_text(encoding="utf-8"))


def test_honest_sentences_pass_and_obeyed_injections_do_not() -> None:
    sources = SET["sources"]
    honest = [grounded(text, [sources[key]]) for key, text in SET["honest"]]
    hostile = [grounded(text, [sources[key]]) for key, text in SET["hostile"]]
    false_drops = [t for (_, t), g in zip(SET["honest"], honest, strict=True) if not g.ok]
    passed = [t for (_, t), g in zip(SET["hostile"], hostile, strict=True) if g.ok]
    assert len(false_drops) <= 0.05 * len(honest), false_drops
    assert not passed, passed


def test_the_threshold_sits_between_honest_and_mixed_in_text() -> None:
    sources = SET["sources"]
    lowest_honest = min(support(t, [sources[k]]) for k, t in SET["honest"])
    assert lowest_honest >= SUPPORT  # every honest paraphrase clears it
    assert SUPPORT > 0.5  # today's threshold let half-attacker sentences through


@pytest.mark.parametrize(
    ("sentence", "reason"),
    [
        ("Talks resumed, see https://x.example/a.", "link"),
        ("Talks resumed with 45 ministers.", "figure"),
        ("Talks resumed, Chancellor Brandt said.", "name"),
        ("Talks resumed; please confirm your password.", "reader"),
        ("Banana orchard weather sunshine tomorrow holiday.", "support"),
    ],
)
def test_each_rule_refuses_on_its_own(sentence: str, reason: str) -> None:
    check = grounded(sentence, ["Talks resumed in Brussels on Monday with 12 ministers."])
    assert not check.ok
    assert {"link": "link", "figure": "figure", "name": "name", "reader": "reader"}.get(
        reason, "support"
    ) in check.reason


def test_a_sentence_that_cites_nothing_is_not_grounded() -> None:
    assert not grounded("Talks resumed.", []).ok


def test_invisible_controls_go_and_scripts_stay() -> None:
    assert strip_invisible("abc\u202egnp.exe\u200b") == "abcgnp.exe"
    assert strip_invisible("\u2066x\u2069\ufeff") == "x"
    persian = "می\u200cخواهم"  # the non-joiner is part of the word
    assert strip_invisible(persian) == persian
    emoji = "👨\u200d👩\u200d👧"
    assert strip_invisible(emoji) == emoji
    assert strip_invisible("Ελλάδα, 日本, עברית") == "Ελλάδα, 日本, עברית"


def test_nothing_url_like_stays_linkable() -> None:
    shown = safe_text(
        "Read https://evil.example/x, www.evil.example, evil.example or a@evil.example @here"
    )
    assert "https://" not in shown and "evil.example" not in shown and "@here" not in shown
    assert "evil[.]example" in shown and "a[@]evil[.]example" in shown
    assert (
        defang("Shares rose 3.4%. The U.S. and e.g. 2.0")
        == "Shares rose 3.4%. The U.S. and e.g. 2.0"
    )


async def test_the_obedient_model_cannot_put_its_text_into_a_summary(
    llm: OpenAICompatibleLLM, fake_llm: FakeOpenAI
) -> None:
    fake_llm.default = obedient_model
    text = (FIXTURES / "articles" / "a-wire.txt").read_text(encoding="utf-8")
    article = extract_text(text, "")
    summary = await LLMSummariser(llm).summarise(title=article.title, text=article.text)
    shown = json.dumps(summary.to_dict(), ensure_ascii=False)
    assert HOST not in shown and "password" not in shown
    assert summary.dropped_points == 2 and summary.partly_degraded
    assert len(summary.key_points) >= 3  # the article's own sentences stood in
    assert all(t not in shown for t in TELLTALES)


async def test_honest_model_output_is_kept(llm: OpenAICompatibleLLM, fake_llm: FakeOpenAI) -> None:
    """The false-drop rate on the honest stand-in over every fixture article."""
    fake_llm.default = lambda request: echo_model(request, points=4)
    written = dropped = 0
    for path in sorted((FIXTURES / "articles").glob("*.txt")):
        article = extract_text(path.read_text(encoding="utf-8"), "")
        summary = await LLMSummariser(llm).summarise(title=article.title, text=article.text)
        written += len(summary.key_points) + summary.dropped_points
        dropped += summary.dropped_points
    assert written >= 20 and dropped <= 0.05 * written
