"""What `ChatService.handle` answers: a small union of plain values each platform renders.

Nothing here is markup: Slack's `render.py` and Teams' `cards.py` turn a `Reply` into blocks or
cards. `user_message` is the one place a failure becomes what a user reads.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from bot.answer import Answer
from bot.answer.quotes import QuoteList
from bot.chat.intents import Intent
from bot.errors import BriefbotError, FetchError
from bot.models import Briefing
from bot.summarise.ondemand import OnDemandSummary

Origin = Literal["file", "chat", "muted"]
Change = Literal["subscribed", "changed", "resumed", "stopped"]


@dataclass(frozen=True, slots=True)
class ChatRequest:
    """One request from a chat: what was asked, where, by whom (ids are the platform's)."""

    intent: Intent
    platform: str
    channel: str
    user: str | None = None
    conversation: str | None = None  # the follow-up memory's key, for questions


@dataclass(frozen=True, slots=True)
class SourceLine:
    label: str
    status: str


@dataclass(frozen=True, slots=True)
class ScheduleLine:
    """Where and when a topic's briefing is posted, and where that schedule comes from."""

    platform: str
    channel: str
    at: str
    timezone: str
    origin: Origin  # briefbot.toml, a chat subscription, or a file schedule muted from chat


@dataclass(frozen=True, slots=True)
class TopicSources:
    name: str
    title: str
    sources: tuple[SourceLine, ...]
    schedules: tuple[ScheduleLine, ...] = ()


@dataclass(frozen=True, slots=True)
class BriefingReply:
    briefings: tuple[Briefing, ...]


@dataclass(frozen=True, slots=True)
class AnswerReply:
    answer: Answer


@dataclass(frozen=True, slots=True)
class SummaryReply:
    summary: OnDemandSummary


@dataclass(frozen=True, slots=True)
class SourcesReply:
    topics: tuple[TopicSources, ...]


@dataclass(frozen=True, slots=True)
class QuotesReply:
    quotes: QuoteList


@dataclass(frozen=True, slots=True)
class SubscriptionReply:
    """A channel's schedule changed.

    subscribed: new; changed: a new time or zone; resumed: a muted briefbot.toml schedule runs
    again; stopped: chat subscriptions removed and the file's schedules (`muted`) muted."""

    change: Change
    channel: str
    topics: tuple[str, ...]
    at: str | None = None
    timezone: str | None = None
    muted: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class HelpReply:
    problem: str | None = None  # ours, quoting the user's word (backticks removed)


@dataclass(frozen=True, slots=True)
class ErrorReply:
    message: str  # one line, plain text, safe to show (renderers escape it)


Reply = (
    BriefingReply
    | AnswerReply
    | SummaryReply
    | SourcesReply
    | QuotesReply
    | SubscriptionReply
    | HelpReply
    | ErrorReply
)

SOMETHING_WRONG = "Something went wrong on my side. Please try again in a minute."


def user_message(exc: BaseException) -> str:
    """A failure as the one line a user reads: our reason, never a traceback (pure)."""
    if isinstance(exc, FetchError):
        return f"I couldn't use that link: {exc.reason}."
    if isinstance(exc, BriefbotError):
        return exc.reason
    return SOMETHING_WRONG
