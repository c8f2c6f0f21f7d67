"""Dates and times as a reader sees them: in a time zone (an IANA name such as
"America/Los_Angeles"), e.g. "24 Nov 09:00 CET" or "23 Nov 23:00 PST". Pure.

Times are kept in UTC everywhere else; only what is shown is local. A naive time is taken as
UTC. A zone without an abbreviation (tz data writes "+04" for some) is shown as its offset
("UTC+4", "UTC+5:30").
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

UNKNOWN = "date unknown"


def zone_of(name: str) -> ZoneInfo:
    """The zone of an IANA name; ValueError naming it when it is not one."""
    try:
        return ZoneInfo(name)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValueError(
            f'{name!r} is not a known time zone; use an IANA name like "Europe/Brussels"'
        ) from None


def in_zone(value: datetime, zone: str) -> datetime:
    """The same moment in the zone. A naive value is taken as UTC; an unknown zone, or a value
    too close to the ends of time to move, gives UTC (labelled so: never a wrong local time)."""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    try:
        return aware.astimezone(zone_of(zone))
    except (ValueError, OverflowError):
        return aware.astimezone(UTC)


def _offset(delta: timedelta | None) -> str:
    minutes = round((delta or timedelta()).total_seconds() / 60)
    if minutes == 0:
        return "UTC"
    sign = "+" if minutes > 0 else "-"
    hours, rest = divmod(abs(minutes), 60)
    return f"UTC{sign}{hours}" + (f":{rest:02d}" if rest else "")


def zone_label(local: datetime) -> str:
    """The zone's abbreviation at that moment ("CET", "PDT"), else its UTC offset."""
    name = local.strftime("%Z")
    if name.isalpha():
        return name
    return _offset(local.utcoffset())


def local_time(value: datetime | None, zone: str = "UTC") -> str:
    """ "24 Nov 09:00 CET": day, month, time and zone (or "date unknown" for None)."""
    if value is None:
        return UNKNOWN
    local = in_zone(value, zone)
    return f"{local:%d %b %H:%M} {zone_label(local)}"


def local_date(value: datetime, zone: str = "UTC") -> str:
    """ "24 Nov 2026": the date of that moment in the zone (for headers)."""
    return f"{in_zone(value, zone):%d %b %Y}"
