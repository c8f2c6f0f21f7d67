"""Where CPU-heavy text work runs (extracting and analysing a collected article, parsing an
article for its quotes, ranking its sentences): a process pool in the running app, sized by
BRIEFBOT_WORKERS, so the work uses every core and never holds up the event loop (Slack's
3-second ack, other requests); inline in pure tests. The work itself is plain functions of
text."""

from __future__ import annotations

import asyncio
import multiprocessing
from collections.abc import Callable, Iterator
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from contextlib import contextmanager
from typing import TypeVar

T = TypeVar("T")


class CPU:
    """Runs a function of text off the event loop (or inline when given no executor)."""

    def __init__(self, executor: Executor | None = None, *, workers: int = 0) -> None:
        self.executor = executor
        self.workers = workers  # processes in the pool (0: a thread, or inline)

    async def run(self, fn: Callable[..., T], *args: object) -> T:
        if self.executor is None:
            return fn(*args)
        return await asyncio.get_running_loop().run_in_executor(self.executor, fn, *args)


@contextmanager
def cpu_pool(workers: int) -> Iterator[CPU]:
    """`workers` processes (0: one thread, for a small machine or a debugger). Processes are
    spawned, not forked (the event loop and open sockets must not be copied), and only when
    jobs arrive; each loads what its jobs need (language model, extractor, embeddings) once."""
    executor: Executor
    if workers <= 0:
        executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="briefbot-cpu")
    else:
        executor = ProcessPoolExecutor(
            # As many as asked: the default (one per CPU) is Settings' to choose.
            max_workers=workers,
            mp_context=multiprocessing.get_context("spawn"),
        )
    try:
        yield CPU(executor, workers=max(workers, 0))
    finally:
        executor.shutdown(wait=True, cancel_futures=True)
