"""Parsing `/brief …` (pure): the listener parses, acks, calls one service, renders.

    /brief                      → help
    /brief help
    /brief today [public]       → the latest briefing (ephemeral unless "public")
    /brief ask <question>
    /brief summarize <url or pasted text>   (also "summarise")
    /brief sources
    /brief quotes [person]      → who said what (everyone's latest quotes without a person)
    /brief subscribe [topic] [HH:MM] [time zone]
    /brief unsubscribe [topic]
Anything else is help, with a note saying what was not understood.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import time
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

Action = Literal[
    "help", "today", "ask", "summarize", "sources", "quotes", "subscribe", "unsubscribe"
]


@dataclass(frozen=True, slots=True)
class BriefCommand:
    action: Action
    text: str = ""
    public: bool = False
    topic: str | None = None
    at: str | None = None
    timezone: str | None = None
    problem: str | None = None


_TIME = re.compile(r"^([01]?\d|2[0-3]):([0-5]\d)$")


def parse_brief(text: str) -> BriefCommand:
    """Understand the text after `/brief`."""
    words = text.strip().split(maxsplit=1)
    if not words:
        return BriefCommand("help")
    verb = words[0].casefold()
    rest = words[1].strip() if len(words) > 1 else ""
    if verb in ("help", "?"):
        return BriefCommand("help")
    if verb == "today":
        return BriefCommand("today", public=rest.casefold() == "public")
    if verb == "ask":
        if not rest:
            return BriefCommand(
                "help", problem="Ask what? Try `/brief ask when do the talks resume?`"
            )
        return BriefCommand("ask", text=rest)
    if verb in ("summarize", "summarise"):
        if not rest:
            return BriefCommand(
                "help", problem="Summarize what? Paste a link or the article's text after it."
            )
        return BriefCommand("summarize", text=rest)
    if verb == "sources":
        return BriefCommand("sources")
    if verb in ("quotes", "quote"):
        return BriefCommand("quotes", text=" ".join(rest.split()))
    if verb in ("subscribe", "unsubscribe"):
        return _subscription(verb, rest)
    return BriefCommand("help", problem=f"I don't know `{_short(words[0])}`.")


def _subscription(verb: str, rest: str) -> BriefCommand:
    topic = at = zone = None
    for word in rest.split():
        if _TIME.match(word):
            at = f"{int(word.split(':')[0]):02d}:{word.split(':')[1]}"
        elif "/" in word or word.upper() == "UTC":
            try:
                ZoneInfo(word)
            except (ZoneInfoNotFoundError, ValueError):
                return BriefCommand(
                    "help", problem=f"`{_short(word)}` is not a time zone; try `Europe/Brussels`."
                )
            zone = word
        elif topic is None:
            topic = word.casefold()
        else:
            return BriefCommand("help", problem=f"I don't understand `{_short(word)}` here.")
    if verb == "unsubscribe":
        return BriefCommand("unsubscribe", topic=topic)
    if at is not None:
        time.fromisoformat(at)
    return BriefCommand("subscribe", topic=topic, at=at, timezone=zone)


def _short(word: str, limit: int = 40) -> str:
    cleaned = word.replace("`", "'")
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"


_SLACK_ESCAPE = re.compile(r"<([^<>]*)>")


def slack_to_plain(text: str) -> str:
    """Slack's message markup read back as the text the user typed: links become their URL,
    user mentions are dropped (the bot's own mention starts most questions), channels and
    specials become words, and &amp; &lt; &gt; are decoded. Pure."""

    def repl(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return ""
        if target.startswith("#"):
            return f"#{label or target[1:]}"
        if target.startswith("!"):
            return f"@{(label or target[1:]).split('^')[0]}"
        if target.startswith("mailto:"):
            return label or target[len("mailto:") :]
        return target

    plain = _SLACK_ESCAPE.sub(repl, text)
    plain = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(plain.split()) if "\n" not in plain else plain.strip()


_URL = re.compile(r"https?://[^\s<>|]+", re.IGNORECASE)


def first_url(text: str) -> str | None:
    """The first http(s) URL in a message's plain text, if any."""
    match = _URL.search(text)
    return match.group(0).rstrip(".,;:!?)\"'") if match else None
