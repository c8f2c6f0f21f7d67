"""Start and stop a stand-in HTTP server on 127.0.0.1 (a free port) in a background thread.

The socket listens from construction on, so a server is ready as soon as it exists; entering
the context starts serving, leaving it stops serving and closes the socket:

    class Handler(StandInHandler):
        def do_GET(self) -> None:
            self.send_body(200, b"hello", content_type="text/plain")

    with LocalServer(Handler) as server:
        httpx.get(server.url("/"))

A stand-in subclasses `LocalServer`; its handler reaches it as `self.owner`.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False

    def __init__(
        self, handler: type[BaseHTTPRequestHandler], owner: LocalServer, quiet_errors: bool
    ) -> None:
        super().__init__(("127.0.0.1", 0), handler)
        self.owner = owner
        self.quiet_errors = quiet_errors

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not self.quiet_errors:
            super().handle_error(request, client_address)


class LocalServer:
    """`httpd` serves `handler` on 127.0.0.1 from `thread`; `closing` is set once it stops
    (handlers that wait or stream should give up then).

    quiet_errors: drop the traceback of a request that failed, for stand-ins whose clients
    hang up mid-request on purpose."""

    def __init__(self, handler: type[BaseHTTPRequestHandler], *, quiet_errors: bool = False):
        self.closing = threading.Event()
        self.httpd = _Server(handler, self, quiet_errors)
        self.port: int = self.httpd.server_address[1]
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    def url(self, path: str = "") -> str:
        return f"http://127.0.0.1:{self.port}{path}"

    @property
    def base_url(self) -> str:
        return self.url()

    def start(self) -> Self:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.closing.set()
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()


class StandInHandler(BaseHTTPRequestHandler):
    """A request handler that does not log, with its stand-in as `owner`."""

    server: _Server

    @property
    def owner(self) -> Any:
        return self.server.owner

    def log_message(self, format: str, *args: Any) -> None:
        pass

    def read_body(self) -> bytes:
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length else b""

    def send_body(
        self,
        status: int,
        data: bytes,
        headers: Mapping[str, str] | None = None,
        *,
        content_type: str | None = None,
    ) -> None:
        self.send_response(status)
        if content_type:
            self.send_header("Content-Type", content_type)
        self.send_header("Content-Length", str(len(data)))
        for name, value in (headers or {}).items():
            self.send_header(name, value)
        self.end_headers()
        self.wfile.write(data)
