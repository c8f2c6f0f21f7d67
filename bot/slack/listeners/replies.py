"""Posting a chat reply to Slack: "working…" then the answer in place, a briefing posted in
the channel, and every posted briefing remembered so its thread is answered."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat import BriefingReply, ChatRequest, ChatService, Intent
from bot.slack.answering import AnswerPool
from bot.slack.render import (
    Message,
    briefing_blocks,
    fallback_text,
    reply_messages,
    split_messages,
)

log = logging.getLogger(__name__)

WORKING = ":hourglass_flowing_sand: Looking through the coverage…"

__all__ = [
    "WORKING",
    "Message",
    "answer_in_thread",
    "messages_for",
    "post_briefings",
    "reply_in_thread",
]


async def messages_for(
    chat: ChatService,
    intent: Intent,
    *,
    channel: str,
    conversation: str | None,
    user: str | None = None,
) -> list[Message]:
    """The messages answering one request (a failure is a friendly message)."""
    reply = await chat.handle(ChatRequest(intent, "slack", channel, user, conversation))
    return reply_messages(reply)


async def answer_in_thread(
    client: AsyncWebClient,
    chat: ChatService,
    request: ChatRequest,
    thread_ts: str | None,
    *,
    pool: AnswerPool,
    feedback: bool = False,
) -> None:
    """Post "working…" at once, then queue the answer that replaces it (more parts follow it
    in the thread); a briefing's thread is remembered so replies there are answered."""
    channel = request.channel
    working = await client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=WORKING)
    working_ts = str(working["ts"])

    async def reply_here() -> None:
        reply = await chat.handle(request)
        messages = reply_messages(reply, feedback=feedback)
        await _replace_working(client, channel, working_ts, thread_ts, messages)
        if isinstance(reply, BriefingReply) and reply.briefings:
            root = thread_ts or working_ts
            await chat.briefing_posted("slack", channel, root, reply.briefings[0].topic)

    pool.submit(reply_here, f"answering in {channel}")


async def reply_in_thread(
    client: AsyncWebClient,
    channel: str,
    thread_ts: str | None,
    produce: Callable[[], Awaitable[list[Message]]],
) -> None:
    """Post "working…" at once, then replace it with already rendered messages (for callers
    that render on their own, such as the assistant's)."""
    working = await client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=WORKING)
    messages = await produce()
    await _replace_working(client, channel, str(working["ts"]), thread_ts, messages)


async def _replace_working(
    client: AsyncWebClient,
    channel: str,
    working: str,
    thread_ts: str | None,
    messages: list[Message],
) -> None:
    first_text, first_blocks = messages[0]
    await client.chat_update(channel=channel, ts=working, text=first_text, blocks=first_blocks)
    for text, blocks in messages[1:]:
        args: dict[str, Any] = {"channel": channel, "text": text, "blocks": blocks}
        await client.chat_postMessage(thread_ts=thread_ts or working, **args)


async def post_briefings(
    client: AsyncWebClient, chat: ChatService, channel: str, reply: BriefingReply
) -> bool:
    """Post each briefing as a message of the channel (its further parts in its thread) and
    remember it; False when Slack refuses (the bot is not in the channel)."""
    for briefing in reply.briefings:
        text = fallback_text(briefing)
        first, *rest = split_messages(briefing_blocks(briefing, threaded=True))
        try:
            posted = await client.chat_postMessage(channel=channel, text=text, blocks=first)
        except SlackApiError as exc:
            log.info("could not post a briefing in %s: %s", channel, exc.response.get("error"))
            return False
        ts = str(posted["ts"])
        for blocks in rest:
            await client.chat_postMessage(channel=channel, thread_ts=ts, text=text, blocks=blocks)
        await chat.briefing_posted("slack", channel, ts, briefing.topic)
    return True
