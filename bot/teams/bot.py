"""The Teams bot at /api/messages, on Microsoft's 365 Agents SDK (`microsoft-agents-*`).

    bot = build_teams_bot(settings, chat, store, now=...)
    web_app.router.add_post("/api/messages", bot.handle)

Messages (1:1, or an @mention in a channel) are parsed by the one parser (`read_intent`: `ask`,
`summarize`, `today`, `quotes`, `sources`, `subscribe`, `unsubscribe`, `help`, or a plain
question), answered through `ChatService.handle` and rendered as Adaptive Cards (`reply_cards`).
The conversation id (in a channel, the reply chain) is the conversation for follow-ups.
Every conversation the bot hears from is remembered so the scheduler can post briefings to it.
Teams gives a bot about 15 seconds to answer its request, and an answer from a slow model can
take longer: the turn only shows "typing…", and the answer is sent after the request, into
the same reply chain (`drain()` waits for answers still on their way).

Incoming tokens are validated with the Azure bot registration (MICROSOFT_APP_ID…); the
credential-less development mode (BRIEFBOT_TEAMS_ANONYMOUS) is refused in production.
"""

from __future__ import annotations

import asyncio
import hashlib
import html
import logging
import re
from collections import OrderedDict
from collections.abc import Awaitable, Callable
from datetime import datetime

from aiohttp import web
from microsoft_agents.activity import (
    Activity,
    ActivityTypes,
    Attachment,
    ConversationReference,
    InvokeResponse,
)
from microsoft_agents.authentication.msal import MsalConnectionManager
from microsoft_agents.hosting.aiohttp import (
    CloudAdapter,
    jwt_authorization_decorator,
    start_agent_process,
)
from microsoft_agents.hosting.core import (
    AgentApplication,
    MemoryStorage,
    OutboundHostValidator,
    TurnContext,
    TurnState,
)
from microsoft_agents.hosting.core.authorization import AgentAuthConfiguration, JwtTokenValidator

from bot.chat import AnswerReply, BriefingReply, ChatRequest, ChatService, Intent, read_intent
from bot.config import Settings, check_teams_settings
from bot.errors import DeliveryError
from bot.store.chat import Conversations
from bot.store.feedback import Feedback, Kind, Vote
from bot.teams.cards import Card, attachment, error_card, help_card, notice_card, reply_cards

log = logging.getLogger(__name__)

WELCOME = (
    "Hi! I post a cited briefing on the stories this team follows, and answer questions "
    "about the coverage. Try **today**, **ask** _a question_, or **summarize** _a link_."
)
_TAGS = re.compile(r"<[^>]+>")
# The verbs Teams' command menu offers (deploy/teams/manifest.json's commandLists); every verb
# of `read_intent` works when typed.
VERBS = {
    "ask",
    "summarize",
    "summarise",
    "today",
    "quotes",
    "sources",
    "subscribe",
    "unsubscribe",
    "help",
}


def teams_auth(settings: Settings) -> AgentAuthConfiguration:
    """The bot's authentication, or a ConfigError when the settings are unsafe or incomplete."""
    check_teams_settings(settings)
    if settings.teams_anonymous:
        return AgentAuthConfiguration(anonymous_allowed=True)
    return AgentAuthConfiguration(
        client_id=settings.microsoft_app_id,
        client_secret=settings.microsoft_app_password.get_secret_value(),
        tenant_id=settings.microsoft_app_tenant_id or None,
        anonymous_allowed=False,
    )


def message_text(activity_text: str | None) -> str:
    """What the user typed: the SDK already removed our @mention; tags and entities go too."""
    return " ".join(html.unescape(_TAGS.sub(" ", activity_text or "")).split())


def channel_of(conversation_id: str) -> str:
    """A channel's conversation id without the reply chain (`;messageid=…`)."""
    return conversation_id.split(";messageid=", 1)[0]


class TeamsBot:
    """The Agents SDK app and adapter, with briefbot's handlers."""

    def __init__(
        self,
        settings: Settings,
        chat: ChatService,
        conversations: Conversations,
        *,
        now: Callable[[], datetime],
        votes: Feedback | None = None,
    ) -> None:
        self.chat = chat
        # Teams' own thumbs up/down under answers and briefings (its feedback loop), stored
        # with Slack's; off with BRIEFBOT_FEEDBACK=false.
        self.votes = votes if settings.feedback else None
        self._rated: OrderedDict[str, Kind] = OrderedDict()  # sent activity id → what it is
        self.conversations = conversations
        self.now = now
        self.app_id = settings.microsoft_app_id
        auth = teams_auth(settings)
        self.auth = auth
        connections = MsalConnectionManager(connections_configurations={"SERVICE_CONNECTION": auth})
        # With real credentials, replies only ever go to Microsoft's Bot Connector hosts.
        self.adapter = CloudAdapter(
            connection_manager=connections,
            host_validator=None
            if auth.ANONYMOUS_ALLOWED
            else OutboundHostValidator(enabled=True, include_default_microsoft_hosts=True),
        )
        self.adapter.on_turn_error = self._on_error  # the SDK's default shows the exception
        self.agent = AgentApplication[TurnState](
            storage=MemoryStorage(), connection_manager=connections
        )
        self.agent.activity(ActivityTypes.message)(self._on_message)
        self.agent.activity(ActivityTypes.invoke)(self._on_invoke)
        self.agent.conversation_update("membersAdded")(self._on_members_added)
        self._answering: set[asyncio.Task[None]] = set()

    def configure(self, web_app: web.Application) -> None:
        """Mount POST /api/messages (token-checked) on the web server."""
        web_app["agent_configuration"] = self.auth
        web_app.router.add_post("/api/messages", self.handle)

    async def handle(self, request: web.Request) -> web.StreamResponse:
        """Validate the caller's token (the SDK's check), then run the turn."""
        accepted = False

        async def accept(_request: web.Request) -> web.Response:
            nonlocal accepted
            accepted = True
            return web.Response(status=204)

        check = jwt_authorization_decorator(accept)  # type: ignore[no-untyped-call]
        try:
            refused = await check(request)
        except Exception:  # a token the SDK cannot even parse is still just a bad token
            log.warning("a Teams request's token could not be validated", exc_info=True)
            return web.json_response(
                {"error": "Invalid token or authentication failed."}, status=401
            )
        if not accepted:
            return refused  # type: ignore[no-any-return]
        response = await start_agent_process(request, self.agent, self.adapter)
        return response if response is not None else web.Response(status=202)

    # ------------------------------------------------------------------ handlers

    async def _remember(self, context: TurnContext) -> None:
        activity = context.activity
        reference = activity.get_conversation_reference()
        conversation = channel_of(activity.conversation.id)
        reference.conversation.id = conversation
        reference.activity_id = None
        await self.conversations.save_reference(
            "teams", conversation, reference.model_dump(mode="json", exclude_none=True), self.now()
        )

    async def _on_members_added(self, context: TurnContext, _state: TurnState) -> None:
        await self._remember(context)
        bot_id = context.activity.recipient.id if context.activity.recipient else None
        added = context.activity.members_added or []
        if any(m.id == bot_id for m in added):
            await self._send(context, notice_card(WELCOME), "Hi from briefbot")

    async def _on_message(self, context: TurnContext, _state: TurnState) -> None:
        await self._remember(context)
        activity = context.activity
        personal = (activity.conversation.conversation_type or "personal") == "personal"
        intent = read_intent(message_text(activity.text), direct=personal)
        if intent.kind == "help":
            await self._send(context, help_card(intent.problem), "How to use briefbot")
            return
        await context.send_activity(Activity(type=ActivityTypes.typing))
        reference = activity.get_conversation_reference()
        user = activity.from_property.id if activity.from_property else None
        task = asyncio.create_task(self._answer(reference, intent, user))
        self._answering.add(task)
        task.add_done_callback(self._answering.discard)

    async def _answer(
        self, reference: ConversationReference, intent: Intent, user: str | None
    ) -> None:
        """Work out the answer and send it as a reply to the message (after its request)."""
        conversation = reference.conversation.id
        request = ChatRequest(
            intent, "teams", channel_of(conversation), user, f"teams:{conversation}"
        )
        reply_ = await self.chat.handle(request)
        cards = reply_cards(reply_)
        rated: Kind | None = (
            "answer"
            if isinstance(reply_, AnswerReply) and reply_.answer.answered
            else "briefing"
            if isinstance(reply_, BriefingReply) and reply_.briefings
            else None
        )

        async def reply(context: TurnContext) -> None:
            context.activity.id = reference.activity_id  # a reply to the message asked
            for n, (card, text) in enumerate(cards, 1):
                await self._send(context, card, text, rated=rated if n == len(cards) else None)

        try:
            await self._continue(reference, reply)
        except Exception:  # the user's message stays unanswered; the log says why
            log.exception("could not send a Teams answer")

    async def drain(self, timeout: float | None = None) -> None:
        """Wait for the answers still being worked out or sent; after `timeout` seconds,
        give up on those left (shutting down)."""
        if not self._answering:
            return
        _, late = await asyncio.wait(set(self._answering), timeout=timeout)
        for task in late:
            task.cancel()
        if late:
            log.warning("stopped with %d Teams answer(s) unsent", len(late))
            await asyncio.gather(*late, return_exceptions=True)

    async def _send(
        self, context: TurnContext, card: Card, text: str, *, rated: Kind | None = None
    ) -> str:
        activity = Activity(
            type=ActivityTypes.message,
            text=text,
            attachments=[Attachment.model_validate(attachment(card))],
        )
        if rated is not None and self.votes is not None:
            activity.channel_data = {"feedbackLoop": {"type": "default"}}
        sent = await context.send_activity(activity)
        sent_id = sent.id if sent is not None and sent.id else ""
        if rated is not None and sent_id:
            self._rated[sent_id] = rated
            while len(self._rated) > 10_000:
                self._rated.popitem(last=False)
        return sent_id

    async def _on_invoke(self, context: TurnContext, _state: TurnState) -> None:
        """A thumbs up/down from Teams' feedback loop (`message/submitAction`), stored; any
        other invoke is acknowledged and ignored."""
        activity = context.activity
        value = activity.value if isinstance(activity.value, dict) else {}
        action = value.get("actionValue") if isinstance(value.get("actionValue"), dict) else {}
        reaction = action.get("reaction") if isinstance(action, dict) else None
        if (
            activity.name == "message/submitAction"
            and value.get("actionName") == "feedback"
            and reaction in ("like", "dislike")
            and self.votes is not None
        ):
            message = str(activity.reply_to_id or "")
            user = activity.from_property.id if activity.from_property else ""
            await self.votes.record(
                Vote(
                    platform="teams",
                    channel=channel_of(activity.conversation.id),
                    message_ts=message,
                    kind=self._rated.get(message, "answer"),
                    ref=message,
                    value="up" if reaction == "like" else "down",
                    user_hash=hashlib.sha256(f"teams:{user}".encode()).hexdigest(),
                    at=self.now(),
                )
            )
        await context.send_activity(
            Activity(type=ActivityTypes.invoke_response, value=InvokeResponse(status=200))
        )

    async def _on_error(self, context: TurnContext, error: Exception) -> None:
        log.error("Teams turn failed", exc_info=error)
        await self._send(context, error_card(error), "briefbot could not do that")

    # ------------------------------------------------------------------ proactive posts

    async def send_card(
        self, conversation: str, card: Card, text: str, *, rated: Kind | None = "briefing"
    ) -> str:
        """Post a card to a conversation the bot was installed in (for scheduled briefings,
        which carry feedback unless `rated` is None)."""
        stored = await self.conversations.reference("teams", conversation)
        if stored is None:
            raise DeliveryError(
                f"briefbot is not installed in the Teams conversation {conversation!r}; "
                "add the app to that channel first"
            )
        reference = ConversationReference.model_validate(stored)
        sent: list[str] = []

        async def post(context: TurnContext) -> None:
            context.activity.id = None  # a new post in the channel, not a reply to anything
            sent.append(await self._send(context, card, text, rated=rated))

        await self._continue(reference, post)
        return sent[0] if sent else ""

    async def _continue(
        self, reference: ConversationReference, callback: Callable[[TurnContext], Awaitable[None]]
    ) -> None:
        """Run `callback` in a turn of its own in the referenced conversation."""
        continuation = reference.get_continuation_activity()
        if self.auth.ANONYMOUS_ALLOWED:  # development mode: no credentials to get a token with
            identity = JwtTokenValidator(self.auth).get_anonymous_claims()
            await self.adapter.continue_conversation_with_claims(identity, continuation, callback)
        else:
            await self.adapter.continue_conversation(self.app_id, continuation, callback)
