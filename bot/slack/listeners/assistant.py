"""Slack's assistant view: suggested prompts when a thread starts, a status while working,
answers in the assistant thread (each thread is its own conversation)."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import (
    AsyncApp,
    AsyncAssistant,
    AsyncSay,
    AsyncSetStatus,
    AsyncSetSuggestedPrompts,
)

from bot.chat import ChatService, read_intent
from bot.slack.commands import slack_to_plain
from bot.slack.listeners.replies import messages_for

GREETING = (
    "Hi! I follow the news on the stories this workspace tracks. Ask me about the coverage, "
    "ask for today's briefing, or paste a link to get its key points and quotes."
)
PROMPTS = [
    {"title": "Today's briefing", "message": "Today's briefing"},
    {"title": "What changed since yesterday?", "message": "What changed since yesterday?"},
    {"title": "Summarize a link", "message": "Summarize https://"},
]


def register(app: AsyncApp, chat: ChatService) -> None:
    assistant = AsyncAssistant()

    async def started(say: AsyncSay, set_suggested_prompts: AsyncSetSuggestedPrompts) -> None:
        await say(GREETING)
        await set_suggested_prompts(prompts=PROMPTS)

    async def user_message(
        payload: dict[str, Any], say: AsyncSay, set_status: AsyncSetStatus
    ) -> None:
        await set_status("is reading the coverage…")
        channel = str(payload["channel"])
        thread = str(payload.get("thread_ts") or payload["ts"])
        intent = read_intent(slack_to_plain(payload.get("text") or ""), direct=True)
        for text, blocks in await messages_for(
            chat, intent, channel=channel, conversation=f"slack:{channel}:{thread}"
        ):
            await say(text=text, blocks=blocks)

    assistant.thread_started(started)
    assistant.user_message(user_message)
    app.assistant(assistant)
