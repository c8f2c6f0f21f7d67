"""A clock tests move by hand, and waiting for work done in the background."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from datetime import datetime, timedelta


class Clock:
    """A clock tests move by hand; pass `clock.now` wherever a `now` function is wanted."""

    def __init__(self, start: datetime) -> None:
        self.current = start

    def now(self) -> datetime:
        return self.current

    def advance(self, **delta: float) -> None:
        self.current += timedelta(**delta)


async def eventually(check: Callable[[], bool], *, within: float = 15.0) -> None:
    """Wait for work Slack's ack does not wait for (a bound, not a timing assertion)."""
    deadline = asyncio.get_running_loop().time() + within
    while not check():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError("the app never did it")
        await asyncio.sleep(0.02)
