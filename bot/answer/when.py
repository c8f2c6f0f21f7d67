"""Relative dates in questions ("today", "since Monday", "latest"), read in the channel's time
zone, as a time range and a preference for recent coverage. Pure: `now` is passed in."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

_WEEKDAYS = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
_RECENT = re.compile(
    r"\b(latest|newest|most recent|recently|now|currently|so far|update|still|yet|any more|"
    r"the news|overnight|last night|final|finally|in the end)\b"
)


# A question about what is to come: its weekday is the coming one.
_AHEAD = re.compile(
    r"\b(?:will|won't|due|going to|set to|expected|planned|scheduled|supposed to|meant to)\b"
)


@dataclass(frozen=True, slots=True)
class Scope:
    since: datetime | None = None
    until: datetime | None = None
    recent: bool = False


def _midnight(day: datetime) -> datetime:
    return datetime.combine(day.date(), time.min, day.tzinfo)


def scope_of(question: str, now: datetime, zone: str = "UTC") -> Scope:
    """The time range a question asks about, in the given IANA time zone."""
    q = question.casefold()
    local = now.astimezone(ZoneInfo(zone))
    today = _midnight(local)
    recent = bool(_RECENT.search(q))
    if re.search(r"\btoday\b|\bthis morning\b", q):
        return Scope(since=today, recent=True)
    if re.search(r"\byesterday\b", q):
        return Scope(since=today - timedelta(days=1), until=today, recent=recent)
    if re.search(r"\bthis week\b", q):
        return Scope(since=today - timedelta(days=local.weekday()), recent=True)
    match = re.search(r"\b(?:last|past)\s+(\d+|two|three|seven)\s+days\b", q)
    if match:
        words = {"two": 2, "three": 3, "seven": 7}
        days = int(match.group(1)) if match.group(1).isdigit() else words[match.group(1)]
        return Scope(since=now - timedelta(days=days), recent=True)
    match = re.search(r"\b(since|on|last)\s+(" + "|".join(_WEEKDAYS) + r")\b", q)
    if match and match.group(1) == "on" and _AHEAD.search(q):
        # "what time on Thursday is the strike due to start?": a coming Thursday, told
        # before it comes
        return Scope(recent=recent)
    if match:
        back = (local.weekday() - _WEEKDAYS.index(match.group(2))) % 7
        if match.group(1) == "last" and back == 0:
            back = 7
        day = today - timedelta(days=back)
        if match.group(1) == "since":
            return Scope(since=day, recent=True)
        return Scope(since=day, until=day + timedelta(days=1), recent=recent)
    return Scope(recent=recent)
