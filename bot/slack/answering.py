"""The answering pool: what a Slack request asks for is worked out off the ack's path, by a
fixed number of worker tasks.

A listener acknowledges at once (the ack, a "working…" note, a status), then hands the rest
here. At most `workers` answers run at a time and the rest wait in arrival order: an answer
costs tens of milliseconds of CPU (reading the question, retrieval, checking the evidence,
the model's client, the store writes), and fifty of them running at once would sit between
Slack's next request and its ack. `briefbot run` does that CPU work in a child process
(`offload.py`), so a job here mostly waits for it, then renders and posts. A full pool
queues (the user already sees "working…"); nothing is dropped or refused.

Acks come first: while a request is being acknowledged (`acking`, around the HTTP handler of
/slack/events), a worker does not start its next job, for at most `patience` seconds so that
a steady stream of requests cannot starve the answers. A burst of questions is then acked
before their answering work lands on the loop between them. When acks go on past the
patience, the workers that ran out of it start one at a time, `pace` seconds apart, until the
acks pause (then every waiting worker starts): sixteen answers started at once were ~35 ms of
CPU each in the answering child, half a second of both cores' time in the middle of the
burst, and the acks then waiting for a core made the whole gap between briefbot's ack p99 and
a bare Bolt app's (bench/slack_ack.py: 24-30 ms against 18, all of it in that half second).
At one start per 0.1 s the pool still starts answers faster than 16 workers on a 2 s model
finish them (8 a second), so a burst delays its answers by at most the time to start them.

`spawn` runs quick steps that must not wait for a worker nor hold up an ack (writing a
request's claim, `claims.py`; a direct message's status, posted after its middleware answered
Slack); they are tracked like the answers so that shutdown never leaves a task pending.
`drain` waits for everything under way and queued within a grace period; `close` cancels what
is left and waits for it.

When the pool falls idle (nothing running, queued or being acked) it calls `settle`, by default
`heap.settle`, which keeps the garbage collector's full collections short and between requests.

Must not: know Slack, run a job twice, or let one job's failure stop a worker.
"""

from __future__ import annotations

import asyncio
import contextlib
import contextvars
import logging
from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from types import TracebackType
from typing import Any

from aiohttp import web

from bot.slack import heap

log = logging.getLogger(__name__)

Job = Callable[[], Awaitable[None]]

# Answers at a time when the setting is not given: enough that a slow model (seconds per
# answer) still answers a burst quickly, few enough that their CPU work cannot hold up acks.
DEFAULT_WORKERS = 16
# Seconds a job waits for acks under way before it starts anyway: a tenth of Slack's 3 s ack
# budget, and short next to a model's seconds per answer.
PATIENCE = 0.25
# Seconds between the starts of jobs whose patience ran out while acks go on: one answer's
# CPU (~35 ms in the child) at a time, and still more starts a second (10) than 16 workers
# finish on a 2 s model (8).
PACE = 0.1


class PoolClosed(RuntimeError):
    """A job was handed to a pool that is shutting down."""


class AnswerPool:
    """At most `workers` jobs at a time, the rest queued in arrival order; used as an async
    context manager, or `close()`d by its owner."""

    def __init__(
        self,
        workers: int = DEFAULT_WORKERS,
        *,
        patience: float = PATIENCE,
        pace: float = PACE,
        settle: Callable[[], object] = heap.settle,
    ) -> None:
        if workers < 1:
            raise ValueError("an answering pool needs at least one worker")
        self.workers = workers
        self.patience = patience
        self.pace = pace
        self._next_impatient = 0.0  # when the next job may start while acks go on (loop time)
        self.settle = settle
        self._acks = 0
        self._no_acks = asyncio.Event()
        self._no_acks.set()
        self._queue: asyncio.Queue[tuple[str, Job, contextvars.Context]] = asyncio.Queue()
        self._tasks: list[asyncio.Task[None]] = []
        self._quick: set[asyncio.Task[None]] = set()
        self._closed = False
        self.running = 0  # jobs under way now

    @property
    def waiting(self) -> int:
        """Jobs queued and not started yet."""
        return self._queue.qsize()

    def submit(self, job: Job, what: str = "an answer") -> None:
        """Queue a job (never blocks, never drops); `what` names it in the log if it fails.
        The job runs in the submitter's context, so its log lines keep the request's id."""
        if self._closed:
            raise PoolClosed(f"{what} arrived while the app was stopping")
        if not self._tasks:  # started on first use, inside the running loop
            self._tasks = [asyncio.create_task(self._work()) for _ in range(self.workers)]
        self._queue.put_nowait((what, job, contextvars.copy_context()))

    @contextmanager
    def acking(self) -> Iterator[None]:
        """Around a request's acknowledgement: no job starts meanwhile (up to `patience`)."""
        self._acks += 1
        self._no_acks.clear()
        try:
            yield
        finally:
            self._acks -= 1
            if not self._acks:
                self._no_acks.set()

    def spawn(self, step: Job, what: str = "a first step") -> None:
        """Run a quick first step now, outside the bound (it usually `submit`s the rest)."""
        if self._closed:
            raise PoolClosed(f"{what} arrived while the app was stopping")
        task = asyncio.create_task(_logged(step, what))
        self._quick.add(task)
        task.add_done_callback(self._quick.discard)

    async def drain(self, timeout: float) -> bool:
        """Let first steps, running and queued jobs finish (new ones are refused); False when
        the grace period ran out first."""
        self._closed = True
        try:
            async with asyncio.timeout(timeout):
                while self._quick:
                    await asyncio.gather(*self._quick, return_exceptions=True)
                await self._queue.join()
        except TimeoutError:
            log.warning(
                "stopped waiting for %d answers under way and %d not started",
                self.running,
                self._queue.qsize(),
            )
            return False
        return True

    async def close(self) -> None:
        """Cancel whatever is still running or queued and wait for it (nothing left pending)."""
        self._closed = True
        tasks = [*self._quick, *self._tasks]
        for task in tasks:
            task.cancel()
        await asyncio.gather(*tasks, return_exceptions=True)
        self._tasks = []
        while not self._queue.empty():  # never started: their coroutines were never created
            self._queue.get_nowait()
            self._queue.task_done()

    async def __aenter__(self) -> AnswerPool:
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()

    async def _turn(self) -> None:
        """Wait until no request is being acked; past `patience`, until this worker's turn
        among those that ran out of it (one start per `pace`)."""
        loop = asyncio.get_running_loop()
        deadline = loop.time() + self.patience
        while not self._no_acks.is_set():
            now = loop.time()
            wait = deadline - now
            if wait <= 0:
                if now >= self._next_impatient:
                    self._next_impatient = now + self.pace
                    return
                wait = self._next_impatient - now
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(wait):
                    await self._no_acks.wait()

    async def _work(self) -> None:
        while True:
            what, job, context = await self._queue.get()
            await self._turn()
            self.running += 1
            try:
                # A task per job so it runs in its submitter's context; cancelling the worker
                # (close) cancels it too.
                await asyncio.create_task(_logged(job, what), context=context)
            finally:
                self.running -= 1
                self._queue.task_done()
            if not self.running and self._queue.empty() and self._no_acks.is_set():
                try:
                    self.settle()  # idle: the heap's upkeep lands between requests
                except Exception:
                    log.exception("settling the heap failed")


async def _logged(job: Job, what: str) -> None:
    try:
        await job()
    except Exception:  # one failed answer is logged; the worker goes on with the next
        log.exception("%s failed", what)


def acks_first(pool: AnswerPool, path: str) -> Any:
    """An aiohttp middleware that marks the requests to `path` as being acked in `pool`."""

    @web.middleware
    async def acking(
        request: web.Request, handler: Callable[[web.Request], Awaitable[web.StreamResponse]]
    ) -> web.StreamResponse:
        if request.path != path:
            return await handler(request)
        with pool.acking():
            return await handler(request)

    return acking
