"""Slack's agent messaging experience (and the older assistant view): a greeting and suggested
prompts when someone opens the app's messages tab (`app_home_opened`, tab `messages`; the
assistant view's `assistant_thread_started` likewise), then every direct message answered in
its own thread with a status while working (`assistant.threads.setStatus`); answers stream
sentence by sentence where Slack allows it and carry thumbs up/down. Each thread is its own
conversation.

Every suggested prompt works when clicked as it is: Slack posts its `message` as the user's
own words, so a prompt never ends in a half-typed link for the user to finish.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt.async_app import (
    AsyncApp,
    AsyncAssistant,
    AsyncBoltContext,
    AsyncSay,
    AsyncSetSuggestedPrompts,
)
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.web.async_client import AsyncWebClient

from bot.chat import AnswerReply, ChatRequest, ChatService, Intent, read_intent
from bot.slack.answering import AnswerPool
from bot.slack.claims import first_time
from bot.slack.commands import slack_to_plain
from bot.slack.feedback import with_feedback
from bot.slack.listeners.messages import ignorable
from bot.slack.listeners.replies import answer_in_thread
from bot.slack.render import answer_blocks, answer_fallback, notice_blocks, reply_messages
from bot.slack.stream import Streamer, stream_chunks
from bot.store.chat import Conversations

log = logging.getLogger(__name__)

STATUS = "is reading the coverage…"
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


@dataclass(frozen=True, slots=True)
class AgentOptions:
    """What the agent experience needs besides the chat service: the store's event claims
    (greet a person once), the clock, and whether answers carry feedback buttons."""

    conversations: Conversations | None = None
    now: Callable[[], datetime] | None = None
    feedback: bool = True


@dataclass(frozen=True, slots=True)
class Thread:
    """Where a direct message is answered: its DM, its thread, who asked."""

    channel: str
    thread: str
    team: str | None
    user: str | None

    @property
    def conversation(self) -> str:
        return f"slack:{self.channel}:{self.thread}"


def is_top_level_dm(body: dict[str, Any], bot_user_id: str | None) -> bool:
    """A person's new direct message that is not in a thread yet (pure)."""
    event = body.get("event") or {}
    return (
        body.get("type") == "event_callback"
        and event.get("type") == "message"
        and event.get("channel_type") == "im"
        and not event.get("thread_ts")
        and not ignorable(event, bot_user_id)
    )


async def answer(
    client: AsyncWebClient,
    chat: ChatService,
    streamer: Streamer,
    where: Thread,
    text: str,
    *,
    pool: AnswerPool,
    feedback: bool,
) -> None:
    """Answer one direct message in its thread: a status at once, then (queued in the pool)
    the answer, streamed when Slack allows it; or how to ask for a summary."""
    if asks_how_to_summarize(text):
        await client.chat_postMessage(
            channel=where.channel,
            thread_ts=where.thread,
            text=HOW_TO_SUMMARIZE,
            blocks=notice_blocks(HOW_TO_SUMMARIZE),
        )
        return
    await client.assistant_threads_setStatus(
        channel_id=where.channel, thread_ts=where.thread, status=STATUS
    )
    request = ChatRequest(
        assistant_intent(text), "slack", where.channel, where.user, where.conversation
    )

    async def reply_here() -> None:
        await _reply(client, chat, streamer, where, request, feedback=feedback)

    pool.submit(reply_here, f"answering a direct message in {where.channel}")


async def _reply(
    client: AsyncWebClient,
    chat: ChatService,
    streamer: Streamer,
    where: Thread,
    request: ChatRequest,
    *,
    feedback: bool,
) -> None:
    reply = await chat.handle(request)
    if isinstance(reply, AnswerReply):
        found = reply.answer
        blocks = with_feedback(answer_blocks(found), "answer", found.question, on=feedback)
        links = {ref.n: ref.url for ref in found.sources} if found.answered else {}
        if await streamer.stream(
            channel=where.channel,
            thread_ts=where.thread,
            chunks=stream_chunks(found.text, links),
            final_blocks=blocks[1:],  # the text is streamed; its sources and buttons close it
            team=where.team,
            user=where.user,
        ):
            return
        messages = [(answer_fallback(found), blocks)]
    else:
        messages = reply_messages(reply)
    for said, shown in messages:
        await client.chat_postMessage(
            channel=where.channel, thread_ts=where.thread, text=said, blocks=shown
        )


class AgentMiddleware(AsyncMiddleware):
    """Bolt's assistant middleware, then a new DM's own thread (`top_level`), for events only.

    Bolt's `app.assistant` tries the assistant's listeners on every request, a slash command's
    or a button's too, with the arguments Bolt builds for each try; neither can be an
    assistant's, and they pass straight on here, so their acks do not pay for it."""

    def __init__(
        self,
        assistant: AsyncAssistant,
        top_level: Callable[[AsyncBoltRequest], Awaitable[BoltResponse | None]],
    ) -> None:
        self.assistant = assistant
        self.top_level = top_level

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        if req.body.get("type") != "event_callback":
            return await next()
        passed = False

        async def on() -> BoltResponse:
            nonlocal passed
            passed = True
            return resp

        out = await self.assistant.async_process(req=req, resp=resp, next=on)
        if not passed:
            return out  # the assistant's listener answered it
        answered = await self.top_level(req)
        return answered if answered is not None else await next()


def register(
    app: AsyncApp, chat: ChatService, pool: AnswerPool, agent: AgentOptions | None = None
) -> None:
    options = agent or AgentOptions()
    streamer = Streamer(app.client)
    assistant = AsyncAssistant()

    async def greet(client: AsyncWebClient, channel: str) -> None:
        """Greet once per DM (the store remembers), offer the prompts every time."""
        first = True
        if options.conversations is not None and options.now is not None:
            first = await options.conversations.claim_event(f"greeted:{channel}", options.now())
        if first:
            await client.chat_postMessage(channel=channel, text=GREETING)
        await client.assistant_threads_setSuggestedPrompts(channel_id=channel, prompts=PROMPTS)

    async def home_opened(
        event: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        if event.get("tab") == "messages" and event.get("channel") and await first_time(context):
            await greet(client, str(event["channel"]))

    async def started(
        say: AsyncSay, set_suggested_prompts: AsyncSetSuggestedPrompts, context: AsyncBoltContext
    ) -> None:
        if not await first_time(context):
            return
        await say(GREETING)
        await set_suggested_prompts(prompts=PROMPTS)

    async def in_thread(
        payload: dict[str, Any], client: AsyncWebClient, context: AsyncBoltContext
    ) -> None:
        if not await first_time(context):
            return
        channel = str(payload["channel"])
        where = Thread(
            channel,
            str(payload.get("thread_ts") or payload["ts"]),
            context.team_id,
            context.user_id,
        )
        text = slack_to_plain(payload.get("text") or "")
        await answer(client, chat, streamer, where, text, pool=pool, feedback=options.feedback)

    async def top_level_dm(req: AsyncBoltRequest) -> BoltResponse | None:
        """A new DM is answered in its own thread (as the agent experience shows it); None
        for anything else."""
        body, context = req.body, req.context
        if not is_top_level_dm(body, context.bot_user_id):
            return None
        event = body["event"]
        text = str(event.get("text") or "")
        if context.bot_user_id and f"<@{context.bot_user_id}>" in text:
            return BoltResponse(status=200, body="")  # app_mention answers it
        channel, ts = str(event["channel"]), str(event["ts"])
        where = Thread(channel, ts, context.team_id, context.user_id)
        plain = slack_to_plain(text)
        intent = read_intent(plain, direct=True)
        client = context.client

        async def first_step() -> None:
            if not await first_time(context):
                return
            if intent.kind == "summarize":
                # A link: "working…" in the thread, then the summary in its place.
                request = ChatRequest(intent, "slack", channel, where.user, where.conversation)
                await answer_in_thread(client, chat, request, ts, pool=pool)
            else:
                await answer(
                    client, chat, streamer, where, plain, pool=pool, feedback=options.feedback
                )

        # Slack is answered first; the status (or "working…") follows, then the answer.
        pool.spawn(first_step, f"a direct message in {channel}")
        return BoltResponse(status=200, body="")

    assistant.thread_started(started)
    assistant.user_message(in_thread)
    app.middleware(AgentMiddleware(assistant, top_level_dm))
    app.event("app_home_opened")(home_opened)
