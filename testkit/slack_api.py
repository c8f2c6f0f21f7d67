"""A local stand-in for Slack's Web API (and for response URLs), over real HTTP on 127.0.0.1.

It speaks Slack's wire format (form or JSON bodies, `{"ok": …}` answers, 429 + Retry-After),
keeps the messages posted to each channel so `conversations.history` and `conversations.replies`
return them (with their metadata), and records every call so tests assert on what was sent:

    with FakeSlack() as slack:
        client = AsyncWebClient(token="xoxb-test", base_url=slack.api_url)
        ...
        slack.calls_to("chat.postMessage")           # [Call(method, params, headers), …]
        slack.fail("chat.postMessage", ratelimited(retry_after=1))   # next call answers 429
        slack.fail("chat.postMessage", None, error("internal_error"))  # the second call fails
        slack.hold("chat.postMessage", after=True)   # post it, then never answer (a crash)
        slack.response_url("abc")                    # a URL whose posts are recorded as calls
        slack.add_channel("trade-desk", "C0TRADE")   # `#trade-desk` now names C0TRADE
        slack.streaming = False                      # chat.*Stream answer unknown_method

Like Slack, `chat.postMessage` takes `#name` and answers with the channel id, while
`conversations.*` only take ids (a name is `channel_not_found`); `conversations.list` pages
with a cursor (`list_page` channels a page at most).
"""

from __future__ import annotations

import itertools
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs, urlparse

from testkit.http import LocalServer, StandInHandler

# What a Slack conversation id looks like (C… public, G… private, D… direct messages).
CHANNEL_ID = re.compile(r"[CGD][A-Z0-9]{2,}")
BOT_USER = "UBOT"
BOT_ID = "BBOT"
TEAM = "T0TEST"


@dataclass
class Call:
    method: str
    params: dict[str, Any]
    headers: dict[str, str]


@dataclass
class Failure:
    status: int = 200
    body: dict[str, Any] = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)


def ratelimited(retry_after: int = 1) -> Failure:
    return Failure(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": str(retry_after)})


def error(code: str) -> Failure:
    return Failure(200, {"ok": False, "error": code})


def _decode(value: Any) -> Any:
    """Slack clients send blocks/metadata as JSON strings in forms; decode them."""
    if isinstance(value, str) and value[:1] in "[{":
        try:
            return json.loads(value)
        except json.JSONDecodeError:
            return value
    return value


class FakeSlack(LocalServer):
    def __init__(self, now: Callable[[], float] = time.time) -> None:
        """`now` gives the seconds message timestamps (`ts`) are made of (a test's clock)."""
        self.now = now
        self.socket_url = ""  # what apps.connections.open hands out (Socket Mode tests)
        self.calls: list[Call] = []
        self.messages: dict[str, list[dict[str, Any]]] = {}
        self._lock = threading.Lock()
        self._ts = itertools.count(1)
        self._failures: dict[str, list[Failure | None]] = {}
        self._holds: dict[str, tuple[bool, threading.Event]] = {}
        self._slow: dict[str, float] = {}
        self.channels: dict[str, tuple[str, bool]] = {}  # id → (name, private)
        self.list_page = 100
        self.streaming = True
        super().__init__(_Handler)

    # ------------------------------------------------------------------ lifecycle

    def stop(self) -> None:
        for _, event in self._holds.values():
            event.set()
        super().stop()

    @property
    def api_url(self) -> str:
        return f"{self.base_url}/api/"

    def response_url(self, token: str) -> str:
        return f"{self.base_url}/response/{token}"

    # ------------------------------------------------------------------ scripting

    def fail(self, method: str, *failures: Failure | None) -> None:
        """The next calls to `method` get these answers, in order (None: that call goes
        through as usual)."""
        with self._lock:
            self._failures.setdefault(method, []).extend(failures)

    def hold(self, method: str, *, after: bool) -> threading.Event:
        """Calls to `method` never answer until the returned event is set; with after=True
        the call takes effect first (the message is posted), else not."""
        event = threading.Event()
        self._holds[method] = (after, event)
        return event

    def slow(self, method: str, seconds: float) -> None:
        """Calls to `method` take effect at once but answer only after `seconds`."""
        self._slow[method] = seconds

    def release(self, method: str) -> None:
        after_event = self._holds.pop(method, None)
        if after_event:
            after_event[1].set()

    # ------------------------------------------------------------------ inspection

    def calls_to(self, method: str) -> list[Call]:
        with self._lock:
            return [c for c in self.calls if c.method == method]

    def posted(self, channel: str | None = None) -> list[dict[str, Any]]:
        """Messages posted (not ephemeral), oldest first."""
        with self._lock:
            channels = [channel] if channel else list(self.messages)
            return [m for c in channels for m in self.messages.get(c, [])]

    def add_message(self, channel: str, **message: Any) -> str:
        """A message someone else posted (for history)."""
        with self._lock:
            ts = self._next_ts()
            self.messages.setdefault(channel, []).append({"ts": ts, "channel": channel, **message})
            return ts

    def add_channel(self, name: str, channel_id: str, *, private: bool = False) -> None:
        """A channel the workspace has (for `#name` posts and `conversations.list`)."""
        with self._lock:
            self.channels[channel_id] = (name, private)

    # ------------------------------------------------------------------ the API

    def _channel_id(self, value: str) -> str | None:
        """The id a `channel` argument names (`#name` resolved), or None."""
        if value.startswith("#"):
            return next((i for i, (n, _) in self.channels.items() if n == value[1:]), None)
        return value if CHANNEL_ID.fullmatch(value) else None

    def _list(self, params: dict[str, Any]) -> dict[str, Any]:
        types = str(params.get("types") or "public_channel").split(",")
        wanted = [
            {"id": i, "name": n, "is_private": p, "is_channel": not p, "is_archived": False}
            for i, (n, p) in sorted(self.channels.items())
            if ("private_channel" if p else "public_channel") in types
        ]
        start = int(str(params.get("cursor") or "0").removeprefix("next:") or 0)
        size = min(int(params.get("limit") or 100), self.list_page)
        page = wanted[start : start + size]
        more = start + size < len(wanted)
        return {
            "ok": True,
            "channels": page,
            "response_metadata": {"next_cursor": f"next:{start + size}" if more else ""},
        }

    def _stream(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if not self.streaming:
            return {"ok": False, "error": "unknown_method"}
        channel = self._channel_id(str(params.get("channel") or ""))
        if channel is None:
            return {"ok": False, "error": "channel_not_found"}
        if method == "chat.startStream":
            message = {
                "ts": self._next_ts(),
                "channel": channel,
                "text": params.get("markdown_text") or "",
                "blocks": [],
                "thread_ts": params.get("thread_ts"),
                "metadata": None,
                "user": BOT_USER,
                "bot_id": BOT_ID,
                "streaming": True,
            }
            self.messages.setdefault(channel, []).append(message)
            return {"ok": True, "channel": channel, "ts": message["ts"]}
        for message in self.messages.get(channel, []):
            if message["ts"] == params.get("ts"):
                if not message.get("streaming"):
                    return {"ok": False, "error": "message_not_in_streaming_state"}
                message["text"] += params.get("markdown_text") or ""
                if method == "chat.stopStream":
                    message["streaming"] = False
                    message["blocks"] = params.get("blocks") or []
                return {"ok": True, "channel": channel, "ts": message["ts"]}
        return {"ok": False, "error": "message_not_found"}

    def _next_ts(self) -> str:
        return f"{int(self.now())}.{next(self._ts):06d}"

    def _answer(self, method: str, params: dict[str, Any]) -> dict[str, Any]:
        if method == "auth.test":
            return {
                "ok": True,
                "url": "https://briefbot-test.slack.com/",
                "team": "Briefbot Test",
                "user": "briefbot",
                "team_id": TEAM,
                "user_id": BOT_USER,
                "bot_id": BOT_ID,
            }
        if method == "chat.postMessage":
            found = self._channel_id(str(params.get("channel") or ""))
            if found is None:
                return {"ok": False, "error": "channel_not_found"}
            channel = found
            message = {
                "ts": self._next_ts(),
                "channel": channel,
                "text": params.get("text", ""),
                "blocks": params.get("blocks", []),
                "thread_ts": params.get("thread_ts"),
                "metadata": params.get("metadata"),
                "user": BOT_USER,
                "bot_id": BOT_ID,
            }
            self.messages.setdefault(channel, []).append(message)
            return {"ok": True, "channel": channel, "ts": message["ts"], "message": message}
        if method == "chat.update":
            channel = str(params.get("channel"))
            for message in self.messages.get(channel, []):
                if message["ts"] == params.get("ts"):
                    message.update(text=params.get("text", ""), blocks=params.get("blocks", []))
                    return {"ok": True, "channel": channel, "ts": message["ts"]}
            return {"ok": False, "error": "message_not_found"}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self._next_ts()}
        if method == "conversations.list":
            return self._list(params)
        if method in ("chat.startStream", "chat.appendStream", "chat.stopStream"):
            return self._stream(method, params)
        if method in ("conversations.history", "conversations.replies"):
            channel = str(params.get("channel"))
            if not CHANNEL_ID.fullmatch(channel):  # Slack wants the id here, never a name
                return {"ok": False, "error": "channel_not_found"}
            found = list(self.messages.get(channel, []))
            if method == "conversations.replies":
                root = params.get("ts")
                found = [m for m in found if m["ts"] == root or m.get("thread_ts") == root]
            else:
                found = [m for m in found if not m.get("thread_ts")]
                found.reverse()  # newest first
            if params.get("oldest"):
                found = [m for m in found if float(m["ts"]) > float(params["oldest"])]
            limit = int(params.get("limit") or 100)
            metadata = str(params.get("include_all_metadata", "")).lower() in ("1", "true")
            shown = [
                {k: v for k, v in m.items() if k != "metadata" or metadata} for m in found[:limit]
            ]
            return {"ok": True, "messages": shown, "has_more": len(found) > limit}
        if method == "apps.connections.open":
            if not self.socket_url:
                return {"ok": False, "error": "socket_mode_not_enabled"}
            return {"ok": True, "url": self.socket_url}
        if method.startswith("assistant.threads."):
            return {"ok": True}
        return {"ok": False, "error": "unknown_method"}


class _Handler(StandInHandler):
    def _params(self) -> dict[str, Any]:
        query = {k: v[-1] for k, v in parse_qs(urlparse(self.path).query).items()}
        raw = self.read_body().decode()
        if raw and "json" in (self.headers.get("Content-Type") or ""):
            body: dict[str, Any] = json.loads(raw)
        else:
            body = {k: _decode(v[-1]) for k, v in parse_qs(raw).items()}
        return {**query, **body}

    def _send(self, status: int, body: dict[str, Any], headers: dict[str, str]) -> None:
        data = json.dumps(body).encode()
        self.send_body(status, data, headers, content_type="application/json; charset=utf-8")

    def _serve(self) -> None:
        fake: FakeSlack = self.owner
        path = urlparse(self.path).path
        params = self._params()
        if path.startswith("/response/"):
            method = "response_url"
            params["token"] = path.rsplit("/", 1)[-1]
        elif path.startswith("/api/"):
            method = path[len("/api/") :]
        else:
            self._send(404, {"ok": False, "error": "not_found"}, {})
            return
        with fake._lock:
            fake.calls.append(Call(method, params, dict(self.headers.items())))
            failures = fake._failures.get(method)
            failure = failures.pop(0) if failures else None
            hold = fake._holds.get(method)
        if failure is not None:
            self._send(failure.status, failure.body, failure.headers)
            return
        if hold and not hold[0]:
            hold[1].wait(30)
            return
        if method == "response_url":
            body = {"ok": True}
        else:
            with fake._lock:
                body = fake._answer(method, params)
        if hold:
            hold[1].wait(30)
            return
        if method in fake._slow:
            time.sleep(fake._slow[method])
        self._send(200, body, {})

    do_POST = _serve
    do_GET = _serve
