"""Chat requests, whatever the chat: the one parser (`read_intent`), the one service
(`ChatService.handle(request) -> Reply`) and the replies each platform renders.

    intent = read_intent(text, direct=True)
    reply = await chat.handle(ChatRequest(intent, "slack", channel, user, conversation))

Nothing in this package knows Slack or Teams.
"""

from __future__ import annotations

from bot.chat.intents import Intent, parse_time, parse_zone, read_intent
from bot.chat.replies import (
    AnswerReply,
    BriefingReply,
    ChatRequest,
    ErrorReply,
    HelpReply,
    QuotesReply,
    Reply,
    ScheduleLine,
    SourceLine,
    SourcesReply,
    SubscriptionReply,
    SummaryReply,
    TopicSources,
    user_message,
)
from bot.chat.service import ChatService, schedule_lines

__all__ = [
    "AnswerReply",
    "BriefingReply",
    "ChatRequest",
    "ChatService",
    "ErrorReply",
    "HelpReply",
    "Intent",
    "QuotesReply",
    "Reply",
    "ScheduleLine",
    "SourceLine",
    "SourcesReply",
    "SubscriptionReply",
    "SummaryReply",
    "TopicSources",
    "parse_time",
    "parse_zone",
    "read_intent",
    "schedule_lines",
    "user_message",
]
