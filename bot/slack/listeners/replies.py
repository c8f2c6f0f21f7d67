"""Turning a free-form request (a mention, a DM, an assistant message) into Slack messages."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from typing import Any

from slack_sdk.web.async_client import AsyncWebClient

from bot.chat import ChatService, Intent
from bot.errors import BriefbotError
from bot.slack.render import (
    Block,
    answer_blocks,
    answer_fallback,
    briefing_blocks,
    error_text,
    fallback_text,
    help_blocks,
    notice_blocks,
    split_messages,
    summary_blocks,
    summary_fallback,
)

log = logging.getLogger(__name__)

Message = tuple[str, list[Block]]
WORKING = ":hourglass_flowing_sand: Looking through the coverage…"


async def messages_for(
    chat: ChatService, intent: Intent, *, channel: str, conversation: str | None
) -> list[Message]:
    """The messages answering one request (errors become a friendly message)."""
    try:
        if intent.kind == "summarize":
            summary = await chat.summarize(intent.text)
            return [(summary_fallback(summary), summary_blocks(summary))]
        if intent.kind == "today":
            out: list[Message] = []
            for briefing in await chat.today("slack", channel):
                text = fallback_text(briefing)
                out += [(text, part) for part in split_messages(briefing_blocks(briefing))]
            return out
        if intent.kind == "ask":
            answer = await chat.ask(
                intent.text, platform="slack", channel=channel, conversation=conversation
            )
            return [(answer_fallback(answer), answer_blocks(answer))]
        return [("How to use briefbot", help_blocks())]
    except Exception as exc:  # every failure reaches the user as a short message
        if isinstance(exc, BriefbotError):
            log.info("request failed: %s", exc)
        else:
            log.exception("request failed")
        text = error_text(exc)
        return [(text, notice_blocks(text))]


async def reply_in_thread(
    client: AsyncWebClient,
    channel: str,
    thread_ts: str | None,
    produce: Callable[[], Awaitable[list[Message]]],
) -> None:
    """Post "working…" at once, then replace it with the answer (more parts follow it)."""
    working = await client.chat_postMessage(channel=channel, thread_ts=thread_ts, text=WORKING)
    messages = await produce()
    first_text, first_blocks = messages[0]
    await client.chat_update(
        channel=channel, ts=str(working["ts"]), text=first_text, blocks=first_blocks
    )
    for text, blocks in messages[1:]:
        args: dict[str, Any] = {"channel": channel, "text": text, "blocks": blocks}
        await client.chat_postMessage(thread_ts=thread_ts or str(working["ts"]), **args)
