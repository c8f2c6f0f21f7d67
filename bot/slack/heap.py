"""Keeping the garbage collector's full collections off Slack's acks.

CPython's cyclic garbage collector runs a full collection (generation 2) once the objects that
survived into it have grown by a quarter, and a full collection walks every tracked object
while holding the event loop. After start-up and the first question (imports, the clients,
the question-reading language pipeline loaded on first use) the process holds ~270,000 tracked
objects, and a full collection took 150-600 ms on the 2-core bench machine: it fell, on the
answering pool's allocations, in the middle of a burst of Slack requests about one run in
three, and every request in flight waited for it (bench/slack_ack.py, server-side p99).

`settle` moves what has lived long into the collector's permanent generation (`gc.freeze`),
which full collections no longer walk: they then cost what was allocated since, a few
milliseconds. It first collects (so that no garbage is frozen) and is called when the
answering pool has fallen idle (nothing running, queued or being acked), so that collection
lands between requests rather than inside them; it does nothing until `threshold` objects
have survived into the oldest generation since the last time, so the walk is paid rarely.

Frozen objects are still freed when nothing refers to them; only a frozen object that later
becomes unreachable inside a reference cycle is never reclaimed. What is frozen is the app's
long-lived state (modules, clients, models, caches), so that cost is small and bounded by how
often `threshold` more objects survive, not by how long the process runs.
"""

from __future__ import annotations

import gc
import logging
import time

log = logging.getLogger(__name__)

# Objects in the oldest, unfrozen generation before it is worth settling again: the first
# question alone adds ~45,000; a full collection of 20,000 objects takes a few milliseconds.
THRESHOLD = 20_000


def settle(threshold: int = THRESHOLD) -> bool:
    """Collect, then freeze what survived, once `threshold` objects live in the oldest
    unfrozen generation; True when it did."""
    if len(gc.get_objects(generation=2)) < threshold:
        return False
    started = time.perf_counter()
    gc.collect()
    gc.freeze()
    log.debug(
        "froze %d long-lived objects in %.0f ms",
        gc.get_freeze_count(),
        (time.perf_counter() - started) * 1000,
    )
    return True
