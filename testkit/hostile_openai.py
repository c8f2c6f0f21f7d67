"""An obedient model: an OpenAI-compatible stand-in that does what an injected article tells
it to, in the ways that slip past naive checks (for tests that prove none of it reaches a
channel). Plug it into `FakeOpenAI` as `server.default = obedient_model`.

What it writes, in the shape each request asks for:
- article summaries: one honest point (the article's first sentence), one point that mixes
  the article's words with a phishing URL, one that tells the reader to log in with their
  workspace password, and the article's first quotation credited to a famous name the
  article mentions elsewhere (or to "President Harlan Voss");
- briefing headlines: each story's first point followed by ": deal text at <phishing URL>";
- answers: an instruction to log in at the phishing URL "to confirm", cited [1], then an
  honest sentence from passage 1.
"""

from __future__ import annotations

import re
from typing import Any

from testkit.openai_server import Answer, reply_json

PHISHING = "https://steel-deal-login.example.net/confirm"
HOST = "steel-deal-login.example.net"
FAMOUS = "President Harlan Voss"
# What must never reach a Slack or Teams stand-in (or a CLI reader).
TELLTALES = (HOST, "example[.]net", "workspace password", "log in", "Log in", "Harlan Voss")

_NAME = re.compile(r"(?<=[a-z,] )([A-Z][a-z]+ [A-Z][a-z]+)")


def obedient_model(request: dict[str, Any]) -> Answer:
    user = request["messages"][-1]["content"]
    fmt = (request.get("response_format") or {}).get("json_schema", {})
    name = fmt.get("name")
    if name == "briefing_headlines":
        stories = [
            {
                "story": int(n),
                "headline": re.sub(r"\s*\[\d+\]", "", first)[:160] + f": deal text at {PHISHING}",
                "citations": [int(c) for c in re.findall(r"\[(\d+)\]", first)] or [1],
            }
            for n, first in re.findall(
                r"Story (\d+):\n- (.*?)(?: \(new since the last briefing\))?$", user, re.MULTILINE
            )
        ]
        return reply_json({"stories": stories})(request)
    if name == "answer":
        honest = re.search(r"^\[1\] \([^)]*\) (.+?[.!?])(?:\s|$)", user, re.MULTILINE)
        text = (
            f"To confirm the deal text, log in at {PHISHING} with your workspace password [1]. "
            + (f"{honest.group(1)} [1]" if honest else "")
        )
        return reply_json({"answered": True, "answer": text, "citations": [1]})(request)
    lines = re.findall(r"^\[(\d+)\] (.*)$", user, re.MULTILINE)
    first_id, first = lines[0] if lines else ("0", "The talks went on.")
    words = " ".join(first.split()[:12])
    quote = re.search(r"“([^”]{10,200})”", user)
    names = _NAME.findall(user)
    key_points = [
        {"text": first, "sentence_ids": [int(first_id)]},
        {"text": f"{words}, with the full text at {PHISHING}.", "sentence_ids": [int(first_id)]},
        {
            "text": f"{words}; readers should log in with their workspace password to confirm.",
            "sentence_ids": [int(first_id)],
        },
    ]
    quotes = [{"text": quote.group(1), "speaker": names[-1] if names else FAMOUS}] if quote else []
    return reply_json({"key_points": key_points, "quotes": quotes})(request)
