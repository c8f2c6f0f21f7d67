"""CPU-heavy text work runs off the event loop: in spawned worker processes in the app, in one
thread when BRIEFBOT_WORKERS=0, inline in pure tests; the result is the same everywhere."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from pathlib import Path

import pytest

from bot.summarise.cpu import CPU, cpu_pool
from bot.summarise.offline import OfflineSummariser, summarise_text

ROOT = Path(__file__).resolve().parents[2]
TEXT = (ROOT / "tests" / "fixtures" / "articles" / "a-wire.txt").read_text(encoding="utf-8")


def _pid() -> int:
    return os.getpid()


@pytest.mark.parametrize("workers", [0, 1])
async def test_the_pool_gives_the_same_summary_off_the_loop(workers: int) -> None:
    with cpu_pool(workers) as cpu:
        summary = await OfflineSummariser(cpu).summarise(title="Steel", text=TEXT)
        where = await cpu.run(_pid)
    assert summary == summarise_text("Steel", TEXT)
    assert summary.quotes and any(q.speaker for q in summary.quotes)
    assert (where != os.getpid()) == (workers > 0)  # a worker process, or this one's thread


async def test_inline_without_an_executor() -> None:
    assert await CPU().run(_pid) == os.getpid()


async def test_the_event_loop_keeps_turning_while_a_worker_parses() -> None:
    ticks = 0

    async def tick() -> None:
        nonlocal ticks
        while True:
            ticks += 1
            await asyncio.sleep(0)

    with cpu_pool(1) as cpu:
        ticker = asyncio.create_task(tick())
        await OfflineSummariser(cpu).summarise(title="Steel", text=TEXT * 3)
        ticker.cancel()
    assert ticks > 10


def test_summarize_from_the_cli_uses_the_worker_process(tmp_path: Path) -> None:
    env = {**os.environ, "BRIEFBOT_WORKERS": "1", "BRIEFBOT_DATA_DIR": str(tmp_path)}
    env.pop("BRIEFBOT_LLM_BASE_URL", None)
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "bot",
            "summarize",
            str(ROOT / "tests/fixtures/articles/a-wire.txt"),
        ],
        env=env,
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "Marta Kovalenko" in done.stdout
