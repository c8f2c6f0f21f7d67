"""What people can ask of briefbot in a chat, whatever the chat: one method per request.

Slack's listeners (and Teams' handlers) parse, acknowledge, call one of these and render the
result; nothing here knows Slack or Teams. Errors are `BriefbotError`s whose reasons can be
shown to the user as they are.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import datetime

from bot.answer import Answer, QuestionEngine
from bot.answer.quotes import QuoteFinder, QuoteList
from bot.briefing.compose import BriefingService
from bot.config import BriefbotConfig, TopicConfig, source_label
from bot.deliver.service import in_channel_zone, merge_subscriptions
from bot.errors import RequestError
from bot.models import Briefing, Subscription
from bot.store.articles import Articles, SourceRow
from bot.store.deliveries import Deliveries
from bot.store.quotes import Quotes
from bot.summarise.ondemand import OnDemandSummariser, OnDemandSummary
from bot.text.when import local_time

LONG_TEXT = 400  # characters: a DM longer than this is an article to summarise, not a question


@dataclass(frozen=True, slots=True)
class SourceLine:
    label: str
    status: str


@dataclass(frozen=True, slots=True)
class TopicSources:
    name: str
    title: str
    sources: tuple[SourceLine, ...]
    channels: tuple[str, ...] = ()


@dataclass(frozen=True, slots=True)
class Subscribed:
    subscription: Subscription
    new: bool


@dataclass(frozen=True, slots=True)
class Intent:
    """What a free-form message asks for: a summary of a link or text, a question, or help."""

    kind: str  # "summarize" | "ask" | "today" | "quotes" | "help"
    text: str = ""


def read_intent(text: str, *, direct: bool) -> Intent:
    """Decide what a message (a mention, a DM, an assistant thread) wants (pure).

    A link alone, or "summarize …", is a summary; in a direct conversation long pasted text is
    too. "today"/"today's briefing" is the briefing; anything else is a question."""
    stripped = text.strip()
    words = stripped.split(maxsplit=1)
    if not words:
        return Intent("help")
    verb = words[0].casefold().rstrip(":,")
    if verb in ("summarize", "summarise") and len(words) > 1:
        return Intent("summarize", words[1])
    if verb in ("help", "?") and len(words) == 1:
        return Intent("help")
    if stripped.casefold().rstrip(".!?") in ("today", "today's briefing", "briefing", "brief"):
        return Intent("today")
    if len(words) == 1 and stripped.lower().startswith(("http://", "https://")):
        return Intent("summarize", stripped)
    if direct and len(stripped) > LONG_TEXT:
        return Intent("summarize", stripped)
    return Intent("ask", stripped)


class ChatService:
    """Briefings, questions, summaries, sources and subscriptions for chat users."""

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

    # ------------------------------------------------------------------ topics

    def _named(self, name: str) -> TopicConfig:
        for topic in self.config.topics:
            if topic.name == name:
                return topic
        known = ", ".join(f"`{t.name}`" for t in self.config.topics) or "none yet"
        raise RequestError(f"There is no topic called `{name}`. Topics: {known}.")

    async def channel_topics(self, platform: str, channel: str) -> list[TopicConfig]:
        """The topics a channel is subscribed to, else every topic."""
        subs = merge_subscriptions(self.config, await self.deliveries.subscriptions(platform))
        names = [s.topic for s in subs if s.platform == platform and s.channel == channel]
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
        subs = merge_subscriptions(self.config, await self.deliveries.subscriptions(platform))
        here = {s.topic: s for s in subs if s.platform == platform and s.channel == channel}
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
        rows = await self.articles.list_sources()
        state = {(r.topic, r.key): r for r in rows}
        subs = merge_subscriptions(self.config, await self.deliveries.subscriptions())
        listed = []
        for topic in self.config.topics:
            lines = []
            for source in topic.sources:
                row = state.get((topic.name, source.key))
                lines.append(SourceLine(source_label(source), _status(row, topic.timezone)))
            channels = tuple(
                s.channel for s in subs if s.topic == topic.name and s.platform == "slack"
            )
            listed.append(TopicSources(topic.name, topic.display_title, tuple(lines), channels))
        return listed

    async def subscribe(
        self,
        *,
        platform: str,
        channel: str,
        topic: str | None,
        at: str | None,
        timezone: str | None,
        by: str | None,
    ) -> Subscribed:
        """Subscribe a channel to a topic's daily briefing (or change its time)."""
        if topic:
            chosen = self._named(topic)
        elif len(self.config.topics) == 1:
            chosen = self.config.topics[0]
        else:
            known = ", ".join(f"`{t.name}`" for t in self.config.topics) or "none yet"
            raise RequestError(f"Which topic? Try `/brief subscribe <topic>`. Topics: {known}.")
        current = [
            s
            for s in merge_subscriptions(self.config, await self.deliveries.subscriptions(platform))
            if s.key == (chosen.name, platform, channel)
        ]
        base = current[0] if current else None
        sub = Subscription(
            chosen.name,
            platform,
            channel,
            at or (base.at if base else "08:00"),
            timezone or (base.timezone if base else chosen.timezone),
            origin="chat",
        )
        new = await self.deliveries.subscribe(sub, now=self.now(), by=by)
        return Subscribed(sub, new and base is None)

    async def unsubscribe(self, *, platform: str, channel: str, topic: str | None) -> list[str]:
        """Stop a channel's chat subscriptions; those in briefbot.toml stay (and say so)."""
        if topic:
            self._named(topic)
        removed = await self.deliveries.unsubscribe(platform, channel, topic)
        if removed:
            return removed
        in_file = [
            t.name
            for t in self.config.topics
            if (topic is None or t.name == topic)
            and any(c.platform == platform and c.channel == channel for c in t.channels)
        ]
        if in_file:
            raise RequestError(
                "This channel's briefing is set in briefbot.toml ("
                + ", ".join(f"`{n}`" for n in in_file)
                + "); remove it there."
            )
        raise RequestError("This channel is not subscribed to any briefing.")

    async def thread_topic(self, platform: str, channel: str, thread: str) -> str | None:
        """The topic of the briefing that started a thread, if it was one of ours."""
        return await self.deliveries.delivery_topic(platform, channel, thread)


def _status(row: SourceRow | None, zone: str) -> str:
    if row is None:
        return "not fetched yet"
    if row.last_error:
        return "failing"
    ok = row.last_ok_at
    return f"ok, last fetched {local_time(ok, zone)}" if ok is not None else "ok"
