"""`/brief …`: parse, ack within Slack's 3 seconds, do the work, answer via the response URL."""

from __future__ import annotations

from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncRespond

from bot.chat import ChatService, Intent
from bot.slack.commands import BriefCommand, parse_brief, slack_to_plain
from bot.slack.listeners.replies import WORKING, messages_for
from bot.slack.render import (
    channel_ref,
    error_text,
    escape,
    help_blocks,
    notice_blocks,
    quotes_blocks,
    quotes_fallback,
    sources_blocks,
)


def register(app: AsyncApp, chat: ChatService) -> None:
    async def brief(ack: AsyncAck, command: dict[str, Any], respond: AsyncRespond) -> None:
        parsed = parse_brief(slack_to_plain(command.get("text") or ""))
        if parsed.action == "help":
            await ack(
                response_type="ephemeral", text="briefbot help", blocks=help_blocks(parsed.problem)
            )
            return
        await ack(response_type="ephemeral", text=WORKING)
        channel = str(command.get("channel_id") or "")
        user = str(command.get("user_id") or "")
        try:
            public, messages = await _run(chat, parsed, channel, user)
        except Exception as exc:  # a user sees a short reason, never a traceback
            text = error_text(exc)
            public, messages = False, [(text, notice_blocks(text))]
        kind = "in_channel" if public else "ephemeral"
        first, *rest = messages
        await respond(
            text=first[0], blocks=first[1], response_type=kind, replace_original=not public
        )
        if public:
            await respond(delete_original=True)
        for text, blocks in rest:
            await respond(text=text, blocks=blocks, response_type=kind, replace_original=False)

    app.command("/brief")(brief)


async def _run(
    chat: ChatService, parsed: BriefCommand, channel: str, user: str
) -> tuple[bool, list[tuple[str, list[dict[str, Any]]]]]:
    """The one service call for a parsed command, rendered; (public?, messages)."""
    if parsed.action in ("today", "ask", "summarize"):
        messages = await messages_for(
            chat,
            Intent(parsed.action, parsed.text),
            channel=channel,
            conversation=f"slack:{channel}:user:{user}" if parsed.action == "ask" else None,
        )
        return parsed.action == "today" and parsed.public, messages
    if parsed.action == "sources":
        return False, [("Sources", sources_blocks(await chat.sources()))]
    if parsed.action == "quotes":
        found = await chat.quotes(parsed.text or None, platform="slack", channel=channel)
        return False, [(quotes_fallback(found), quotes_blocks(found))]
    if parsed.action == "subscribe":
        done = await chat.subscribe(
            platform="slack",
            channel=channel,
            topic=parsed.topic,
            at=parsed.at,
            timezone=parsed.timezone,
            by=user,
        )
        sub = done.subscription
        verb = "will get" if done.new else "now gets"
        text = (
            f":white_check_mark: {channel_ref(channel)} {verb} the *{escape(sub.topic)}* "
            f"briefing every day at {sub.at} ({escape(sub.timezone)})."
        )
        return False, [(text, notice_blocks(text))]
    removed = await chat.unsubscribe(platform="slack", channel=channel, topic=parsed.topic)
    text = ":wave: No more " + ", ".join(f"*{escape(t)}*" for t in removed) + " briefings here."
    return False, [(text, notice_blocks(text))]
