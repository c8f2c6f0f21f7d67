"""Benchmark: LLM tokens for one briefing, map-then-reduce vs a naive single prompt.

Serves 50 generated article pages (10 of them syndicated copies) on 127.0.0.1, collects them,
then briefs with the LLM summariser and synthesiser against a local OpenAI-compatible server
(the real `openai` client over HTTP). Tokens are counted the documented way the local server
reports `usage`: one token per 4 characters of each message (prompt) and of the reply
(completion). The naive baseline is one prompt holding the system prompt and all 50 texts,
estimated the same way. Then it briefs again the same day, which should cost (almost) nothing.

    python bench/llm_cost.py [--articles 50] [--copies 10]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import sys
import tempfile
from dataclasses import asdict
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.ingest import generate, serve
from bot.config import Settings, parse_config
from bot.llm.prompts import load_prompt
from bot.wiring import open_services
from testkit.openai_server import (
    FakeOpenAI,
    echo_model,
    estimate_tokens,
)


async def run(base: str, llm_url: str, feeds: int, data_dir: Path) -> list[dict[str, Any]]:
    sources = "\n".join(
        f'[[topics.sources]]\nkind = "feed"\nurl = "{base}/feed/{k}.xml"\n' for k in range(feeds)
    )
    config = parse_config(
        f'[[topics]]\nname = "bench"\n[topics.query]\nmay = ["steel", "tariff"]\n{sources}'
    )
    settings = Settings(  # type: ignore[call-arg]
        _env_file=None,
        data_dir=data_dir,
        allow_hosts=("127.0.0.1",),
        llm_base_url=llm_url,
        llm_model="bench-model",
    )
    topic = config.topics[0]
    async with open_services(settings) as services:
        await services.collector.collect(topic)
        stored = await services.store.articles.articles_in_window(
            "bench", datetime.now(UTC) - timedelta(days=1), datetime.now(UTC)
        )
        started = datetime.now(UTC)
        await services.briefings.brief(topic)
        middle = datetime.now(UTC)
        await services.briefings.brief(topic)
        calls = await services.store.ops.llm_usage(started - timedelta(seconds=1))
    rows = [{**asdict(c), "run": 1 if c.at < middle else 2} for c in calls]
    print(
        f"articles collected:         {len(stored)} "
        f"({sum(1 for a in stored if a.duplicate_of)} syndicated copies)"
    )
    return rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--articles", type=int, default=50)
    parser.add_argument("--copies", type=int, default=10)
    args = parser.parse_args()
    now = datetime.now(UTC)
    files = generate(args.articles, args.copies / args.articles, now)
    pages = [c for p, (_, c) in files.items() if p.startswith("/a/")]
    with serve(files) as server, FakeOpenAI() as llm, tempfile.TemporaryDirectory() as tmp:
        llm.default = lambda r: echo_model(r, points=4, headline_prefix="")
        calls = asyncio.run(
            run(server.base_url, llm.base_url, (args.articles + 49) // 50, Path(tmp))
        )

    def total(run: int, purpose: str | None = None) -> tuple[int, int, int]:
        rows = [
            c for c in calls if c["run"] == run and (purpose is None or c["purpose"] == purpose)
        ]
        return (
            len(rows),
            sum(c["prompt_tokens"] for c in rows),
            sum(c["completion_tokens"] for c in rows),
        )

    # The naive baseline: the summary prompt's instructions plus every text, in one prompt.
    texts = [re.sub(r"<[^>]+>", " ", page.decode()) for page in pages]
    texts = [" ".join(t.split()) for t in texts]
    naive = estimate_tokens(load_prompt("summarise_article").system) + sum(
        estimate_tokens(t) for t in texts
    )
    calls1, prompt1, completion1 = total(1)
    _, sp, sc = total(1, "summary")
    _, bp, bc = total(1, "briefing")
    calls2, prompt2, completion2 = total(2)
    print(
        f"first briefing:             {calls1} calls, {prompt1:,} prompt + {completion1:,} "
        f"completion = {prompt1 + completion1:,} tokens"
    )
    print(f"  map (per-article):        {sp:,} + {sc:,}")
    print(f"  reduce (synthesis):       {bp:,} + {bc:,}")
    print(
        f"naive single prompt:        {naive:,} prompt tokens (all {len(pages)} texts, "
        "copies included; no room for verification or caching)"
    )
    print(f"second briefing same day:   {calls2} calls, {prompt2 + completion2:,} tokens")
    print("token estimate:             1 token = 4 characters of message text (server usage)")


if __name__ == "__main__":
    main()
