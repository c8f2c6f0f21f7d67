"""The bundled demo's web server: serves bot/demo/data on 127.0.0.1 so `briefbot demo` runs the
real pipeline (real HTTP, real extraction) with no network.

Files may hold placeholders, filled in at serve time so the demo always looks fresh:
`{base}` (this server's base URL), `{{iso:-5h}}` (ISO 8601, 5 hours before now; units m, h,
d) and `{{rfc822:-5h}}` (the RFC 2822 form feeds use). It serves nothing outside its folder.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from importlib import resources
from pathlib import Path
from types import TracebackType
from urllib.parse import unquote, urlsplit

_TYPES = {
    ".html": "text/html; charset=utf-8",
    ".xml": "application/xml; charset=utf-8",
    ".rss": "application/rss+xml; charset=utf-8",
    ".atom": "application/atom+xml; charset=utf-8",
    ".txt": "text/plain; charset=utf-8",
}
_PLACEHOLDER = re.compile(r"\{\{(iso|rfc822):-(\d+)([mhd])\}\}")
_UNITS = {"m": "minutes", "h": "hours", "d": "days"}


def data_dir() -> Path:
    """The bundled demo data folder (inside the installed package)."""
    return Path(str(resources.files("bot.demo") / "data"))


def render(text: str, base: str, now: datetime) -> str:
    """Fill in `{base}` and the relative-date placeholders."""

    def when(match: re.Match[str]) -> str:
        moment = now - timedelta(**{_UNITS[match.group(3)]: int(match.group(2))})
        return moment.isoformat() if match.group(1) == "iso" else format_datetime(moment)

    return _PLACEHOLDER.sub(when, text).replace("{base}", base)


def _utc_now() -> datetime:
    return datetime.now(UTC)


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
        demo = self

        class Handler(BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                demo._serve(self)

            def log_message(self, *args: object) -> None:
                pass

        self.httpd = ThreadingHTTPServer((host, port), Handler)
        self.httpd.daemon_threads = True
        self.thread = threading.Thread(
            target=self.httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True
        )

    @property
    def base_url(self) -> str:
        host, port = self.httpd.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> None:
        self.thread.start()

    def stop(self) -> None:
        self.httpd.shutdown()
        self.httpd.server_close()

    def __enter__(self) -> DemoServer:
        self.start()
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.stop()

    def _file(self, raw_path: str) -> Path | None:
        path = unquote(urlsplit(raw_path).path)
        target = (self.root / path.lstrip("/")).resolve()
        if not target.is_relative_to(self.root):
            return None
        if target.is_dir():
            target = target / "index.html"
        return target if target.is_file() else None

    def _serve(self, handler: BaseHTTPRequestHandler) -> None:
        target = self._file(handler.path)
        if target is None or target.name == "briefbot.toml":
            handler.send_error(404)
            return
        body = render(target.read_text(encoding="utf-8"), self.base_url, self.now())
        data = body.encode("utf-8")
        handler.send_response(200)
        handler.send_header("Content-Type", _TYPES.get(target.suffix, "text/plain; charset=utf-8"))
        handler.send_header("Content-Length", str(len(data)))
        handler.end_headers()
        handler.wfile.write(data)
