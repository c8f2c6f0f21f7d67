"""`/brief …`: parse, ack within Slack's 3 seconds, then (in the answering pool) one
`ChatService.handle`, render, answer.

Answers are ephemeral (via the response URL) except `/brief today public`, which is posted in
the channel as the bot's own message, so its thread is a conversation like a scheduled one.
"""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext, AsyncRespond
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat import BriefingReply, ChatRequest, ChatService, read_intent
from bot.slack.answering import AnswerPool
from bot.slack.claims import first_time
from bot.slack.commands import slack_to_plain
from bot.slack.listeners.replies import WORKING, post_briefings
from bot.slack.render import help_blocks, reply_messages


def register(app: AsyncApp, chat: ChatService, *, pool: AnswerPool, feedback: bool = False) -> None:
    async def brief(
        ack: AsyncAck,
        command: dict[str, Any],
        respond: AsyncRespond,
        client: AsyncWebClient,
        context: AsyncBoltContext,
    ) -> None:
        intent = read_intent(slack_to_plain(command.get("text") or ""), direct=False, command=True)
        if intent.kind == "help":
            await ack(
                response_type="ephemeral", text="briefbot help", blocks=help_blocks(intent.problem)
            )
            return
        await ack(response_type="ephemeral", text=WORKING)
        if not await first_time(context):
            return  # a replay: acked like the first, answered once
        channel = str(command.get("channel_id") or "")
        user = str(command.get("user_id") or "")
        conversation = f"slack:{channel}:user:{user}" if intent.kind == "ask" else None
        request = ChatRequest(intent, "slack", channel, user, conversation)

        async def answer() -> None:
            await _answer(chat, request, respond, client, feedback=feedback)

        pool.submit(answer, f"/brief {intent.kind}")

    app.command("/brief")(brief)


async def _answer(
    chat: ChatService,
    request: ChatRequest,
    respond: AsyncRespond,
    client: AsyncWebClient,
    *,
    feedback: bool,
) -> None:
    """The command's answer, through its response URL (or posted, for `today public`)."""
    channel = request.channel
    reply = await chat.handle(request)
    public = request.intent.public and isinstance(reply, BriefingReply)
    if (
        isinstance(reply, BriefingReply)
        and public
        and await post_briefings(client, chat, channel, reply)
    ):
        await respond(delete_original=True)  # the "working…" note goes
        return
    # Ephemeral, or public where the bot may not post (a channel it is not in).
    kind = "in_channel" if public else "ephemeral"
    first, *rest = reply_messages(reply, threaded=False, feedback=feedback)
    await respond(text=first[0], blocks=first[1], response_type=kind, replace_original=not public)
    if public:
        await respond(delete_original=True)
    for text, blocks in rest:
        await respond(text=text, blocks=blocks, response_type=kind, replace_original=False)
