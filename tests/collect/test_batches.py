"""Pages go to the CPU pool a few per job: each page gets exactly what `extract_and_analyse`
gives it (or its own error), jobs hold at most `MOST` pages, and fewer jobs are sent than
pages when pages wait."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import TypeVar

import pytest

from bot.collect import relevance
from bot.collect.analysis import Page, extract_and_analyse, extract_page
from bot.collect.batches import MOST, Batches, WorkerTraceback
from bot.errors import BriefbotError
from bot.summarise.cpu import CPU

T = TypeVar("T")
QUERY = relevance.Query(may=("harbour", "ferry"), must_not=("cricket",))


def page(n: int) -> Page:
    body = " ".join(
        f"<p>Ferry crossing {n} to the Harbour of Vellmar was cancelled on day {k} after "
        f"the port authority under Ilse Brandauer cited gale warnings for the strait.</p>"
        for k in range(4)
    )
    html = (
        f"<html><head><title>Ferries halted {n}</title></head><body><article>"
        f"<h1>Ferries halted {n}</h1>{body}</article></body></html>"
    )
    return Page(f"https://harbour.test/ferries/{n}", html.encode(), html=True)


BROKEN = Page("https://harbour.test/empty", b"", html=True)  # nothing to extract


class Counting:
    """A CPU runner that runs jobs in a thread and records how many pages each job held."""

    def __init__(self) -> None:
        self.jobs: list[int] = []
        self.pool = ThreadPoolExecutor(max_workers=1)

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        pages = args[0]
        assert isinstance(pages, list)
        self.jobs.append(len(pages))
        return await asyncio.get_running_loop().run_in_executor(self.pool, fn, *args)


class Broken:
    """A CPU runner whose pool has died."""

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        raise RuntimeError("the pool is broken")


async def test_each_page_gets_what_extract_and_analyse_gives_it() -> None:
    pages = [page(n) for n in range(11)]
    runner = Counting()
    batches = Batches(runner, QUERY, workers=1)
    got = await asyncio.gather(*(batches.analyse(p) for p in pages))
    assert got == [extract_and_analyse(p, QUERY) for p in pages]
    assert sum(runner.jobs) == len(pages) and max(runner.jobs) <= MOST
    assert len(runner.jobs) < len(pages)  # pages that waited shared a job


async def test_the_jobs_report_the_cpu_time_spent_extracting() -> None:
    batches = Batches(Counting(), QUERY, workers=1)
    start = time.thread_time()
    extracted = [extract_page(page(n)) for n in range(6)]  # the same work, timed here
    alone = time.thread_time() - start
    await asyncio.gather(*(batches.analyse(page(n)) for n in range(6)))
    assert extracted and 0 < batches.extraction_cpu < 5 * alone + 0.05


@pytest.mark.parametrize("executor", [None, "threads"])
async def test_a_bad_page_fails_alone(executor: str | None) -> None:
    cpu = CPU(ThreadPoolExecutor(max_workers=1) if executor else None)
    batches = Batches(cpu, QUERY, workers=0)
    pages = [page(1), BROKEN, page(2)]
    got = await asyncio.gather(*(batches.analyse(p) for p in pages), return_exceptions=True)
    with pytest.raises(BriefbotError) as expected:
        extract_and_analyse(BROKEN, QUERY)
    assert isinstance(got[1], BriefbotError) and got[1].reason == expected.value.reason
    assert isinstance(got[1].__cause__, WorkerTraceback)  # where it was raised, for the log
    assert got[0] == extract_and_analyse(pages[0], QUERY)
    assert got[2] == extract_and_analyse(pages[2], QUERY)


async def test_a_page_that_stops_waiting_leaves_the_others_their_results() -> None:
    runner = Counting()
    batches = Batches(runner, QUERY, workers=1)
    tasks = [asyncio.create_task(batches.analyse(page(n))) for n in range(6)]
    await asyncio.sleep(0)
    tasks[3].cancel()
    done = await asyncio.gather(*tasks, return_exceptions=True)
    assert isinstance(done[3], asyncio.CancelledError)
    for n in (0, 1, 2, 4, 5):
        assert done[n] == extract_and_analyse(page(n), QUERY)


async def test_a_broken_pool_fails_every_page_of_the_job() -> None:
    batches = Batches(Broken(), QUERY, workers=1)
    got = await asyncio.gather(
        *(batches.analyse(page(n)) for n in range(3)), return_exceptions=True
    )
    assert all(isinstance(e, RuntimeError) for e in got)
    assert batches.busy == 0 and not batches.waiting
