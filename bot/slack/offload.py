"""Answering in a child process: the CPU of `ChatService.handle` (reading the question,
retrieval, checking the evidence, the model's client, the store writes) off the event loop
that acknowledges Slack's and Teams' requests.

On one event loop every answer's tens of milliseconds of CPU land between the next requests
and their acks; a thread would not help (it holds the same GIL). A child process has its own
interpreter, event loop, store connections and model client, and runs on another core (at a
lower CPU priority, set by its entry, so that on a busy machine an ack still goes first):

    async with AnsweringProcess(command, init) as process:     # the parent (briefbot run)
        chat = OffloadedChat(process, articles, deliveries, …)  # a ChatService
        reply = await chat.handle(request)                      # answered in the child

    await serve(chat, claims, reader, writer, workers=16)      # the child, given its own
                                                               # ChatService by its entry

Slack's listeners and Teams' handler are unchanged: they ack, call `chat.handle`, render the
`Reply` and post it from the parent (rendering and posting are cheap; the parent keeps the
platforms' clients). Slack's claims (`claims.py`: is this request the first delivery?) are
written by the child too (`claim`): a store write costs the parent's loop a few milliseconds
of hops to the database driver, and a burst of them sat between requests and their acks.
Requests and replies are plain values, sent pickled in length-prefixed frames over a private
socket pair.

Exactly once: a request is sent to the child once and never re-sent. If the child dies while
answering, each request it held comes back as an `ErrorReply` whose line asks to try again
(its answer may or may not have been stored; sending it again could answer twice); the next
request starts a new child. On shutdown (`briefbot run` drains its answering pool first,
within its grace period) the parent stops sending, closes its end of the socket, and the
child answers what it was given before it exits (within `stop_timeout`, then it is killed:
what it still held had nobody waiting, its "working…" note stays). The child ignores SIGINT
and SIGTERM, so a Ctrl-C or a stop aimed at the process group does not cut answers the
parent is still draining; if the parent dies, the socket closes and the child exits.

Must not: know Slack or Teams, run a request twice, or leave a child behind.
"""

from __future__ import annotations

import asyncio
import contextlib
import itertools
import logging
import pickle
import socket
import struct
from collections.abc import Awaitable, Callable, Sequence
from datetime import datetime
from types import TracebackType
from typing import Any, Protocol

from bot.chat import ChatRequest, ChatService, Reply
from bot.errors import BriefbotError
from bot.observe import request_id

log = logging.getLogger(__name__)

_LENGTH = struct.Struct("!I")
READY = "ready"
# Seconds the child may take to open its services (imports, the store, the model client).
START_TIMEOUT = 60.0
# Seconds a stopping child gets to answer what it still holds before it is killed: the
# parent has drained its answers by then, so what is left has nobody waiting for it.
STOP_TIMEOUT = 5.0


ASK = "ask"  # (request,) -> Reply
CLAIMS = "claims"  # ([(key, at), …],) -> [(failed, bool or the failure), …]
# Seconds a claim waits for others to share its frame: under a burst of requests, one frame
# (one pickle, one write, one reply to read) carries a dozen claims instead of one each. A
# retry that the claim must stop comes seconds later.
CLAIM_BATCH = 0.003


class ChildFailed(RuntimeError):
    """A call failed in the child (its exception's type and message, already logged there)."""


class AnsweringLost(BriefbotError):
    """The answering process stopped before it answered (the reason is what a user reads)."""

    def __init__(self) -> None:
        super().__init__("briefbot was interrupted while answering that; please ask again.")


# ---------------------------------------------------------------------- frames


def frame(value: object) -> bytes:
    """A value as one frame: its pickle's length, then the pickle."""
    body = pickle.dumps(value, protocol=pickle.HIGHEST_PROTOCOL)
    return _LENGTH.pack(len(body)) + body


async def read_frame(reader: asyncio.StreamReader) -> Any:
    """The next frame's value; EOFError when the other end has closed."""
    try:
        head = await reader.readexactly(_LENGTH.size)
        body = await reader.readexactly(_LENGTH.unpack(head)[0])
    except asyncio.IncompleteReadError as exc:
        raise EOFError from exc
    return pickle.loads(body)  # our own child, over a private socket pair


# ---------------------------------------------------------------------- the parent's side


class AnsweringProcess:
    """A child process that answers `ChatRequest`s; started by `start()` (or `async with`),
    started again on the next request if it died, stopped by `close()`.

    `command` runs the child's entry, which is handed the socket's file descriptor as its
    last argument and `init` as the first frame, and says READY once it can answer."""

    def __init__(
        self,
        command: Sequence[str],
        init: object,
        *,
        start_timeout: float = START_TIMEOUT,
        stop_timeout: float = STOP_TIMEOUT,
    ) -> None:
        self.command = list(command)
        self.init = init
        self.start_timeout = start_timeout
        self.stop_timeout = stop_timeout
        self._proc: asyncio.subprocess.Process | None = None
        self._writer: asyncio.StreamWriter | None = None
        self._reading: asyncio.Task[None] | None = None
        self._pending: dict[int, asyncio.Future[Any]] = {}
        self._ids = itertools.count(1)
        self._claims: list[tuple[tuple[str, datetime], asyncio.Future[bool]]] = []
        self._claiming: asyncio.TimerHandle | None = None
        self._sending: set[asyncio.Task[Any]] = set()
        self._starting = asyncio.Lock()
        self._closed = False
        self._alive = False  # a child runs and its replies are read
        self.started = 0  # children started so far (one, unless one died)
        self.claim_frames = 0  # frames that carried claims to the child

    @property
    def pid(self) -> int | None:
        return self._proc.pid if self._proc is not None else None

    async def start(self) -> None:
        """Start the child and wait until it can answer (a child that cannot start fails
        here, at start-up, rather than on the first question)."""
        async with self._starting:
            if self._closed:
                raise AnsweringLost
            if self._alive:
                return
            await self._spawn()

    async def _spawn(self) -> None:
        if self._writer is not None:  # a dead child's end of the socket
            self._writer.close()
        ours, theirs = socket.socketpair()
        try:
            proc = await asyncio.create_subprocess_exec(
                *self.command, str(theirs.fileno()), pass_fds=(theirs.fileno(),)
            )
        finally:
            theirs.close()  # the child has its own copy
        try:
            reader, writer = await asyncio.open_connection(sock=ours)
            writer.write(frame(self.init))
            try:
                async with asyncio.timeout(self.start_timeout):
                    said = await read_frame(reader)
            except (EOFError, TimeoutError) as exc:
                raise RuntimeError(
                    "the answering process did not start (its log says why)"
                ) from exc
            if said != READY:
                raise RuntimeError(f"the answering process said {said!r}")
        except BaseException:
            ours.close()
            with contextlib.suppress(ProcessLookupError):
                proc.kill()
            await proc.wait()
            raise
        self._proc, self._writer = proc, writer
        self._reading = asyncio.create_task(self._read(reader, proc))
        self._alive = True
        self.started += 1
        log.info("answering in process %d", proc.pid)

    async def _read(self, reader: asyncio.StreamReader, proc: asyncio.subprocess.Process) -> None:
        try:
            while True:
                key, failed, value = await read_frame(reader)
                future = self._pending.pop(key, None)
                if future is None or future.done():
                    continue  # its caller was cancelled (the app is stopping)
                if failed:
                    future.set_exception(ChildFailed(value))
                else:
                    future.set_result(value)
        except EOFError:
            pass
        except Exception:
            log.exception("reading the answering process's replies failed")
        finally:
            self._alive = False  # at once: the next request starts another child
            lost = list(self._pending.values())
            self._pending.clear()
            for future in lost:
                if not future.done():
                    future.set_exception(AnsweringLost())
            if not self._closed:
                code = await proc.wait()
                log.error(
                    "the answering process %d stopped (exit code %s); %d requests lost",
                    proc.pid,
                    code,
                    len(lost),
                )

    async def handle(self, request: ChatRequest) -> Reply:
        """The child's reply to `request` (AnsweringLost if it stopped before answering)."""
        reply: Reply = await self._call(ASK, request)
        return reply

    async def claim(self, event: str, at: datetime) -> bool:
        """Claim a request's key in the store, from the child (True: the first delivery);
        the claims of the next CLAIM_BATCH seconds go in one frame."""
        loop = asyncio.get_running_loop()
        won: asyncio.Future[bool] = loop.create_future()
        self._claims.append(((event, at), won))
        if self._claiming is None:
            self._claiming = loop.call_later(CLAIM_BATCH, self._send_claims)
        return await won

    def _send_claims(self) -> None:
        self._claiming = None
        batch, self._claims = self._claims, []
        task = asyncio.create_task(self._settle_claims(batch))
        self._sending.add(task)
        task.add_done_callback(self._sending.discard)

    async def _settle_claims(
        self, batch: list[tuple[tuple[str, datetime], asyncio.Future[bool]]]
    ) -> None:
        """Send a batch of claims in one frame; each claimant gets its own outcome."""
        self.claim_frames += 1
        try:
            outcomes = await self._call(CLAIMS, [claim for claim, _ in batch])
        except (Exception, asyncio.CancelledError) as exc:  # the child stopped, or we stop
            error = AnsweringLost() if isinstance(exc, asyncio.CancelledError) else exc
            for _, won in batch:
                if not won.done():
                    won.set_exception(error)
            if isinstance(exc, asyncio.CancelledError):
                raise
            return
        for (_, won), (failed, value) in zip(batch, outcomes, strict=True):
            if won.done():
                continue  # its caller was cancelled (the app is stopping)
            if failed:
                won.set_exception(ChildFailed(value))
            else:
                won.set_result(value)

    async def _call(self, kind: str, *args: object) -> Any:
        await self.start()  # no-op while the child runs; a new one after a death
        assert self._writer is not None
        key = next(self._ids)
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        self._pending[key] = future
        try:
            # One write of a whole frame: frames of concurrent requests never interleave.
            self._writer.write(frame((key, kind, args, request_id.get())))
            return await future
        finally:
            self._pending.pop(key, None)

    async def close(self) -> None:
        """Stop sending; the child answers what it holds and exits (killed after
        `stop_timeout`); nothing is left running."""
        async with self._starting:
            self._closed = True
            if self._claiming is not None:  # claims not sent yet: nobody will answer them
                self._claiming.cancel()
                self._claiming = None
                for _, won in self._claims:
                    if not won.done():
                        won.set_exception(AnsweringLost())
                self._claims = []
            proc, writer, reading = self._proc, self._writer, self._reading
            if writer is not None:
                with contextlib.suppress(ConnectionError):
                    writer.write_eof()  # the child's cue: no more requests
            if proc is not None:
                try:
                    async with asyncio.timeout(self.stop_timeout):
                        await proc.wait()
                except TimeoutError:
                    log.warning("the answering process did not stop in time; killing it")
                    with contextlib.suppress(ProcessLookupError):
                        proc.kill()
                    await proc.wait()
            if reading is not None:
                await reading
            if writer is not None:
                writer.close()
                with contextlib.suppress(ConnectionError):
                    await writer.wait_closed()

    async def __aenter__(self) -> AnsweringProcess:
        await self.start()
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        await self.close()


class OffloadedChat(ChatService):
    """A `ChatService` whose `handle` runs in an `AnsweringProcess`; its quick store reads
    and writes (a posted briefing, a thread's topic) stay in this process."""

    def __init__(self, process: AnsweringProcess, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.process = process

    async def _do(self, request: ChatRequest) -> Reply:
        # `ChatService.handle` turns a failure here into the user's one-line message.
        return await self.process.handle(request)


# ---------------------------------------------------------------------- the child's side


class Answers(Protocol):
    """What the child answers with: a `ChatService` (whose `handle` never raises)."""

    async def handle(self, request: ChatRequest) -> Reply: ...


Claims = Callable[[str, datetime], Awaitable[bool]]


async def serve(
    chat: Answers,
    claims: Claims,
    reader: asyncio.StreamReader,
    writer: asyncio.StreamWriter,
    *,
    workers: int,
) -> None:
    """Answer the parent's requests (`workers` at a time) and write its claims, until it
    closes its end; then finish what is under way and return."""
    gate = asyncio.Semaphore(workers)
    under_way: set[asyncio.Task[None]] = set()

    async def claim(key: str, at: datetime) -> tuple[bool, Any]:
        try:
            return False, await claims(key, at)
        except Exception as exc:
            log.exception("claiming %s failed in the answering process", key)
            return True, f"{type(exc).__name__}: {exc}"

    async def run(kind: str, args: tuple[Any, ...]) -> Any:
        if kind == CLAIMS:  # quick, and awaited before an answer: no turn taken
            return [await claim(key, at) for key, at in args[0]]
        async with gate:
            return await chat.handle(*args)  # never raises: failures are ErrorReplies

    async def one(key: int, kind: str, args: tuple[Any, ...], rid: str | None) -> None:
        request_id.set(rid)  # this task's own context: its log lines keep the request's id
        try:
            out = (key, False, await run(kind, args))
        except Exception as exc:
            log.exception("%s failed in the answering process", kind)
            out = (key, True, f"{type(exc).__name__}: {exc}")
        with contextlib.suppress(ConnectionError):
            writer.write(frame(out))

    writer.write(frame(READY))
    while True:
        try:
            key, kind, args, rid = await read_frame(reader)
        except EOFError:
            break
        task = asyncio.create_task(one(key, kind, args, rid))
        under_way.add(task)
        task.add_done_callback(under_way.discard)
    if under_way:
        await asyncio.gather(*under_way, return_exceptions=True)
    with contextlib.suppress(ConnectionError):
        await writer.drain()
    writer.close()
    with contextlib.suppress(ConnectionError):
        await writer.wait_closed()
