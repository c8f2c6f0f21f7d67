"""The one parser of what a chat user asks for, whatever the chat (pure, no I/O).

Slack's `/brief …`, a mention, a DM, an assistant thread and a Teams message all go through
`read_intent`; the platforms only turn their markup into plain text first.

    today [public]                    → the latest briefing ("public" posts it in the channel)
    ask <question>
    summarize <link or pasted text>   (also "summarise")
    sources
    quotes [person]
    subscribe [topic] [time] [time zone]   time: 7am, 07:00, 7:30pm; zone: Europe/Brussels, UTC
    unsubscribe [topic]
    help

A command (`/brief`) must start with a verb: anything else is help with a note saying what was
not understood. A free-form message without a verb is a question, a link to summarise, or (in
a direct conversation) long pasted text to summarise.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import cache
from typing import Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError, available_timezones

Kind = Literal["help", "today", "ask", "summarize", "sources", "quotes", "subscribe", "unsubscribe"]

LONG_TEXT = 400  # characters: a DM longer than this is an article to summarise, not a question

TIME_EXAMPLES = "`7am`, `07:00` or `7:30pm`"


@dataclass(frozen=True, slots=True)
class Intent:
    """What a message asks for; `problem` (with kind "help") says what was not understood."""

    kind: Kind
    text: str = ""
    public: bool = False
    topic: str | None = None
    at: str | None = None  # "HH:MM", 24-hour
    timezone: str | None = None  # a valid IANA name
    problem: str | None = None


def _help(problem: str) -> Intent:
    return Intent("help", problem=problem)


_BRIEFING_WORDS = ("today", "today's briefing", "todays briefing", "briefing", "brief")


def read_intent(text: str, *, direct: bool, command: bool = False) -> Intent:
    """What a message asks for (pure). `direct`: a one-to-one conversation (long pasted text is
    an article); `command`: a slash command's text (it must start with a verb)."""
    stripped = text.strip()
    words = stripped.split(maxsplit=1)
    if not words:
        return Intent("help")
    verb = words[0].casefold().rstrip(":,")
    rest = words[1].strip() if len(words) > 1 else ""
    if verb in ("help", "?") and (command or not rest):
        return Intent("help")
    if verb == "today" and (command or rest.casefold() in ("", "public")):
        return Intent("today", public=rest.casefold() == "public")
    if stripped.casefold().rstrip(".!?") in _BRIEFING_WORDS:
        return Intent("today")
    if verb == "ask":
        return Intent("ask", rest) if rest else _help("Ask what? Try `ask when do talks resume?`")
    if verb in ("summarize", "summarise"):
        if rest:
            return Intent("summarize", rest)
        return _help("Summarize what? Paste a link or the article's text after it.")
    if verb == "sources" and (command or not rest):
        return Intent("sources")
    if verb in ("quotes", "quote"):
        return Intent("quotes", " ".join(rest.split()))
    if verb in ("subscribe", "unsubscribe"):
        return read_subscription(verb, rest)
    if command:
        return _help(f"I don't know `{short(words[0])}`.")
    if len(words) == 1 and stripped.lower().startswith(("http://", "https://")):
        return Intent("summarize", stripped)
    if direct and len(stripped) > LONG_TEXT:
        return Intent("summarize", stripped)
    return Intent("ask", stripped)


# "7am", "7:30pm", "07:00", "19:30", "7.30am": anything starting with digits is read as a time
_TIME = re.compile(r"^(\d{1,2})(?:[:.](\d{2}))?\s*(am|pm)?$", re.IGNORECASE)
_AM_PM = re.compile(r"(\d)\s+(am|pm)\b", re.IGNORECASE)


def parse_time(word: str) -> str | None:
    """A time of day as "HH:MM" (24-hour), or None when it is not a valid one (pure)."""
    match = _TIME.match(word.strip())
    if match is None:
        return None
    hours, minutes, half = int(match.group(1)), int(match.group(2) or 0), match.group(3)
    if match.group(2) is None and half is None:
        return None  # a bare number is not a time
    if half:
        if not 1 <= hours <= 12:
            return None
        hours = hours % 12 + (12 if half.casefold() == "pm" else 0)
    if hours > 23 or minutes > 59:
        return None
    return f"{hours:02d}:{minutes:02d}"


@cache
def _zones() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def parse_zone(word: str) -> str | None:
    """An IANA time-zone name, however it is capitalised, or None (pure)."""
    name = _zones().get(word.casefold())
    if name is None:
        return None
    try:
        ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        return None
    return name


def read_subscription(verb: str, rest: str) -> Intent:
    """`subscribe [topic] [time] [zone]` or `unsubscribe [topic]`, in any order."""
    topic = at = zone = None
    for word in _AM_PM.sub(r"\1\2", rest).split():
        if word[:1].isdigit():
            at = parse_time(word)
            if at is None or verb == "unsubscribe":
                return _help(f"`{short(word)}` is not a time; try {TIME_EXAMPLES}.")
        elif "/" in word or word.casefold() in ("utc", "gmt"):
            zone = parse_zone(word)
            if zone is None or verb == "unsubscribe":
                return _help(f"`{short(word)}` is not a time zone; try `Europe/Brussels`.")
        elif topic is None:
            topic = word.casefold()
        else:
            return _help(f"I don't understand `{short(word)}` here.")
    if verb == "unsubscribe":
        return Intent("unsubscribe", topic=topic)
    return Intent("subscribe", topic=topic, at=at, timezone=zone)


def short(word: str, limit: int = 40) -> str:
    """A user's word to quote back in a note: no backticks, at most `limit` characters."""
    cleaned = word.replace("`", "'")
    return cleaned if len(cleaned) <= limit else cleaned[: limit - 1] + "…"
