"""Slack's assistant view: suggested prompts when a thread starts, a status while working,
answers in the assistant thread (each thread is its own conversation).

Every suggested prompt works when clicked as it is: Slack posts its `message` as the user's
own words, so a prompt never ends in a half-typed link for the user to finish.
"""

from __future__ import annotations

import re
from typing import Any

from slack_bolt.async_app import (
    AsyncApp,
    AsyncAssistant,
    AsyncSay,
    AsyncSetStatus,
    AsyncSetSuggestedPrompts,
)

from bot.chat import ChatService, Intent, read_intent
from bot.slack.commands import slack_to_plain
from bot.slack.listeners.replies import messages_for
from bot.slack.render import notice_blocks

GREETING = (
    "Hi! I follow the news on the stories this workspace tracks. Ask me about the coverage, "
    "ask for today's briefing, or paste a link to get its key points and quotes."
)
PROMPTS = [
    {"title": "Today's briefing", "message": "Today's briefing"},
    {"title": "What changed since yesterday?", "message": "What changed since yesterday?"},
    {"title": "Summarize an article", "message": "Summarize an article"},
]
HOW_TO_SUMMARIZE = (
    "Paste the article's link here (or its text, if it is behind a paywall) and I'll reply "
    "with its key points and its quotes, each with who said it."
)
# "Summarize", "summarise an article", "summarize a link." …: a summary asked for with
# nothing to summarise yet.
_SUMMARY_WITHOUT_SOURCE = re.compile(
    r"summari[sz]e(\s+(an?|the|this|my)\s+(article|link|page|story|url))?[.!?]?",
    re.IGNORECASE,
)


# "What changed since yesterday?", "what's new?" …: today's briefing, which leads with what
# is new since the last one (the question engine would look for the word "changed").
_WHATS_NEW = re.compile(
    r"what(['’]s|\s+is|\s+has)?\s+(changed|new|happened)(\s+(since\s+yesterday|today))?[.!?]*",
    re.IGNORECASE,
)


def asks_how_to_summarize(text: str) -> bool:
    """Whether a message asks for a summary without giving a link or a text (pure)."""
    return _SUMMARY_WITHOUT_SOURCE.fullmatch(text.strip()) is not None


def assistant_intent(text: str) -> Intent:
    """What a message in the assistant thread asks for (pure): a bare "what's new" is today's
    briefing; anything else is read as in any direct conversation."""
    if _WHATS_NEW.fullmatch(text.strip()):
        return Intent("today")
    return read_intent(text, direct=True)


def register(app: AsyncApp, chat: ChatService) -> None:
    assistant = AsyncAssistant()

    async def started(say: AsyncSay, set_suggested_prompts: AsyncSetSuggestedPrompts) -> None:
        await say(GREETING)
        await set_suggested_prompts(prompts=PROMPTS)

    async def user_message(
        payload: dict[str, Any], say: AsyncSay, set_status: AsyncSetStatus
    ) -> None:
        text = slack_to_plain(payload.get("text") or "")
        if asks_how_to_summarize(text):
            await say(text=HOW_TO_SUMMARIZE, blocks=notice_blocks(HOW_TO_SUMMARIZE))
            return
        await set_status("is reading the coverage…")
        channel = str(payload["channel"])
        thread = str(payload.get("thread_ts") or payload["ts"])
        intent = assistant_intent(text)
        for reply, blocks in await messages_for(
            chat, intent, channel=channel, conversation=f"slack:{channel}:{thread}"
        ):
            await say(text=reply, blocks=blocks)

    assistant.thread_started(started)
    assistant.user_message(user_message)
    app.assistant(assistant)
