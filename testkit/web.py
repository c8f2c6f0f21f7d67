"""A scriptable HTTP/1.1 server on 127.0.0.1 for tests: pages, feeds and misbehaving servers.

Runs in a background thread, so it works under any event loop. Register routes per test, then
read `requests` to see what briefbot sent:

    with WebServer() as web:
        web.add("/feed.xml", rss_bytes, content_type="application/rss+xml")
        web.hang("/slow")          # accepts, never answers
        url = web.url("/feed.xml")
"""

from __future__ import annotations

import threading
import time
import zlib
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from urllib.parse import urlsplit

from testkit.http import LocalServer, StandInHandler


@dataclass
class Recorded:
    method: str
    path: str
    headers: dict[str, str]


@dataclass
class Reply:
    status: int = 200
    headers: dict[str, str] = field(default_factory=dict)
    body: bytes | Iterator[bytes] = b""


Handler = Callable[[Recorded], Reply | None]


class _Handler(StandInHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        self.owner._handle(self)


class WebServer(LocalServer):
    """Routes by path (query strings ignored unless registered with them)."""

    def __init__(self) -> None:
        self.routes: dict[str, Handler] = {}
        self.requests: list[Recorded] = []
        self.in_flight = 0
        self.max_in_flight = 0
        self._lock = threading.Lock()
        # a client hanging up mid-body is what several tests are about
        super().__init__(_Handler, quiet_errors=True)

    # -------------------------------------------------------------- routes

    def route(self, path: str, handler: Handler) -> None:
        self.routes[path] = handler

    def add(
        self,
        path: str,
        body: bytes | str,
        *,
        status: int = 200,
        content_type: str = "text/html; charset=utf-8",
        headers: dict[str, str] | None = None,
    ) -> None:
        data = body.encode() if isinstance(body, str) else body
        all_headers = {"Content-Type": content_type, **(headers or {})}
        self.route(path, lambda _r: Reply(status, dict(all_headers), data))

    def redirect(self, path: str, location: str, status: int = 302) -> None:
        self.route(path, lambda _r: Reply(status, {"Location": location}))

    def hang(self, path: str) -> None:
        """Accept the request and never answer (until the server closes)."""

        def handler(_r: Recorded) -> Reply | None:
            self.closing.wait(30)
            return None

        self.route(path, handler)

    def slow_drip(self, path: str, chunk: bytes = b" ", interval: float = 0.2) -> None:
        """Answer 200 at once, then send a byte now and then, forever."""

        def body() -> Iterator[bytes]:
            while not self.closing.wait(interval):
                yield chunk

        self.route(path, lambda _r: Reply(200, {"Content-Type": "text/html"}, body()))

    def gzip_bomb(self, path: str, expanded_size: int) -> None:
        """A small gzip body that expands to expanded_size bytes (built without holding it)."""
        compressor = zlib.compressobj(9, zlib.DEFLATED, zlib.MAX_WBITS | 16)
        block = b"\0" * 1_000_000
        parts = [compressor.compress(block) for _ in range(expanded_size // len(block))]
        data = b"".join(parts) + compressor.flush()
        self.add(path, data, content_type="application/xml", headers={"Content-Encoding": "gzip"})

    def huge(self, path: str, size: int, content_type: str = "text/html") -> None:
        """Stream size bytes in chunks, without a Content-Length."""

        def body() -> Iterator[bytes]:
            sent = 0
            piece = b"<p>" + b"x" * 65_529 + b"</p>"
            while sent < size and not self.closing.is_set():
                yield piece
                sent += len(piece)

        self.route(path, lambda _r: Reply(200, {"Content-Type": content_type}, body()))

    def conditional(
        self,
        path: str,
        body: bytes,
        *,
        etag: str,
        last_modified: str,
        content_type: str = "application/rss+xml",
    ) -> None:
        """Honour If-None-Match / If-Modified-Since with 304."""

        def handler(r: Recorded) -> Reply:
            validators = {"ETag": etag, "Last-Modified": last_modified}
            if r.headers.get("If-None-Match") == etag or (
                r.headers.get("If-Modified-Since") == last_modified
            ):
                return Reply(304, validators)
            return Reply(200, {"Content-Type": content_type, **validators}, body)

        self.route(path, handler)

    # -------------------------------------------------------------- serving

    def _handle(self, h: BaseHTTPRequestHandler) -> None:
        record = Recorded(h.command, h.path, {k: v for k, v in h.headers.items()})
        with self._lock:
            self.requests.append(record)
            self.in_flight += 1
            self.max_in_flight = max(self.max_in_flight, self.in_flight)
        try:
            handler = self.routes.get(h.path) or self.routes.get(urlsplit(h.path).path)
            reply = (
                handler(record)
                if handler
                else Reply(404, {"Content-Type": "text/plain"}, b"not found")
            )
            if reply is None:
                h.close_connection = True
                return
            self._send(h, reply)
        except (BrokenPipeError, ConnectionResetError):
            h.close_connection = True
        finally:
            with self._lock:
                self.in_flight -= 1

    def _send(self, h: BaseHTTPRequestHandler, reply: Reply) -> None:
        h.send_response(reply.status)
        for key, value in reply.headers.items():
            h.send_header(key, value)
        if isinstance(reply.body, bytes):
            h.send_header("Content-Length", str(len(reply.body)))
            h.end_headers()
            if reply.status != 304:
                h.wfile.write(reply.body)
            return
        h.send_header("Transfer-Encoding", "chunked")
        h.end_headers()
        for chunk in reply.body:
            h.wfile.write(b"%x\r\n%s\r\n" % (len(chunk), chunk))
            h.wfile.flush()
        h.wfile.write(b"0\r\n\r\n")


def wait_until(predicate: Callable[[], bool], timeout: float = 5.0) -> bool:
    """Poll a condition (for tests that wait on the server's side)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.01)
    return predicate()
