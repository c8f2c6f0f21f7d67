"""Local stand-ins for Microsoft's side of Teams, over real HTTP on 127.0.0.1:

- the Bot Connector at an activity's `serviceUrl`: `POST /v3/conversations/{id}/activities`
  (a new message) and `…/activities/{replyToId}` (a reply) answer `{"id": …}`;
- Workflows webhooks: `POST /workflows/{name}` answers 202, like the real trigger.

Every request is recorded; `fail(path_prefix, *answers)` scripts 429s and 5xx.

    with FakeTeams() as teams:
        teams.service_url            # put it in activities' serviceUrl
        teams.webhook_url("steel")
        teams.activities()           # what the bot sent (message activities)
"""

from __future__ import annotations

import itertools
import json
import threading
from dataclasses import dataclass
from typing import Any

from testkit.http import LocalServer, StandInHandler


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Scripted:
    status: int
    headers: dict[str, str]


class FakeTeams(LocalServer):
    def __init__(self) -> None:
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._failures: dict[str, list[Scripted]] = {}
        super().__init__(_Handler)

    @property
    def service_url(self) -> str:
        return f"{self.base_url}/"

    def webhook_url(self, name: str) -> str:
        return f"{self.base_url}/workflows/{name}"

    def fail(self, prefix: str, *answers: tuple[int, dict[str, str]]) -> None:
        with self._lock:
            self._failures.setdefault(prefix, []).extend(Scripted(s, h) for s, h in answers)

    def to(self, prefix: str) -> list[Received]:
        with self._lock:
            return [r for r in self.received if r.path.startswith(prefix)]

    def activities(self, kind: str = "message") -> list[Received]:
        """What the bot sent through the connector, of one activity type."""
        return [r for r in self.to("/v3/conversations/") if r.body.get("type") == kind]


class _Handler(StandInHandler):
    def do_POST(self) -> None:
        fake: FakeTeams = self.owner
        body = json.loads(self.read_body() or b"{}")
        with fake._lock:
            fake.received.append(Received(self.path, dict(self.headers.items()), body))
            failure = None
            for prefix, queue in fake._failures.items():
                if self.path.startswith(prefix) and queue:
                    failure = queue.pop(0)
                    break
            n = next(fake._ids)
        if failure is not None:
            self._send(failure.status, {"error": "scripted"}, failure.headers)
        elif self.path.startswith("/workflows/"):
            self._send(202, None, {})
        else:
            self._send(200, {"id": f"activity-{n}"}, {})

    def _send(self, status: int, body: Any, headers: dict[str, str]) -> None:
        data = json.dumps(body).encode() if body is not None else b""
        self.send_body(status, data, headers, content_type="application/json" if data else None)
