"""A stand-in answering child for tests/slack/test_offload.py: the real `serve` loop over the
real socket, answering with `EchoChat` instead of the app's services (started in a process of
its own by `AnsweringProcess`, as `bot.wiring.answering_child` is)."""

from __future__ import annotations

import asyncio
import os
import socket
import sys
from datetime import datetime

from bot.chat import ChatRequest, ErrorReply, Reply
from bot.slack.offload import frame, read_frame, serve

# What the test's `init` frame can ask of the child.
REFUSE = "refuse"  # say something else than READY
DIE = "die"  # a question with this text makes the child exit at once
BROKEN = "broken"  # a claim of this key fails


class EchoChat:
    """Answers each request with its own text and this process's id, so tests see that the
    child answered."""

    async def handle(self, request: ChatRequest) -> Reply:
        if request.intent.text == DIE:
            os._exit(3)
        await asyncio.sleep(0)  # a turn of the loop, as a real answer's awaits give
        return ErrorReply(f"{request.intent.text} from {os.getpid()}")


class Claims:
    """Keys claimed in memory: the first claim of a key wins; the key BROKEN fails."""

    def __init__(self) -> None:
        self.seen: set[str] = set()

    async def claim(self, key: str, at: datetime) -> bool:
        if key == BROKEN:
            raise RuntimeError("the store is down")
        first = key not in self.seen
        self.seen.add(key)
        return first


async def _main(fd: int) -> None:
    reader, writer = await asyncio.open_connection(sock=socket.socket(fileno=fd))
    init = await read_frame(reader)
    if init == REFUSE:
        writer.write(frame("not ready"))
        await writer.drain()
        return
    await serve(EchoChat(), Claims().claim, reader, writer, workers=2)


def main(fd: int) -> None:
    asyncio.run(_main(fd))


if __name__ == "__main__":
    main(int(sys.argv[1]))
