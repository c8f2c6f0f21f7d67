"""The "Summarize article" message shortcut: a link (or the text) of any message, summarised."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.chat import ChatRequest, ChatService, Intent
from bot.slack.answering import AnswerPool
from bot.slack.commands import first_url, slack_to_plain
from bot.slack.render import notice_blocks, reply_messages

CALLBACK_ID = "summarize_article"
NOTHING = ":thinking_face: That message has no link or text to summarize."


def register(app: AsyncApp, chat: ChatService, *, pool: AnswerPool) -> None:
    async def summarize(ack: AsyncAck, shortcut: dict[str, Any], respond: AsyncRespond) -> None:
        await ack()
        message = shortcut.get("message") or {}
        text = slack_to_plain(message.get("text") or "")
        value = first_url(text) or text
        if not value.strip():
            await respond(text=NOTHING, blocks=notice_blocks(NOTHING), response_type="ephemeral")
            return
        channel = str((shortcut.get("channel") or {}).get("id") or "")
        user = str((shortcut.get("user") or {}).get("id") or "") or None
        request = ChatRequest(Intent("summarize", value), "slack", channel, user)

        async def answer() -> None:
            reply = await chat.handle(request)
            for said, blocks in reply_messages(reply, threaded=False):
                await respond(text=said, blocks=blocks, response_type="ephemeral")

        pool.submit(answer, "the summarize shortcut")

    app.shortcut(CALLBACK_ID)(summarize)
