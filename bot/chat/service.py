"""What people can ask of briefbot in a chat, whatever the chat: `handle(request) -> Reply`.

Slack's listeners and Teams' handler parse (`read_intent`), acknowledge, call `handle` and
render the `Reply`; nothing here knows Slack or Teams, their markup or their message ids
beyond opaque strings. A failure never escapes `handle`: it becomes an `ErrorReply` whose
message comes from `user_message`, the one mapping of errors to what a user reads.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from dataclasses import replace
from datetime import datetime

from bot.answer import Answer, QuestionEngine
from bot.answer.quotes import QuoteFinder, QuoteList
from bot.briefing.compose import BriefingService
from bot.chat.replies import (
    AnswerReply,
    BriefingReply,
    Change,
    ChatRequest,
    ErrorReply,
    HelpReply,
    Origin,
    QuotesReply,
    Reply,
    ScheduleLine,
    SourceLine,
    SourcesReply,
    SubscriptionReply,
    SummaryReply,
    TopicSources,
    user_message,
)
from bot.config import BriefbotConfig, TopicConfig, source_label
from bot.deliver.service import in_channel_zone, merge_subscriptions
from bot.errors import BriefbotError, RequestError
from bot.models import Briefing, Subscription
from bot.store.articles import Articles, SourceRow
from bot.store.deliveries import Deliveries
from bot.store.quotes import Quotes
from bot.summarise.ondemand import OnDemandSummariser, OnDemandSummary
from bot.text.when import local_time

log = logging.getLogger(__name__)

DEFAULT_TIME = "08:00"


class ChatService:
    """Briefings, questions, summaries, quotes, sources and subscriptions for chat users."""

    def __init__(
        self,
        articles: Articles,
        deliveries: Deliveries,
        config: BriefbotConfig,
        briefings: BriefingService,
        questions: QuestionEngine,
        ondemand: OnDemandSummariser,
        *,
        now: Callable[[], datetime],
        quotes: QuoteFinder | None = None,
    ) -> None:
        self.articles = articles
        self.deliveries = deliveries
        self.config = config
        self.briefings = briefings
        self.questions = questions
        self.ondemand = ondemand
        self.now = now
        self.quote_finder = quotes or QuoteFinder(Quotes(articles.db), now=now)

    # ------------------------------------------------------------------ the one entry point

    async def handle(self, request: ChatRequest) -> Reply:
        """Do what the request asks; failures come back as an `ErrorReply`."""
        try:
            return await self._do(request)
        except Exception as exc:  # a user sees a short reason, never a traceback
            if isinstance(exc, BriefbotError):
                log.info("%s request failed: %s", request.platform, exc)
            else:
                log.exception("%s request failed", request.platform)
            return ErrorReply(user_message(exc))

    async def _do(self, request: ChatRequest) -> Reply:
        intent, platform, channel = request.intent, request.platform, request.channel
        match intent.kind:
            case "today":
                return BriefingReply(tuple(await self.today(platform, channel)))
            case "ask":
                answer = await self.ask(
                    intent.text,
                    platform=platform,
                    channel=channel,
                    conversation=request.conversation,
                    topic=intent.topic,
                )
                return AnswerReply(answer)
            case "summarize":
                return SummaryReply(await self.summarize(intent.text))
            case "quotes":
                found = await self.quotes(intent.text or None, platform=platform, channel=channel)
                return QuotesReply(found)
            case "sources":
                return SourcesReply(tuple(await self.sources()))
            case "subscribe":
                return await self.subscribe(request)
            case "unsubscribe":
                return await self.unsubscribe(request)
        return HelpReply(intent.problem)

    async def briefing_posted(
        self, platform: str, channel: str, message_ref: str, topic: str
    ) -> None:
        """Remember a briefing the platform posted (the root of its thread), so replies in
        that thread are answered like those of scheduled briefings."""
        await self.deliveries.record_post(
            topic=topic, platform=platform, channel=channel, message_ref=message_ref, now=self.now()
        )

    async def thread_topic(self, platform: str, channel: str, thread: str) -> str | None:
        """The topic of the briefing that started a thread, if it was one of ours."""
        return await self.deliveries.delivery_topic(platform, channel, thread)

    # ------------------------------------------------------------------ topics

    def _named(self, name: str) -> TopicConfig:
        for topic in self.config.topics:
            if topic.name == name:
                return topic
        raise RequestError(f"There is no topic called `{name}`. Topics: {self._known()}.")

    def _known(self) -> str:
        return ", ".join(f"`{t.name}`" for t in self.config.topics) or "none yet"

    async def _merged(self, platform: str | None = None) -> list[Subscription]:
        return merge_subscriptions(self.config, await self.deliveries.subscriptions(platform))

    async def channel_topics(self, platform: str, channel: str) -> list[TopicConfig]:
        """The topics a channel is subscribed to, else every topic."""
        names = [s.topic for s in await self._merged(platform) if s.channel == channel]
        if names:
            return [self._named(n) for n in dict.fromkeys(names)]
        return list(self.config.topics)

    async def _one_topic(self, platform: str, channel: str) -> TopicConfig | None:
        topics = await self.channel_topics(platform, channel)
        return topics[0] if len(topics) == 1 else None

    # ------------------------------------------------------------------ requests

    async def today(self, platform: str, channel: str) -> list[Briefing]:
        """Today's briefing of each topic this channel follows, its times in the channel's
        zone when it is subscribed to the topic, else in the topic's."""
        topics = await self.channel_topics(platform, channel)
        if not topics:
            raise RequestError("No topics are configured yet: add one to briefbot.toml.")
        here = {s.topic: s for s in await self._merged(platform) if s.channel == channel}
        shown = []
        for topic in topics:
            briefing = await self.briefings.latest(topic)
            sub = here.get(topic.name)
            shown.append(
                in_channel_zone(briefing, sub)
                if sub is not None
                else replace(briefing, timezone=topic.timezone)
            )
        return shown

    async def ask(
        self,
        question: str,
        *,
        platform: str,
        channel: str,
        conversation: str | None = None,
        topic: str | None = None,
    ) -> Answer:
        """Answer from the coverage of the channel's topic (or of every topic)."""
        chosen = self._named(topic) if topic else await self._one_topic(platform, channel)
        if chosen is None:
            return await self.questions.ask(question, conversation=conversation)
        return await self.questions.ask(
            question,
            topic=chosen.name,
            topic_title=chosen.display_title,
            zone=chosen.timezone,
            conversation=conversation,
        )

    async def quotes(
        self, person: str | None, *, platform: str, channel: str, topic: str | None = None
    ) -> QuoteList:
        """Who said what: the person's (or everyone's) latest verbatim quotes in the coverage of
        the channel's topic (or of every topic), dated in the topic's zone."""
        chosen = self._named(topic) if topic else await self._one_topic(platform, channel)
        found = await self.quote_finder.find(
            chosen.name if chosen else None, person, since=None, until=None
        )
        return replace(found, timezone=chosen.timezone if chosen else "UTC")

    async def summarize(self, value: str) -> OnDemandSummary:
        """A pasted link (fetched through the SSRF guard) or pasted text, summarised."""
        return await self.ondemand.summarise_untrusted(value)

    async def sources(self) -> list[TopicSources]:
        """Each topic's sources (and how their last fetch went) and schedules (and where each
        comes from: the file, a chat subscription, or a file schedule muted from chat)."""
        rows = await self.articles.list_sources()
        state = {(r.topic, r.key): r for r in rows}
        schedules = schedule_lines(
            self.config, await self.deliveries.subscriptions(), await self.deliveries.muted()
        )
        listed = []
        for topic in self.config.topics:
            lines = []
            for source in topic.sources:
                row = state.get((topic.name, source.key))
                lines.append(SourceLine(source_label(source), _status(row, topic.timezone)))
            mine = tuple(line for name, line in schedules if name == topic.name)
            listed.append(TopicSources(topic.name, topic.display_title, tuple(lines), mine))
        return listed

    async def subscribe(self, request: ChatRequest) -> SubscriptionReply:
        """Subscribe a channel to a topic's daily briefing, change its time, or resume the
        file's schedule muted here."""
        intent, platform, channel = request.intent, request.platform, request.channel
        chosen = await self._topic_to_subscribe(intent.topic, platform, channel)
        key = (chosen.name, platform, channel)
        resumed = await self.deliveries.unmute(*key)
        in_file = merge_subscriptions(self.config, [])
        file_sub = next((s for s in in_file if s.key == key), None)
        chat_sub = next(
            (s for s in await self.deliveries.subscriptions(platform) if s.key == key), None
        )
        if file_sub is not None and chat_sub is None and intent.at is None and not intent.timezone:
            change: Change = "resumed" if resumed else "changed"
            return SubscriptionReply(
                change, channel, (chosen.name,), file_sub.at, file_sub.timezone
            )
        base = chat_sub or file_sub
        sub = Subscription(
            chosen.name,
            platform,
            channel,
            intent.at or (base.at if base else DEFAULT_TIME),
            intent.timezone or (base.timezone if base else chosen.timezone),
            origin="chat",
        )
        await self.deliveries.subscribe(sub, now=self.now(), by=request.user)
        change = "resumed" if resumed else "changed" if base is not None else "subscribed"
        return SubscriptionReply(change, channel, (chosen.name,), sub.at, sub.timezone)

    async def _topic_to_subscribe(
        self, name: str | None, platform: str, channel: str
    ) -> TopicConfig:
        if name:
            return self._named(name)
        if len(self.config.topics) == 1:
            return self.config.topics[0]
        keys = await self._schedule_keys(platform, channel)
        here = list(dict.fromkeys(topic for topic, _, _ in keys))
        if len(here) == 1:
            return self._named(here[0])
        raise RequestError(f"Which topic? Say `subscribe <topic>`. Topics: {self._known()}.")

    async def _schedule_keys(self, platform: str, channel: str) -> list[tuple[str, str, str]]:
        """Every schedule of this channel, muted or not."""
        subs = await self._merged(platform)
        return [s.key for s in subs if s.channel == channel]

    async def unsubscribe(self, request: ChatRequest) -> SubscriptionReply:
        """Stop a channel's briefings: chat subscriptions are removed, briefbot.toml's
        schedules for the channel are muted (until `subscribe` resumes them)."""
        topic, platform, channel = request.intent.topic, request.platform, request.channel
        if topic:
            self._named(topic)
        removed = await self.deliveries.unsubscribe(platform, channel, topic)
        in_file = [
            s.topic
            for s in merge_subscriptions(self.config, [])
            if s.platform == platform and s.channel == channel and topic in (None, s.topic)
        ]
        for name in in_file:
            await self.deliveries.mute(name, platform, channel, now=self.now(), by=request.user)
        stopped = tuple(dict.fromkeys([*removed, *in_file]))
        if not stopped:
            what = f"the `{topic}` briefing" if topic else "any briefing"
            raise RequestError(f"This channel is not subscribed to {what}.")
        return SubscriptionReply("stopped", channel, stopped, muted=tuple(in_file))


def schedule_lines(
    config: BriefbotConfig,
    stored: Sequence[Subscription],
    muted: set[tuple[str, str, str]],
) -> list[tuple[str, ScheduleLine]]:
    """Every schedule as (topic, line): running ones from the file or chat, and the file's
    muted ones (pure)."""
    running = merge_subscriptions(config, list(stored), muted)
    lines = [
        (s.topic, ScheduleLine(s.platform, s.channel, s.at, s.timezone, _origin(s)))
        for s in running
    ]
    lines += [
        (s.topic, ScheduleLine(s.platform, s.channel, s.at, s.timezone, "muted"))
        for s in merge_subscriptions(config, [])
        if s.key in muted and all(s.key != r.key for r in running)
    ]
    return lines


def _origin(sub: Subscription) -> Origin:
    return "chat" if sub.origin == "chat" else "file"


def _status(row: SourceRow | None, zone: str) -> str:
    if row is None:
        return "not fetched yet"
    if row.last_error:
        return "failing"
    ok = row.last_ok_at
    return f"ok, last fetched {local_time(ok, zone)}" if ok is not None else "ok"
