"""Mentions, replies in a briefing's thread, and direct messages: answered in place.

Slack sends a mention both as `app_mention` and as `message`; only `app_mention` answers it.
Edits, deletions, joins and every bot's messages (ours included) are ignored, and so are
Slack's retries of what was answered (`claims.first_time`). A thread is
joined only when it is a briefing's: scheduled, or posted on request (`/brief today public`,
a briefing asked for in a DM or a mention's thread).
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat import ChatRequest, ChatService, read_intent
from bot.slack.answering import AnswerPool
from bot.slack.claims import first_time
from bot.slack.commands import slack_to_plain
from bot.slack.listeners.replies import answer_in_thread

# Message subtypes a person's new message can carry; anything else is an edit, a deletion…
PERSON_SUBTYPES = {None, "thread_broadcast", "file_share"}


def ignorable(event: dict[str, Any], bot_user_id: str | None) -> bool:
    """Whether a message event is not a person's new message (pure)."""
    return (
        event.get("subtype") not in PERSON_SUBTYPES
        or bool(event.get("bot_id"))
        or (bot_user_id is not None and event.get("user") == bot_user_id)
        or not event.get("user")
    )


def register(app: AsyncApp, chat: ChatService, *, pool: AnswerPool, feedback: bool = False) -> None:
    async def mention(
        event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        if ignorable(event, None) or not await first_time(context):
            return
        channel = str(event["channel"])
        thread = str(event.get("thread_ts") or event["ts"])
        intent = read_intent(slack_to_plain(event.get("text") or ""), direct=False)
        request = ChatRequest(
            intent, "slack", channel, str(event["user"]), f"slack:{channel}:{thread}"
        )
        await answer_in_thread(client, chat, request, thread, pool=pool, feedback=feedback)

    async def message(
        event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        if ignorable(event, context.bot_user_id):
            return
        text = event.get("text") or ""
        if context.bot_user_id and f"<@{context.bot_user_id}>" in text:
            return  # the app_mention event answers it
        if not await first_time(context):
            return
        channel, user = str(event["channel"]), str(event["user"])
        thread = event.get("thread_ts")
        in_thread = bool(thread) and thread != event.get("ts")
        briefing_thread = in_thread and (
            await chat.thread_topic("slack", channel, str(thread)) is not None
        )
        if event.get("channel_type") == "im" and not briefing_thread:
            # Direct messages: a conversation of its own (threads in a DM are the assistant's,
            # but a briefing's thread is answered in that thread).
            intent = read_intent(slack_to_plain(text), direct=True)
            request = ChatRequest(intent, "slack", channel, user, f"slack:{channel}")
            await answer_in_thread(client, chat, request, None, pool=pool, feedback=feedback)
            return
        if not briefing_thread:
            return  # a thread that is not a briefing's: not ours to join
        direct = event.get("channel_type") == "im"
        intent = read_intent(slack_to_plain(text), direct=direct)
        request = ChatRequest(intent, "slack", channel, user, f"slack:{channel}:{thread}")
        await answer_in_thread(client, chat, request, str(thread), pool=pool, feedback=feedback)

    app.event("app_mention")(mention)
    app.event("message")(message)
