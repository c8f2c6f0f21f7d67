"""The period a figure is of ("in the third quarter", "last year", "in 2025"): whether a
sentence's figure for the thing asked is of the period the question asks about (pure).

"How much steel did Tarrow produce in the third quarter?" is not answered by "… a loss of
85 million euros in the third quarter … produced 1.9 million tonnes of steel last year":
the steel's figure is last year's. Must not judge sentences that name no period.
"""

from __future__ import annotations

import re

from bot.answer.sentences import stems
from bot.answer.wording import fold_phrases

_PERIOD = re.compile(
    r"\b(?:(?P<quarter>first|second|third|fourth) quarter"
    r"|(?P<relative>last|this|next|previous) year"
    r"|(?:in|for|during|of) (?P<year>(?:19|20)\d\d)"
    r"|(?:in|for|during) (?P<month>january|february|march|april|may|june|july|august|september|"
    r"october|november|december)(?! \d))\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[^\W_]+(?:[-'’][^\W_]+)*")


def _periods(text: str) -> list[tuple[int, str]]:
    """Where each period is said, and which (a label folded to lower case)."""
    found = []
    for m in _PERIOD.finditer(text):
        label = next(v for v in m.groupdict().values() if v)
        kind = next(k for k, v in m.groupdict().items() if v)
        found.append((m.start(), f"{kind}:{label.casefold()}"))
    return found


def period_asked(question: str) -> str | None:
    """The period a question asks a figure of, if it names one."""
    found = _periods(fold_phrases(question))
    return found[0][1] if found else None


def of_another_period(sentence: str, focus: str, period: str) -> bool:
    """Whether the period said nearest the thing asked about is another than `period`, or
    the sentence names none when a quarter or a month is asked for."""
    text = fold_phrases(sentence)
    periods = _periods(text)
    if not periods:
        # a quarter's or a month's figure is not a yearly one ("14 million tonnes a year")
        return period.startswith(("quarter:", "month:"))
    at = [m.start() for m in _WORD.finditer(text) if focus in stems(m.group(0))]
    if not at:
        return False
    nearest = min(periods, key=lambda p: min(abs(p[0] - a) for a in at))
    return nearest[1] != period


# "What's the new opening date?": a date, target or forecast that replaced an earlier one.
_REVISION_ASKED = re.compile(
    r"\b(?:new|revised|updated|latest) (?:[\w'’-]+ )?(?:date|deadline|target|forecast|"
    r"timetable|schedule|timeline|estimate|outlook|goal)s?\b",
    re.IGNORECASE,
)
_REVISED = re.compile(
    r"\b(?:new|now|revised|revises|revising|updated|moved|delayed|postponed|pushed back|"
    r"brought forward|instead|changed|no longer|rather than|lowered|raised|cut)\b",
    re.IGNORECASE,
)


def revision_asked(question: str) -> bool:
    """Whether a question asks for what replaced an earlier date or figure ("the new opening
    date"): a sentence that gives the plan without saying it changed does not answer."""
    return _REVISION_ASKED.search(question) is not None


def revised(sentence: str) -> bool:
    """Whether a sentence says something changed ("delayed to 2029", "now expects")."""
    return _REVISED.search(sentence) is not None
