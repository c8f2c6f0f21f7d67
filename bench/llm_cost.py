"""Benchmark: LLM tokens for one briefing against a naive single prompt, and what the grounding
check dropped.

Serves 50 generated article pages (10 of them syndicated copies) on 127.0.0.1, collects them,
then briefs with the LLM summariser and synthesiser against a local OpenAI-compatible server
(the real `openai` client over HTTP; the honest stand-in model `echo_model`). Tokens are
estimated the documented way, one per 4 characters, counting everything a request carries:
its messages *and* the JSON schema sent in `response_format` (servers bill both); completion
tokens as the server reported them. The naive baseline is one prompt holding the same
instructions and schema plus the *extracted* text of every collected article (copies
included), estimated the same way. Then it briefs again the same day, which must cost nothing
(summaries and headlines are cached).

Quality: how many model sentences (key points, headlines) the grounding check refused and
replaced with the article's own sentences, out of how many the model wrote.

    python bench/llm_cost.py [--articles 50] [--copies 10] [--everything]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import random
import sys
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ingest import serve
from bot.config import Settings, parse_config
from bot.llm.prompts import load_prompt
from bot.wiring import open_services
from testkit.openai_server import FakeOpenAI, echo_model, estimate_tokens

# The corpus: one story's vocabulary (so its articles group into stories as a day's coverage
# of one negotiation does), quotes with speakers, and page boilerplate around each article.
WORDS = (
    "tariff steel aluminium negotiators quota commission talks industry exports market "
    "ministers agreement review dispute mechanism plants workers prices imports duties "
    "proposal deadline capacity emissions carbon border adjustment officials delegation"
).split()
PEOPLE = ["Marta Kovalenko", "Daniel Whitcombe", "Anna Brandt", "Luis Ortega", "Grace Liu"]
SITES = ["Wirepoint", "Harbour Ledger", "Continental Times", "Metro Daily", "Tradewatch"]


def _sentence(rng: random.Random) -> str:
    words = [rng.choice(WORDS) for _ in range(rng.randint(12, 24))]
    if rng.random() < 0.3:
        words.insert(rng.randint(0, len(words)), f"{rng.randint(2, 95)}.{rng.randint(0, 9)}%")
    return " ".join(words).capitalize() + "."


def _body(rng: random.Random, paragraphs: int = 8) -> list[str]:
    out = []
    for _ in range(paragraphs):
        parts = [_sentence(rng) for _ in range(rng.randint(2, 4))]
        if rng.random() < 0.5:
            parts.append(f"“{_sentence(rng)[:-1]},” {rng.choice(PEOPLE)} said.")
        out.append(" ".join(parts))
    return out


def _page(i: int, title: str, site: str, paragraphs: list[str], published: datetime) -> bytes:
    paras = "\n".join(f"<p>{p}</p>" for p in paragraphs)
    nav = "".join(f'<li><a href="/most-read/{k}">Most read story {k}</a></li>' for k in range(8))
    return f"""<!doctype html><html><head><title>{title} | {site}</title>
<meta property="og:title" content="{title}"><meta property="og:site_name" content="{site}">
<meta name="author" content="Reporter {i % 17}">
<meta property="article:published_time" content="{published.isoformat()}"></head>
<body><header><nav><a href="/">Home</a> <a href="/world">World</a></nav></header>
<main><article><h1>{title}</h1><p class="byline">By Reporter {i % 17}</p>
{paras}</article><aside><h2>Most read</h2><ul>{nav}</ul></aside></main>
<footer><p>Sign up for our newsletter. © 2026 {site}. All rights reserved.</p></footer>
</body></html>""".encode()


def generate(n: int, copies: int, now: datetime) -> dict[str, tuple[str, bytes]]:
    """n article pages (the last `copies` are syndicated copies of earlier ones) + feeds."""
    rng = random.Random(42)
    files: dict[str, tuple[str, bytes]] = {}
    originals: list[list[str]] = []
    for i in range(n):
        published = now - timedelta(minutes=rng.randint(5, 600))
        if i >= n - copies:
            paragraphs = rng.choice(originals)
        else:
            paragraphs = _body(rng)
            originals.append(paragraphs)
        title = f"Steel tariff talks update {i}: " + " ".join(rng.choice(WORDS) for _ in range(4))
        files[f"/a/{i}"] = (
            "text/html; charset=utf-8",
            _page(i, title, SITES[i % len(SITES)], paragraphs, published),
        )
    for f in range(0, n, 50):
        items = "".join(
            f"<item><title>Article {i}</title><link>{{base}}/a/{i}</link>"
            f"<pubDate>{format_datetime(now - timedelta(minutes=i))}</pubDate></item>"
            for i in range(f, min(n, f + 50))
        )
        files[f"/feed/{f // 50}.xml"] = (
            "application/rss+xml",
            f'<?xml version="1.0"?><rss version="2.0"><channel><title>Feed {f}</title>'
            f"{items}</channel></rss>".encode(),
        )
    return files


def request_tokens(request: dict[str, Any]) -> tuple[int, int]:
    """(message tokens, schema tokens) of one chat request, estimated."""
    messages = sum(estimate_tokens(str(m.get("content", ""))) for m in request["messages"])
    schema = (request.get("response_format") or {}).get("json_schema", {}).get("schema")
    return messages, estimate_tokens(json.dumps(schema)) if schema else 0


@dataclass
class Result:
    articles: int
    copies: int
    texts: list[str]
    first_requests: int  # how many of the server's requests the first briefing made
    completion: dict[tuple[int, str], int]  # (run, purpose) -> completion tokens
    model_summaries: int
    points_shown: int
    points_dropped: int


async def run(base: str, llm: FakeOpenAI, data_dir: Path, *, everything: bool) -> Result:
    config = parse_config(
        '[[topics]]\nname = "bench"\n[topics.query]\nmay = ["steel", "tariff"]\n'
        f'[[topics.sources]]\nkind = "feed"\nurl = "{base}/feed/0.xml"\n'
    )
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=data_dir,
        allow_hosts=("127.0.0.1",),
        llm_base_url=llm.base_url,
        llm_model="bench-model",
    )
    topic = config.topics[0]
    async with open_services(settings) as services:
        if everything:  # every article summarised by the model, as before issue 18
            services.summaries.offline = None
        await services.collector.collect(topic)
        stored = await services.store.articles.articles_in_window(
            "bench", datetime.now(UTC) - timedelta(days=1), datetime.now(UTC)
        )
        started = datetime.now(UTC)
        await services.briefings.brief(topic)
        first = len(llm.requests)
        middle = datetime.now(UTC)
        await services.briefings.brief(topic)
        calls = await services.store.ops.llm_usage(started - timedelta(seconds=1))
        summariser = services.summariser
        summaries = await services.store.articles.get_summaries(
            [a.id for a in stored], summariser.name, summariser.prompt_version
        )
    completion: dict[tuple[int, str], int] = {}
    for c in calls:
        key = (1 if c.at < middle else 2, c.purpose)
        completion[key] = completion.get(key, 0) + c.completion_tokens
    return Result(
        articles=len(stored),
        copies=sum(1 for a in stored if a.duplicate_of),
        texts=[a.text for a in stored],
        first_requests=first,
        completion=completion,
        model_summaries=len(summaries),
        points_shown=sum(len(s.key_points) for s in summaries.values()),
        points_dropped=sum(s.dropped_points for s in summaries.values()),
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--copies", type=int, default=10)
    parser.add_argument(
        "--everything",
        action="store_true",
        help="summarise every article with the model, not only those the briefing shows",
    )
    args = parser.parse_args()
    logging.disable(logging.INFO)  # the HTTP client's request lines
    files = generate(args.articles, args.copies, datetime.now(UTC))
    with serve(files) as server, FakeOpenAI() as llm, tempfile.TemporaryDirectory() as tmp:
        llm.default = lambda r: echo_model(r, points=4, headline_prefix="")
        result = asyncio.run(run(server.base_url, llm, Path(tmp), everything=args.everything))
        requests = list(llm.requests)

    def purpose(request: dict[str, Any]) -> str:
        name = (request.get("response_format") or {}).get("json_schema", {}).get("name", "")
        return "briefing" if name == "briefing_headlines" else "summary"

    def totals(chosen: list[dict[str, Any]]) -> tuple[int, int]:
        pairs = [request_tokens(r) for r in chosen]
        return sum(m for m, _ in pairs), sum(s for _, s in pairs)

    first = requests[: result.first_requests]
    second = requests[result.first_requests :]
    map_msgs, map_schema = totals([r for r in first if purpose(r) == "summary"])
    red_msgs, red_schema = totals([r for r in first if purpose(r) == "briefing"])
    map_out = result.completion.get((1, "summary"), 0)
    red_out = result.completion.get((1, "briefing"), 0)
    total = map_msgs + map_schema + map_out + red_msgs + red_schema + red_out
    # The naive baseline: the same instructions and schema, then every extracted text.
    prompt = load_prompt("summarise_article")
    schema = next(
        (r["response_format"]["json_schema"]["schema"] for r in first if purpose(r) == "summary"),
        None,
    )
    naive = (
        estimate_tokens(prompt.system)
        + (estimate_tokens(json.dumps(schema)) if schema else 0)
        + sum(estimate_tokens(t) for t in result.texts)
    )
    second_total = sum(sum(request_tokens(r)) for r in second) + sum(
        v for (run_, _), v in result.completion.items() if run_ == 2
    )
    print(f"articles collected:         {result.articles} ({result.copies} syndicated copies)")
    print(
        f"first briefing:             {len(first)} calls, {total:,} tokens "
        f"(prompt {map_msgs + red_msgs:,} + schema {map_schema + red_schema:,} + "
        f"completion {map_out + red_out:,})"
    )
    print(
        f"  map (summaries):          {sum(1 for r in first if purpose(r) == 'summary')} calls, "
        f"{map_msgs:,} + schema {map_schema:,} + {map_out:,}"
    )
    print(
        f"  reduce (synthesis):       {sum(1 for r in first if purpose(r) == 'briefing')} calls, "
        f"{red_msgs:,} + schema {red_schema:,} + {red_out:,}"
    )
    print(
        f"naive single prompt:        {naive:,} prompt tokens (instructions, schema and all "
        f"{result.articles} extracted texts, copies included)"
    )
    print(f"ratio to naive:             {total / naive:.3f}x")
    print(
        f"grounding check:            {result.points_dropped} model key points dropped "
        f"(replaced by the article's own sentences) in {result.model_summaries} model "
        f"summaries showing {result.points_shown}"
    )
    print(f"second briefing same day:   {len(second)} calls, {second_total:,} tokens")
    print("token estimate:             1 token = 4 characters of message text and schema")


if __name__ == "__main__":
    main()
