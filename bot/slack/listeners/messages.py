"""Mentions, replies in a briefing's thread, and direct messages: answered in place.

Slack sends a mention both as `app_mention` and as `message`; only `app_mention` answers it.
Edits, deletions, joins and every bot's messages (ours included) are ignored.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncApp, AsyncBoltContext
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat import ChatService, Intent, read_intent
from bot.slack.commands import slack_to_plain
from bot.slack.listeners.replies import messages_for, reply_in_thread

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


def register(app: AsyncApp, chat: ChatService) -> None:
    async def mention(event: dict[str, Any], client: AsyncWebClient) -> None:
        if ignorable(event, None):
            return
        channel = str(event["channel"])
        thread = str(event.get("thread_ts") or event["ts"])
        intent = read_intent(slack_to_plain(event.get("text") or ""), direct=False)
        await _answer(client, chat, intent, channel, thread, f"slack:{channel}:{thread}")

    async def message(
        event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        if ignorable(event, context.bot_user_id):
            return
        text = event.get("text") or ""
        if context.bot_user_id and f"<@{context.bot_user_id}>" in text:
            return  # the app_mention event answers it
        channel = str(event["channel"])
        if event.get("channel_type") == "im":
            # Direct messages: a conversation of its own (threads in a DM are the assistant's).
            intent = read_intent(slack_to_plain(text), direct=True)
            await _answer(client, chat, intent, channel, None, f"slack:{channel}")
            return
        thread = event.get("thread_ts")
        if not thread or thread == event.get("ts"):
            return
        if await chat.thread_topic("slack", channel, str(thread)) is None:
            return  # a thread that is not a briefing's: not ours to join
        intent = read_intent(slack_to_plain(text), direct=False)
        await _answer(client, chat, intent, channel, str(thread), f"slack:{channel}:{thread}")

    app.event("app_mention")(mention)
    app.event("message")(message)


async def _answer(
    client: AsyncWebClient,
    chat: ChatService,
    intent: Intent,
    channel: str,
    thread: str | None,
    conversation: str,
) -> None:
    async def produce() -> list[tuple[str, list[dict[str, Any]]]]:
        return await messages_for(chat, intent, channel=channel, conversation=conversation)

    await reply_in_thread(client, channel, thread, produce)
