"""A local OpenAI-compatible server for tests: `/v1/chat/completions` and `/v1/models` over
real HTTP on 127.0.0.1, scripted per test. The real `openai` client talks to it.

    with FakeOpenAI() as llm:
        llm.script(reply_json({...}), status(429, retry_after="1"), reply_json({...}))
        llm.default = reply_json({...})        # once the script runs out
        client = AsyncOpenAI(base_url=llm.base_url, api_key="test")

Every request body is kept in `requests`. A handler may also be a function of the request
body, for answers that depend on the prompt.
"""

from __future__ import annotations

import contextlib
import json
import re
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from testkit.http import LocalServer, StandInHandler


@dataclass
class Answer:
    status: int = 200
    body: dict[str, Any] | str = field(default_factory=dict)
    headers: dict[str, str] = field(default_factory=dict)
    delay: float = 0.0


Scripted = Answer | Callable[[dict[str, Any]], Answer]


def estimate_tokens(text: str) -> int:
    """The documented estimate used by the tests and benchmarks: one token per 4 characters."""
    return max(1, (len(text) + 3) // 4)


def completion(content: str, request: dict[str, Any] | None = None, **usage: int) -> dict[str, Any]:
    prompt = sum(
        estimate_tokens(str(m.get("content", ""))) for m in (request or {}).get("messages", [])
    )
    prompt_tokens = usage.get("prompt_tokens", prompt)
    completion_tokens = usage.get("completion_tokens", estimate_tokens(content))
    return {
        "id": "chatcmpl-test",
        "object": "chat.completion",
        "created": int(time.time()),
        "model": (request or {}).get("model", "test-model"),
        "choices": [
            {
                "index": 0,
                "message": {"role": "assistant", "content": content},
                "finish_reason": "stop",
            }
        ],
        "usage": {
            "prompt_tokens": prompt_tokens,
            "completion_tokens": completion_tokens,
            "total_tokens": prompt_tokens + completion_tokens,
        },
    }


def reply_json(payload: Any, *, delay: float = 0.0) -> Callable[[dict[str, Any]], Answer]:
    """Answer with this JSON document as the assistant's message (usage estimated)."""
    text = payload if isinstance(payload, str) else json.dumps(payload)
    return lambda request: Answer(200, completion(text, request), delay=delay)


def status(code: int, *, retry_after: str | None = None, delay: float = 0.0) -> Answer:
    headers = {"Retry-After": retry_after} if retry_after else {}
    body = {"error": {"message": f"scripted {code}", "type": "test", "code": str(code)}}
    return Answer(code, body, headers, delay)


def reject_json_schema(then: Scripted) -> Callable[[dict[str, Any]], Answer]:
    """Behave like llama.cpp's server: 400 on response_format json_schema, else `then`."""

    def handler(request: dict[str, Any]) -> Answer:
        kind = (request.get("response_format") or {}).get("type")
        if kind == "json_schema":
            return status(400)
        return then(request) if callable(then) else then

    return handler


class _Handler(StandInHandler):
    protocol_version = "HTTP/1.1"

    def do_GET(self) -> None:
        if self.path.rstrip("/").endswith("/models"):
            self.owner._send(self, MODELS)
        else:
            self.owner._send(self, status(404))

    def do_POST(self) -> None:
        fake: FakeOpenAI = self.owner
        raw = self.read_body()
        if not self.path.rstrip("/").endswith("/chat/completions"):
            fake._send(self, status(404))
            return
        try:
            body = json.loads(raw)
        except json.JSONDecodeError:
            fake._send(self, status(400))
            return
        with fake._lock:
            fake.requests.append(body)
            scripted = fake.queue.pop(0) if fake.queue else fake.default
        answer = scripted(body) if callable(scripted) else scripted
        if answer.delay:
            fake.closing.wait(answer.delay)
        fake._send(self, answer)


MODELS = Answer(
    200,
    {"object": "list", "data": [{"id": "test-model", "object": "model", "owned_by": "test"}]},
)


class FakeOpenAI(LocalServer):
    def __init__(self) -> None:
        self.requests: list[dict[str, Any]] = []
        self.queue: list[Scripted] = []
        self.default: Scripted = status(500)
        self._lock = threading.Lock()
        # clients that time out hang up on us; that is what some tests do
        super().__init__(_Handler, quiet_errors=True)

    @property
    def base_url(self) -> str:
        """The base URL an OpenAI client is given (with its `/v1`)."""
        return self.url("/v1")

    def script(self, *answers: Scripted) -> None:
        self.queue.extend(answers)

    def _send(self, handler: StandInHandler, answer: Answer) -> None:
        data = (answer.body if isinstance(answer.body, str) else json.dumps(answer.body)).encode()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):
            handler.send_body(answer.status, data, answer.headers, content_type="application/json")


def echo_model(
    request: dict[str, Any], *, points: int = 1, headline_prefix: str = "Update: "
) -> Answer:
    """A stand-in model that answers in the shape asked for, from the text it was given:
    article summaries (one, or a batch) from the first numbered sentences and quotations,
    briefing headlines from each story's first point and that point's citations."""
    user = request["messages"][-1]["content"]
    fmt = (request.get("response_format") or {}).get("json_schema", {})
    if fmt.get("name") == "briefing_headlines":
        stories = [
            {
                "story": int(n),
                "headline": headline_prefix + re.sub(r"\s*\[\d+\]", "", first)[:200],
                "citations": [int(c) for c in re.findall(r"\[(\d+)\]", first)],
            }
            for n, first in re.findall(
                r"Story (\d+):\n- (.*?)(?: \(new since the last briefing\))?$", user, re.MULTILINE
            )
        ]
        return reply_json({"stories": stories})(request)
    if fmt.get("name") == "answer":
        # An honest answer: the first sentence of the first passage, cited.
        found = re.search(r"^\[1\] \([^)]*\) (.+?[.!?])(?:\s|$)", user, re.MULTILINE)
        if found is None:
            return reply_json({"answered": False, "answer": "", "citations": []})(request)
        answer = {"answered": True, "answer": f"{found.group(1)} [1]", "citations": [1]}
        return reply_json(answer)(request)
    if fmt.get("name") == "article_summaries":
        # A batch: "Article N:" then that article's delimited block, answered one by one.
        blocks = re.split(r"^Article (\d+):$", user, flags=re.MULTILINE)[1:]
        articles = [
            {"article": int(n), **_echo_article(block, points)}
            for n, block in zip(blocks[::2], blocks[1::2], strict=True)
        ]
        return reply_json({"articles": articles})(request)
    return reply_json(_echo_article(user, points))(request)


def _echo_article(user: str, points: int) -> dict[str, Any]:
    """One article's summary: its first numbered sentences as points; its numbered
    quotations ([Q1] …) by number when it has them, else its “…,” quotes by their words."""
    lines = re.findall(r"^\[(\d+)\] (.*)$", user, re.MULTILINE)[:points]
    key_points = [{"text": text, "sentence_ids": [int(i)]} for i, text in lines]
    numbered = re.findall(r"^\[Q(\d+)\] ", user, re.MULTILINE)
    quotes: list[dict[str, Any]] = (
        [{"id": int(n)} for n in numbered[:3]]
        if numbered
        else [{"text": q, "speaker": None} for q in re.findall(r"“([^”]{10,200}),”", user)[:3]]
    )
    return {
        "key_points": key_points or [{"text": "nothing", "sentence_ids": [0]}],
        "quotes": quotes,
    }
