"""Bolt listeners, grouped by kind; each group registers itself with one call.

Every listener is thin: parse (pure) → ack → one `ChatService` call → render (pure) → reply;
the call and what follows it run in the answering pool (`bot.slack.answering`), so a burst of
questions never holds up the next request's ack.
"""

from __future__ import annotations

from slack_bolt.async_app import AsyncApp

from bot.chat import ChatService
from bot.slack.answering import AnswerPool
from bot.slack.listeners import assistant, commands, messages, shortcuts


def register_all(
    app: AsyncApp,
    chat: ChatService,
    pool: AnswerPool,
    agent: assistant.AgentOptions | None = None,
) -> None:
    """Every group's listeners; what they answer is worked out in `pool`, off the ack's path."""
    feedback = agent.feedback if agent is not None else False
    commands.register(app, chat, pool=pool, feedback=feedback)
    messages.register(app, chat, pool=pool, feedback=feedback)
    shortcuts.register(app, chat, pool=pool)
    assistant.register(app, chat, pool, agent)
