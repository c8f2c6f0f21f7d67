"""The store's tables, as SQLAlchemy Core metadata (portable to SQLite and PostgreSQL).

Times are stored as naive UTC and read back as aware UTC (`UTCDateTime`), so both databases
agree. JSON payloads are TEXT so that nothing depends on a dialect's JSON type.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.engine import Dialect


class UTCDateTime(sa.types.TypeDecorator[datetime]):
    """Aware UTC datetimes in, naive UTC stored, aware UTC out."""

    impl = sa.DateTime
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the store; pass an aware one")
        return value.astimezone(UTC).replace(tzinfo=None)

    def process_result_value(self, value: Any, dialect: Dialect) -> datetime | None:
        if value is None:
            return None
        if isinstance(value, str):
            value = datetime.fromisoformat(value)
        assert isinstance(value, datetime)
        return value.replace(tzinfo=UTC)


metadata = sa.MetaData()

schema_migrations = sa.Table(
    "schema_migrations",
    metadata,
    sa.Column("version", sa.Integer, primary_key=True, autoincrement=False),
    sa.Column("name", sa.String(200), nullable=False),
    sa.Column("applied_at", UTCDateTime, nullable=False),
)

sources = sa.Table(
    "sources",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("topic", sa.String(64), nullable=False),
    sa.Column("key", sa.String(2000), nullable=False),
    sa.Column("kind", sa.String(16), nullable=False),
    sa.Column("name", sa.String(500), nullable=False),
    sa.Column("etag", sa.String(500)),
    sa.Column("last_modified", sa.String(100)),
    sa.Column("last_checked_at", UTCDateTime),
    sa.Column("last_ok_at", UTCDateTime),
    sa.Column("last_error", sa.Text),
    sa.Column("last_new", sa.Integer, nullable=False, server_default="0"),
    sa.UniqueConstraint("topic", "key", name="uq_sources_topic_key"),
)

stories = sa.Table(
    "stories",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("topic", sa.String(64), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("terms", sa.Text, nullable=False, server_default=""),
    sa.Column("first_seen_at", UTCDateTime, nullable=False),
    sa.Column("last_seen_at", UTCDateTime, nullable=False),
    sa.Index("ix_stories_topic_last_seen", "topic", "last_seen_at"),
)

articles = sa.Table(
    "articles",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("topic", sa.String(64), nullable=False),
    sa.Column("url", sa.Text, nullable=False),
    sa.Column("canonical_url", sa.String(2000), nullable=False),
    sa.Column("source", sa.String(2000), nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("author", sa.Text),
    sa.Column("site_name", sa.Text),
    sa.Column("published_at", UTCDateTime),
    sa.Column("fetched_at", UTCDateTime, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("content_hash", sa.String(64), nullable=False),
    sa.Column("signature", sa.Text, nullable=False),
    sa.Column("terms", sa.Text, nullable=False, server_default=""),
    sa.Column("relevance", sa.Float, nullable=False, server_default="0"),
    sa.Column("relevant", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("relevance_reason", sa.Text, nullable=False, server_default=""),
    sa.Column("story_id", sa.Integer, sa.ForeignKey("stories.id")),
    sa.Column("duplicate_of", sa.Integer, sa.ForeignKey("articles.id")),
    sa.UniqueConstraint("topic", "canonical_url", name="uq_articles_topic_url"),
    sa.Index("ix_articles_topic_hash", "topic", "content_hash"),
    sa.Index("ix_articles_topic_fetched", "topic", "fetched_at"),
    sa.Index("ix_articles_story", "story_id"),
)

summaries = sa.Table(
    "summaries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
    sa.Column("summariser", sa.String(200), nullable=False),
    sa.Column("prompt_version", sa.String(100), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("prompt_tokens", sa.Integer),
    sa.Column("completion_tokens", sa.Integer),
    sa.UniqueConstraint(
        "article_id", "summariser", "prompt_version", name="uq_summaries_article_version"
    ),
)

briefings = sa.Table(
    "briefings",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("topic", sa.String(64), nullable=False),
    sa.Column("briefing_date", sa.String(10), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("window_start", UTCDateTime, nullable=False),
    sa.Column("window_end", UTCDateTime, nullable=False),
    sa.Column("story_ids", sa.Text, nullable=False, server_default="[]"),
    sa.Column("payload", sa.Text, nullable=False),
    sa.Column("degraded", sa.Boolean, nullable=False, server_default=sa.false()),
    sa.UniqueConstraint("topic", "briefing_date", name="uq_briefings_topic_date"),
)

deliveries = sa.Table(
    "deliveries",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("topic", sa.String(64), nullable=False),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("channel", sa.String(500), nullable=False),
    sa.Column("delivery_date", sa.String(10), nullable=False),
    sa.Column("briefing_id", sa.Integer, sa.ForeignKey("briefings.id")),
    sa.Column("status", sa.String(16), nullable=False),
    sa.Column("message_ref", sa.String(500)),
    sa.Column("attempts", sa.Integer, nullable=False, server_default="0"),
    sa.Column("claimed_at", UTCDateTime, nullable=False),
    sa.Column("completed_at", UTCDateTime),
    sa.UniqueConstraint("topic", "platform", "channel", "delivery_date", name="uq_deliveries_once"),
)

llm_calls = sa.Table(
    "llm_calls",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("purpose", sa.String(32), nullable=False),
    sa.Column("model", sa.String(200), nullable=False),
    sa.Column("prompt", sa.String(200), nullable=False),
    sa.Column("prompt_tokens", sa.Integer, nullable=False, server_default="0"),
    sa.Column("completion_tokens", sa.Integer, nullable=False, server_default="0"),
    sa.Column("ok", sa.Boolean, nullable=False, server_default=sa.true()),
    sa.Column("topic", sa.String(64)),
    sa.Column("briefing_date", sa.String(10)),
    sa.Index("ix_llm_calls_at", "at"),
)

passages = sa.Table(
    "passages",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("article_id", sa.Integer, sa.ForeignKey("articles.id"), nullable=False),
    sa.Column("topic", sa.String(64), nullable=False),
    sa.Column("seq", sa.Integer, nullable=False),
    sa.Column("title", sa.Text, nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    # float16 unit vector of "title. text" (bot/store/embed.py), for meaning-aware retrieval
    sa.Column("embedding", sa.LargeBinary, nullable=True),
    sa.UniqueConstraint("article_id", "seq", name="uq_passages_article_seq"),
    sa.Index("ix_passages_topic_at", "topic", "at"),
)

# How many passages hold each term, as the full-text index spells it (FTS5's porter stem on
# SQLite, the 'english' lexeme on PostgreSQL), kept up to date as passages are written (see
# bot/store/passages.py), so that retrieval weighs a question's terms without counting them.
# The row with the empty term counts the passages themselves (no index term is empty).
passage_terms = sa.Table(
    "passage_terms",
    metadata,
    sa.Column("term", sa.String(200), primary_key=True),
    sa.Column("passages", sa.Integer, nullable=False),
)

conversation_turns = sa.Table(
    "conversation_turns",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("conversation", sa.String(200), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.Column("role", sa.String(16), nullable=False),
    sa.Column("text", sa.Text, nullable=False),
    sa.Column("citations", sa.Text, nullable=False, server_default="[]"),
    sa.Index("ix_turns_conversation", "conversation", "id"),
)

# Channels subscribed from chat (`/brief subscribe`); briefbot.toml's channels are read from the
# file and never stored here.
subscriptions = sa.Table(
    "subscriptions",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("channel", sa.String(500), nullable=False),
    sa.Column("topic", sa.String(64), nullable=False),
    sa.Column("at", sa.String(5), nullable=False),
    sa.Column("timezone", sa.String(64), nullable=False),
    sa.Column("created_at", UTCDateTime, nullable=False),
    sa.Column("created_by", sa.String(200)),
    sa.UniqueConstraint("platform", "channel", "topic", name="uq_subscriptions"),
)

# briefbot.toml schedules muted from chat (`unsubscribe` in a channel the file lists): the
# scheduler skips these (topic, platform, channel) until `subscribe` un-mutes them.
schedule_mutes = sa.Table(
    "schedule_mutes",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("topic", sa.String(64), nullable=False),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("channel", sa.String(500), nullable=False),
    sa.Column("muted_at", UTCDateTime, nullable=False),
    sa.Column("muted_by", sa.String(200)),
    sa.UniqueConstraint("topic", "platform", "channel", name="uq_schedule_mutes"),
)

# Briefing messages posted on request (`today public`, a DM, a mention's thread), so replies in
# their threads are answered like those of scheduled deliveries (which the delivery log holds).
briefing_posts = sa.Table(
    "briefing_posts",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("channel", sa.String(500), nullable=False),
    sa.Column("message_ref", sa.String(200), nullable=False),
    sa.Column("topic", sa.String(64), nullable=False),
    sa.Column("posted_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("platform", "channel", "message_ref", name="uq_briefing_posts"),
)

# Chat events already handled (Slack retries an event it thinks was missed; replicas share this).
event_claims = sa.Table(
    "event_claims",
    metadata,
    sa.Column("event_id", sa.String(200), primary_key=True),
    sa.Column("claimed_at", UTCDateTime, nullable=False),
    sa.Index("ix_event_claims_at", "claimed_at"),
)

# Where a chat bot can post without being spoken to first (Teams proactive messages): the
# conversation reference of each conversation the bot was installed in or spoken to from.
conversation_refs = sa.Table(
    "conversation_refs",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("platform", sa.String(16), nullable=False),
    sa.Column("conversation", sa.String(500), nullable=False),
    sa.Column("reference", sa.Text, nullable=False),
    sa.Column("updated_at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("platform", "conversation", name="uq_conversation_refs"),
)

# Scheduled runs (a topic's collection) claimed by one replica at a time; a claim is a lease
# that another replica may take over once it expires (its holder died).
run_claims = sa.Table(
    "run_claims",
    metadata,
    sa.Column("name", sa.String(200), primary_key=True),
    sa.Column("holder", sa.String(100), nullable=False),
    sa.Column("until", UTCDateTime, nullable=False),
    sa.Column("started_at", UTCDateTime, nullable=False),
    sa.Column("finished_at", UTCDateTime),
)


# Thumbs up/down on an answer or a briefing message (migration 11): one vote per person and
# message, the newest wins; people are kept only as a hash.
feedback = sa.Table(
    "feedback",
    metadata,
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("platform", sa.String(20), nullable=False),
    sa.Column("channel", sa.String(200), nullable=False),
    sa.Column("message_ts", sa.String(100), nullable=False),
    sa.Column("kind", sa.String(20), nullable=False),  # answer | briefing
    sa.Column("ref", sa.String(300), nullable=False),  # delivery key, or the question
    sa.Column("value", sa.String(10), nullable=False),  # up | down
    sa.Column("user_hash", sa.String(64), nullable=False),
    sa.Column("at", UTCDateTime, nullable=False),
    sa.UniqueConstraint("platform", "channel", "message_ts", "user_hash", name="uq_feedback_vote"),
    sa.Index("ix_feedback_at", "at"),
)
