"""Pages on their way to the CPU pool, handed over a few at a time.

Every job sent to a process pool has a fixed cost that does not depend on its size: pickling
it through the pool's queues and threads and waking the event loop when its result is back,
about 0.3-0.5 ms of CPU in this process. While the pool's workers are busy, pages wait here
instead of in the pool's own queue, and whatever has waited goes to the next free slot as
one job of up to `MOST` pages, so that cost is paid per job rather than per page. A few more
jobs than workers are kept in flight, so a worker finishing a job finds the next one queued.

Each page still gets its own result or its own error, exactly as `extract_and_analyse` gives
it: one bad page never fails the others of its job. Each job also reports the CPU time its
worker spent in extraction alone (thread time around the extractor), which `Batches` adds up
so that a run can tell extraction's share of its CPU from the rest (the ingest benchmark).
"""

from __future__ import annotations

import asyncio
import time
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from bot.collect import relevance
from bot.collect.analysis import Analysis, Page, analyse_page, extract_page
from bot.models import ExtractedArticle

T = TypeVar("T")
Analysed = tuple[ExtractedArticle, Analysis]
MOST = 4  # pages per job: at most this many wait behind one another in a worker


class CPURunner(Protocol):
    """Where extraction and analysis run: `bot.summarise.cpu.CPU` (a process pool sized by
    BRIEFBOT_WORKERS) in the app; a thread when none is given."""

    async def run(self, fn: Callable[..., T], *args: object) -> T: ...


class WorkerTraceback(Exception):
    """The traceback of an unexpected error in a worker process (the `__cause__` of the error
    re-raised here, as `concurrent.futures` does for a job that raised)."""


@dataclass(frozen=True, slots=True)
class Failed:
    """A page whose extraction or analysis raised: the error and where it was raised."""

    error: Exception
    trace: str

    def exception(self) -> Exception:
        self.error.__cause__ = WorkerTraceback(self.trace)
        return self.error


def extract_and_analyse_all(
    pages: Sequence[Page], query: relevance.Query
) -> tuple[list[Analysed | Failed], float]:
    """`extract_and_analyse` for each page, its error kept as a value (a pool job); and the
    thread CPU seconds spent extracting."""
    out: list[Analysed | Failed] = []
    extracting = 0.0
    for page in pages:
        try:
            start = time.thread_time()
            try:
                article = extract_page(page)
            finally:
                extracting += time.thread_time() - start
            out.append((article, analyse_page(page, article, query)))
        except Exception as exc:
            out.append(Failed(exc, traceback.format_exc()))
    return out, extracting


class Batches:
    """Analyses one topic run's pages in the CPU pool, a few pages per job."""

    def __init__(self, cpu: CPURunner, query: relevance.Query, *, workers: int) -> None:
        self.cpu = cpu
        self.query = query
        self.lanes = max(1, workers) + 1  # jobs in flight
        self.busy = 0
        self.waiting: list[tuple[Page, asyncio.Future[Analysed]]] = []
        self.tasks: set[asyncio.Task[None]] = set()
        self.extraction_cpu = 0.0  # thread CPU seconds the jobs spent extracting

    async def analyse(self, page: Page) -> Analysed:
        """The page's article and analysis (raises as `extract_and_analyse` would)."""
        done: asyncio.Future[Analysed] = asyncio.get_running_loop().create_future()
        self.waiting.append((page, done))
        if self.busy < self.lanes:
            self.busy += 1
            task = asyncio.create_task(self._drain())
            self.tasks.add(task)
            task.add_done_callback(self.tasks.discard)
        return await done

    async def _drain(self) -> None:
        """Send what waits, `MOST` pages at a time, until nothing does."""
        try:
            while self.waiting:
                batch = [(p, f) for p, f in self.waiting[:MOST] if not f.done()]
                del self.waiting[:MOST]
                if batch:
                    await self._run(batch)
        finally:
            self.busy -= 1

    async def _run(self, batch: list[tuple[Page, asyncio.Future[Analysed]]]) -> None:
        try:
            outcomes, extracting = await self.cpu.run(
                extract_and_analyse_all, [page for page, _ in batch], self.query
            )
        except Exception as exc:  # the pool itself failed (a worker died): every page did
            for _, done in batch:
                if not done.done():
                    done.set_exception(exc)
            return
        except BaseException:  # cancelled: the pages' own waits are cancelled too
            for _, done in batch:
                done.cancel()
            raise
        self.extraction_cpu += extracting
        for (_, done), outcome in zip(batch, outcomes, strict=True):
            if done.done():  # its article gave up waiting (cancelled)
                continue
            if isinstance(outcome, Failed):
                done.set_exception(outcome.exception())
            else:
                done.set_result(outcome)
