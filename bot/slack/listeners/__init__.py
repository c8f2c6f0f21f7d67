"""Bolt listeners, grouped by kind; each group registers itself with one call.

Every listener is thin: parse (pure) → ack → one `ChatService` call → render (pure) → reply.
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.chat import ChatService
from bot.slack.listeners import assistant, commands, messages, shortcuts


def register_all(
    app: AsyncApp, chat: ChatService, agent: assistant.AgentOptions | None = None
) -> None:
    feedback = agent.feedback if agent is not None else False
    commands.register(app, chat, feedback=feedback)
    messages.register(app, chat, feedback=feedback)
    shortcuts.register(app, chat)
    assistant.register(app, chat, agent)
