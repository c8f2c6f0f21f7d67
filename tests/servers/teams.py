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
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any


@dataclass
class Received:
    path: str
    headers: dict[str, str]
    body: dict[str, Any]


@dataclass
class Scripted:
    status: int
    headers: dict[str, str]


class FakeTeams:
    def __init__(self) -> None:
        self.received: list[Received] = []
        self._lock = threading.Lock()
        self._ids = itertools.count(1)
        self._failures: dict[str, list[Scripted]] = {}
        self._server = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    def __enter__(self) -> FakeTeams:
        self._thread.start()
        return self

    def __exit__(
        self, exc: type[BaseException] | None, value: BaseException | None, tb: TracebackType | None
    ) -> None:
        self._server.shutdown()
        self._server.server_close()

    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

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

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        fake = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args: Any) -> None:
                pass

            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b"{}"
                body = json.loads(raw or b"{}")
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
                self.send_response(status)
                if data:
                    self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                for name, value in headers.items():
                    self.send_header(name, value)
                self.end_headers()
                self.wfile.write(data)

        return Handler
