"""The bundled demo's web server: serves bot/demo/data on 127.0.0.1 so `briefbot demo` runs the
real pipeline (real HTTP, real extraction) with no network and no keys.

Files may hold placeholders, filled in at serve time so the demo always looks fresh:
`{base}` (this server's base URL), `{{iso:-5h}}` (ISO 8601 in UTC, 5 hours before now; units
m, h and d) and `{{rfc822:-5h}}` (the RFC 2822 form RSS uses). It serves only the data files
under its root (never a path outside it, never the demo's config), logs nothing, and binds
nothing but the given local address.
"""

from __future__ import annotations

import atexit
import re
import shutil
import tempfile
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from functools import cache
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from importlib.resources.abc import Traversable
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

_HTML = "text/html; charset=utf-8"
_SERVED = {".html": _HTML, ".htm": _HTML, ".xml": None, ".txt": "text/plain; charset=utf-8"}
_PLACEHOLDER = re.compile(r"\{\{(iso|rfc822):-(\d+)([mhd])\}\}")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


@cache
def data_dir() -> Path:
    """The bundled demo data folder, as a real directory even if the package is zipped."""
    data = resources.files("bot.demo") / "data"
    if isinstance(data, Path):
        return data
    return _unpacked(data)


def _unpacked(data: Traversable) -> Path:
    # A zipped install has no folder on disk to serve (or to read press releases from):
    # copy the data out once per process.
    root = Path(tempfile.mkdtemp(prefix="briefbot-demo-data-"))
    atexit.register(shutil.rmtree, root, ignore_errors=True)

    def copy(node: Traversable, into: Path) -> None:
        for child in node.iterdir():
            if child.is_dir():
                (into / child.name).mkdir()
                copy(child, into / child.name)
            else:
                (into / child.name).write_bytes(child.read_bytes())

    copy(data, root)
    return root


def render(text: str, base: str, now: datetime) -> str:
    """Fill in `{base}` and the relative-date placeholders."""
    now = (now if now.tzinfo else now.replace(tzinfo=UTC)).astimezone(UTC)
    now = now.replace(microsecond=0)

    def when(match: re.Match[str]) -> str:
        moment = now - timedelta(**{_UNITS[match.group(3)]: int(match.group(2))})
        return moment.isoformat() if match.group(1) == "iso" else format_datetime(moment)

    return _PLACEHOLDER.sub(when, text).replace("{base}", base)


def content_type(path: Path, text: str) -> str:
    """The media type a file is served as; XML is told apart by its root element."""
    known = _SERVED.get(path.suffix.lower())
    if known:
        return known
    head = text[:1000]
    if re.search(r"<rss[\s>]", head):
        return "application/rss+xml; charset=utf-8"
    if re.search(r"<feed[\s>]", head):
        return "application/atom+xml; charset=utf-8"
    return "application/xml; charset=utf-8"


def _utc_now() -> datetime:
    return datetime.now(UTC)


class _Handler(BaseHTTPRequestHandler):
    server: _DemoHTTPServer

    def do_GET(self) -> None:
        self.server.demo.respond(self, head_only=False)

    def do_HEAD(self) -> None:
        self.server.demo.respond(self, head_only=True)

    def log_message(self, format: str, *args: object) -> None:
        pass  # quiet: the demo prints a briefing, not an access log


class _DemoHTTPServer(ThreadingHTTPServer):
    daemon_threads = True

    def __init__(self, address: tuple[str, int], demo: DemoServer) -> None:
        self.demo = demo
        super().__init__(address, _Handler)

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # a client hanging up mid-response is not worth a traceback on the console


class DemoServer:
    """Serves the demo data over HTTP on 127.0.0.1 (ephemeral port) in a background thread."""

    def __init__(
        self,
        root: Path | None = None,
        *,
        now: Callable[[], datetime] = _utc_now,
        host: str = "127.0.0.1",
        port: int = 0,
    ) -> None:
        self.root = (root or data_dir()).resolve()
        self.now = now
        self._httpd = _DemoHTTPServer((host, port), self)
        self._thread = threading.Thread(
            target=self._httpd.serve_forever,
            kwargs={"poll_interval": 0.05},
            name="briefbot-demo-server",
            daemon=True,
        )
        self._stopped = False

    @property
    def base_url(self) -> str:
        """`http://127.0.0.1:PORT`, with no trailing slash."""
        host, port = self._httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        """Start serving in a daemon thread."""
        self._thread.start()

    def stop(self) -> None:
        """Stop serving and release the port (safe to call twice, or without start)."""
        if self._stopped:
            return
        self._stopped = True
        if self._thread.is_alive():
            self._httpd.shutdown()
            self._thread.join(timeout=5)
        self._httpd.server_close()

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def resolve(self, raw_path: str) -> Path | None:
        """The file a request path names, or None: outside the root, not a data file, missing."""
        path = unquote(urlsplit(raw_path).path)
        try:
            target = (self.root / path.lstrip("/")).resolve()
            if not target.is_relative_to(self.root):
                return None
            if target.is_dir():
                target = target / "index.html"
            found = target.suffix.lower() in _SERVED and target.is_file()
        except (OSError, ValueError):  # a NUL byte, a name too long for the filesystem
            return None
        return target if found else None

    def respond(self, handler: BaseHTTPRequestHandler, *, head_only: bool) -> None:
        """Answer one request (called on the server's handler threads)."""
        path = urlsplit(handler.path).path
        target = self.resolve(handler.path)
        if target is None:
            handler.send_error(HTTPStatus.NOT_FOUND)
            return
        if target.name == "index.html" and not unquote(path).endswith(("/", ".html")):
            # A folder without its slash: redirect, so relative links on the page resolve.
            handler.send_response(HTTPStatus.MOVED_PERMANENTLY)
            handler.send_header("Location", path + "/")
            handler.send_header("Content-Length", "0")
            handler.end_headers()
            return
        text = render(target.read_text(encoding="utf-8"), self.base_url, self.now())
        data = text.encode("utf-8")
        handler.send_response(HTTPStatus.OK)
        handler.send_header("Content-Type", content_type(target, text))
        handler.send_header("Content-Length", str(len(data)))
        handler.send_header("Cache-Control", "no-store")
        handler.end_headers()
        if not head_only:
            handler.wfile.write(data)
