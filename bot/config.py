"""Settings (environment / .env) and the topics file (briefbot.toml).

This is the only module that reads the environment. `Settings` is read once at start-up by the
CLI and passed in; nothing here creates clients or touches the network. An invalid file or
variable becomes a `ConfigError` whose message names the field and the fix.
"""

from __future__ import annotations

import difflib
import os
import re
import tomllib
from collections.abc import Mapping
from datetime import time
from pathlib import Path
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.errors import ConfigError


def default_workers() -> int:
    """One CPU worker process per CPU this process may use (at most 64)."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except AttributeError:  # not on Linux
        cpus = os.cpu_count() or 1
    return max(1, min(cpus, 64))


DEFAULT_USER_AGENT = "briefbot/0.1 (+https://github.com/briefbot/briefbot; news briefing bot)"


class Settings(BaseSettings):
    """Process settings from the environment or `.env`; every field is listed in .env.example."""

    model_config = SettingsConfigDict(
        env_prefix="BRIEFBOT_",
        env_file=".env",
        env_file_encoding="utf-8",
        extra="ignore",
        populate_by_name=True,
    )

    config: Path = Field(default=Path("briefbot.toml"), description="the topics file")
    data_dir: Path = Field(default=Path("data"), description="where the SQLite file lives")
    database_url: str = Field(default="", description="empty: SQLite in data_dir")
    log_level: str = "WARNING"
    # Logs as JSON lines (one object per record, with run and request ids) or as text.
    log_format: Literal["text", "json"] = "text"
    # Apply pending database migrations at start-up; false: refuse to start on an old schema
    # (run `briefbot migrate` first, e.g. as a deploy step before the replicas roll).
    migrate: bool = True
    fetch_max_bytes: int = Field(default=5_000_000, gt=0)
    fetch_timeout: float = Field(default=10.0, gt=0)
    fetch_total_timeout: float = Field(default=30.0, gt=0)
    fetch_per_host: int = Field(default=2, ge=1)
    fetch_concurrency: int = Field(default=8, ge=1)
    # Processes for CPU-heavy text work (extracting and analysing collected articles, parsing
    # them for quotes); unset or empty = one per CPU, 0 = one thread in the main process.
    workers: int = Field(default_factory=lambda: default_workers(), ge=0, le=64)
    fetch_max_redirects: int = Field(default=5, ge=0)
    user_agent: str = DEFAULT_USER_AGENT
    # Hosts, IPs or CIDRs that may be fetched although private or loopback. Off by default:
    # only tests and the bundled demo (which serve pages on 127.0.0.1) set it.
    allow_hosts: Annotated[tuple[str, ...], NoDecode] = ()
    max_items_per_source: int = Field(default=50, ge=1)
    # Seconds one source may take in a collection (feed and articles together), and one
    # topic's whole collection run; over budget, what was stored is kept and the rest waits.
    source_budget: float = Field(default=180.0, gt=0)
    collect_budget: float = Field(default=900.0, gt=0)
    # Seconds SQLite waits for another process's write lock before saying it is busy.
    db_busy_timeout: float = Field(default=10.0, gt=0)
    # Earlier turns of a conversation given to the question engine (older ones are dropped).
    conversation_turns: int = Field(default=6, ge=0, le=50)
    # Re-rank passages by meaning with a local model when `briefbot[embeddings]` is installed.
    embeddings: bool = True

    # The language model (any OpenAI-compatible endpoint). None of these set: offline.
    llm_base_url: str = ""
    llm_api_key: SecretStr = SecretStr("")
    llm_model: str = "gpt-4o-mini"
    llm_timeout: float = Field(default=60.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0, le=10)
    llm_token_budget: int = Field(default=6000, ge=500)
    # Estimated prices, in dollars per million tokens, for `briefbot stats`.
    llm_price_prompt: float = Field(default=0.15, ge=0)
    llm_price_completion: float = Field(default=0.60, ge=0)
    # The name every OpenAI tool reads; enough on its own to use OpenAI.
    openai_api_key: SecretStr = Field(
        default=SecretStr(""), validation_alias=AliasChoices("OPENAI_API_KEY")
    )
    azure_openai_endpoint: str = Field(
        default="",
        validation_alias=AliasChoices("BRIEFBOT_AZURE_OPENAI_ENDPOINT", "AZURE_OPENAI_ENDPOINT"),
    )
    azure_openai_api_key: SecretStr = Field(
        default=SecretStr(""),
        validation_alias=AliasChoices("BRIEFBOT_AZURE_OPENAI_API_KEY", "AZURE_OPENAI_API_KEY"),
    )
    azure_openai_api_version: str = Field(
        default="2024-10-21",
        validation_alias=AliasChoices("BRIEFBOT_AZURE_OPENAI_API_VERSION", "OPENAI_API_VERSION"),
    )
    azure_openai_deployment: str = Field(
        default="", validation_alias=AliasChoices("BRIEFBOT_AZURE_OPENAI_DEPLOYMENT")
    )

    # Slack, under the names Slack's own tools read. HTTP mode: bot token + signing secret;
    # Socket Mode: bot token + app-level token (xapp-…), which wins when both are set.
    slack_bot_token: SecretStr = Field(
        default=SecretStr(""), validation_alias=AliasChoices("SLACK_BOT_TOKEN")
    )
    slack_signing_secret: SecretStr = Field(
        default=SecretStr(""), validation_alias=AliasChoices("SLACK_SIGNING_SECRET")
    )
    slack_app_token: SecretStr = Field(
        default=SecretStr(""), validation_alias=AliasChoices("SLACK_APP_TOKEN")
    )
    # Microsoft Teams. The bot (/api/messages) needs the Azure bot registration's app id and
    # secret; incoming activities' tokens are then validated. Briefings can also go to
    # channels through Workflows webhooks: name=url pairs (the names go in briefbot.toml).
    microsoft_app_id: str = Field(default="", validation_alias=AliasChoices("MICROSOFT_APP_ID"))
    microsoft_app_password: SecretStr = Field(
        default=SecretStr(""), validation_alias=AliasChoices("MICROSOFT_APP_PASSWORD")
    )
    microsoft_app_tenant_id: str = Field(
        default="", validation_alias=AliasChoices("MICROSOFT_APP_TENANT_ID")
    )
    teams_webhooks: Annotated[dict[str, SecretStr], NoDecode] = Field(default_factory=dict)
    # Local development without credentials: the Teams bot accepts unauthenticated activities.
    # Refused unless BRIEFBOT_ENVIRONMENT=development.
    teams_anonymous: bool = False
    environment: Literal["production", "development"] = "production"
    # Slack's Web API base URL (a proxy, or a stand-in in tests).
    slack_api_url: str = "https://slack.com/api/"
    # `briefbot run`: where it listens (/slack/events in HTTP mode, /healthz always).
    host: str = "0.0.0.0"
    port: int = Field(default=3000, ge=0, le=65535)
    # Minutes between collections (one replica collects each topic per period).
    collect_every: int = Field(default=30, ge=1, le=1440)
    # Seconds between checks for due briefings.
    deliver_every: int = Field(default=60, ge=1, le=3600)
    # Seconds a claimed run or delivery stays with its replica before another may take it over
    # (the holder died); longer than a slow briefing takes to compose and post.
    claim_lease: int = Field(default=600, ge=5, le=86400)
    # Thumbs up/down under every answer and briefing in Slack, counted by `briefbot stats`.
    feedback: bool = True
    # Slack requests answered at a time (each waits on the store and the model); more wait
    # their turn, in order, after their ack. Bounded so a burst cannot delay the next ack.
    answer_workers: int = Field(default=16, ge=1, le=256)
    # Chat requests (Slack and Teams) answered in a child process with its own event loop and
    # store connections, so their CPU never sits between a request and its ack. Off: answered
    # in this process (one process fewer; acks then wait behind answers under a burst).
    answer_process: bool = True

    @property
    def llm_configured(self) -> bool:
        """Whether any LLM endpoint or key is set (else briefbot summarises offline)."""
        return bool(
            self.llm_base_url
            or self.llm_api_key.get_secret_value()
            or self.openai_api_key.get_secret_value()
            or self.azure_openai_endpoint
        )

    @field_validator("teams_webhooks", mode="before")
    @classmethod
    def _webhooks(cls, value: Any) -> Any:
        if not isinstance(value, str):
            return value
        hooks = {}
        for pair in value.replace("\n", ",").split(","):
            if not pair.strip():
                continue
            name, sep, url = pair.strip().partition("=")
            if not sep or not name.strip() or not url.strip().startswith("https://"):
                raise ValueError("must be name=https://… pairs separated by commas")
            hooks[name.strip()] = url.strip()
        return hooks

    @property
    def teams_bot_enabled(self) -> bool:
        return bool(self.microsoft_app_id or self.teams_anonymous)

    @property
    def slack_socket_mode(self) -> bool:
        """Socket Mode when an app-level token is set, else HTTP (Events API)."""
        return bool(self.slack_app_token.get_secret_value())

    @field_validator("workers", mode="before")
    @classmethod
    def _default_workers(cls, value: Any) -> Any:
        return default_workers() if value is None or value == "" else value

    @field_validator("allow_hosts", mode="before")
    @classmethod
    def _split_hosts(cls, value: Any) -> Any:
        if isinstance(value, str):
            return tuple(h.strip() for h in value.split(",") if h.strip())
        return value

    def resolved_database_url(self) -> str:
        """The SQLAlchemy async URL: the configured one, else SQLite under data_dir."""
        url = self.database_url.strip()
        if not url:
            return f"sqlite+aiosqlite:///{(self.data_dir / 'briefbot.db').as_posix()}"
        return async_database_url(url)


def async_database_url(url: str) -> str:
    """Map a plain database URL onto the async driver briefbot uses for it."""
    for plain, async_ in (
        ("sqlite://", "sqlite+aiosqlite://"),
        ("postgresql://", "postgresql+asyncpg://"),
        ("postgres://", "postgresql+asyncpg://"),
    ):
        if url.startswith(plain):
            return async_ + url[len(plain) :]
    return url


def load_settings(**overrides: Any) -> Settings:
    """Read settings once; invalid values become a ConfigError naming the variable."""
    try:
        return Settings(**overrides)
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "_".join(str(p) for p in first["loc"]).upper()
        if not name.startswith(("BRIEFBOT_", "OPENAI_", "AZURE_")):
            name = "BRIEFBOT_" + name
        raise ConfigError(f"{name}: {first['msg']}. Fix the variable or remove it.") from None


# --------------------------------------------------------------------------- topics file

_NAME_RE = re.compile(r"^[a-z0-9][a-z0-9-]{0,63}$")


def check_settings(settings: Settings) -> str | None:
    """Slack's transport ("http", "socket", or None when Slack is not set up); a ConfigError
    when no chat platform is set up at all, or one is set up halfway."""
    teams = settings.teams_bot_enabled or bool(settings.teams_webhooks)
    if teams and not settings.slack_bot_token.get_secret_value():
        if settings.teams_bot_enabled:
            check_teams_settings(settings)
        return None
    mode = check_slack_settings(settings)
    if settings.teams_bot_enabled:
        check_teams_settings(settings)
    return mode


def check_slack_settings(settings: Settings) -> str:
    """The transport to use ("http" or "socket"), or a ConfigError saying what to set."""
    if not settings.slack_bot_token.get_secret_value():
        raise ConfigError(
            "no chat platform is set up: for Slack, create the app from "
            "deploy/slack-manifest.yaml and set SLACK_BOT_TOKEN (xoxb-…); for Teams, see "
            "deploy/teams/README.md (MICROSOFT_APP_ID or BRIEFBOT_TEAMS_WEBHOOKS)"
        )
    if settings.slack_socket_mode:
        return "socket"
    if not settings.slack_signing_secret.get_secret_value():
        raise ConfigError(
            "set SLACK_SIGNING_SECRET (HTTP mode) or SLACK_APP_TOKEN (Socket Mode); "
            "both are on the Slack app's Basic Information page"
        )
    return "http"


def check_teams_settings(settings: Settings) -> None:
    """A ConfigError when the Teams bot's settings are unsafe or incomplete."""
    if settings.teams_anonymous:
        if settings.environment == "production":
            raise ConfigError(
                "BRIEFBOT_TEAMS_ANONYMOUS accepts unauthenticated Teams activities and is "
                "refused in production; set MICROSOFT_APP_ID and MICROSOFT_APP_PASSWORD instead "
                "(or BRIEFBOT_ENVIRONMENT=development on a developer machine)"
            )
        return
    if not settings.microsoft_app_password.get_secret_value():
        raise ConfigError(
            "MICROSOFT_APP_ID is set but MICROSOFT_APP_PASSWORD is not: copy the client secret "
            "of the Azure bot registration into .env"
        )


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class QueryConfig(_Strict):
    must: tuple[str, ...] = ()
    may: tuple[str, ...] = ()
    must_not: tuple[str, ...] = ()
    min_score: float = Field(default=0.2, ge=0, le=1)


class FeedSource(_Strict):
    kind: Literal["feed"]
    url: str
    name: str | None = None

    @property
    def key(self) -> str:
        return f"feed:{self.url}"


class PageSource(_Strict):
    kind: Literal["page"]
    url: str
    name: str | None = None
    link_pattern: str | None = None

    @field_validator("link_pattern")
    @classmethod
    def _valid_regex(cls, value: str | None) -> str | None:
        if value is not None:
            try:
                re.compile(value)
            except re.error as exc:
                raise ValueError(f"not a valid regular expression ({exc.msg})") from None
        return value

    @property
    def key(self) -> str:
        return f"page:{self.url}"


class SitemapSource(_Strict):
    kind: Literal["sitemap"]
    url: str
    name: str | None = None

    @property
    def key(self) -> str:
        return f"sitemap:{self.url}"


class SearchSource(_Strict):
    """A news-search query; GDELT's DOC 2.0 API is the built-in provider."""

    kind: Literal["search"]
    query: str
    provider: Literal["gdelt"] = "gdelt"
    endpoint: str = "https://api.gdeltproject.org/api/v2/doc/doc"
    timespan: str = "1d"
    name: str | None = None

    @property
    def url(self) -> str:
        return self.endpoint

    @property
    def key(self) -> str:
        return f"search:{self.provider}:{self.query}"


class FolderSource(_Strict):
    kind: Literal["folder"]
    path: Path
    name: str | None = None

    @property
    def url(self) -> str:
        return self.path.resolve().as_uri()

    @property
    def key(self) -> str:
        return f"folder:{self.path}"


SourceConfig = Annotated[
    FeedSource | PageSource | SitemapSource | SearchSource | FolderSource,
    Field(discriminator="kind"),
]


def source_label(source: SourceConfig) -> str:
    """A short display name for a source."""
    if source.name:
        return source.name
    if isinstance(source, SearchSource):
        return f"{source.provider}: {source.query}"
    if isinstance(source, FolderSource):
        return f"folder {source.path.name}"
    return source.url


class ChannelConfig(_Strict):
    platform: Literal["slack", "teams"] = "slack"
    channel: str
    time: str = "08:00"
    timezone: str = "UTC"

    @field_validator("time")
    @classmethod
    def _valid_time(cls, value: str) -> str:
        try:
            time.fromisoformat(value)
        except ValueError:
            raise ValueError('must be a local time as HH:MM, e.g. "08:30"') from None
        return value

    @field_validator("timezone")
    @classmethod
    def _valid_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(
                f'{value!r} is not a known time zone; use an IANA name like "Europe/Brussels"'
            ) from None
        return value


class TopicConfig(_Strict):
    name: str
    title: str = ""
    query: QueryConfig = QueryConfig()
    sources: tuple[SourceConfig, ...] = ()
    channels: tuple[ChannelConfig, ...] = ()

    @field_validator("name")
    @classmethod
    def _valid_name(cls, value: str) -> str:
        if not _NAME_RE.match(value):
            raise ValueError('must be lowercase letters, digits and dashes, e.g. "eu-us-steel"')
        return value

    @property
    def display_title(self) -> str:
        return self.title or self.name

    @property
    def timezone(self) -> str:
        """The zone relative dates in questions are read in: the first channel's, else UTC."""
        return self.channels[0].timezone if self.channels else "UTC"


class BriefbotConfig(_Strict):
    topics: tuple[TopicConfig, ...] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_names(self) -> BriefbotConfig:
        names = [t.name for t in self.topics]
        dupes = sorted({n for n in names if names.count(n) > 1})
        if dupes:
            raise ValueError(f"topic names must be unique; repeated: {', '.join(dupes)}")
        return self

    def topic(self, name: str | None) -> list[TopicConfig]:
        """The named topic (or every topic when name is None)."""
        if name is None:
            return list(self.topics)
        for topic in self.topics:
            if topic.name == name:
                return [topic]
        known = ", ".join(t.name for t in self.topics)
        raise ConfigError(f"no topic named {name!r}; the config file has: {known}")


def _location(loc: tuple[int | str, ...], data: Mapping[str, Any]) -> str:
    """Render a pydantic error location as `topics[0] (eu-us-steel).sources[1].kind`."""
    parts: list[str] = []
    node: Any = data
    for item in loc:
        if isinstance(item, int):
            parts[-1:] = [f"{parts[-1] if parts else ''}[{item}]"]
            node = node[item] if isinstance(node, list) and item < len(node) else None
            if isinstance(node, dict) and isinstance(node.get("name"), str) and len(parts) == 1:
                parts[-1] += f" ({node['name']})"
        else:
            if isinstance(node, dict) and item not in node and item in _SOURCE_KINDS:
                continue  # pydantic's discriminator tag; the user never wrote it
            parts.append(item)
            node = node.get(item) if isinstance(node, dict) else None
    return ".".join(parts) or "(top level)"


_SOURCE_KINDS = {"feed", "page", "sitemap", "search", "folder"}

_FIXES = {
    "missing": "add it",
    "extra_forbidden": "remove it or check its spelling",
    "union_tag_invalid": "use one of: feed, page, sitemap, search, folder",
    "union_tag_not_found": 'add kind = "feed" (or page, sitemap, search, folder)',
    "too_short": "add at least one [[topics]] table",
}


def parse_config(
    text: str, *, origin: str = "briefbot.toml", base_dir: Path | None = None
) -> BriefbotConfig:
    """Parse and validate a topics file; folder paths are made relative to base_dir."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as exc:
        raise ConfigError(f"{origin}: not valid TOML: {exc}. Fix the syntax there.") from None
    try:
        config = BriefbotConfig.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        # A misspelt key shows up as "extra" plus "missing": the extra one is the real cause.
        err = next((e for e in errors if e["type"] == "extra_forbidden"), errors[0])
        where = _location(tuple(err["loc"]), data)
        msg = err["msg"].removeprefix("Value error, ")
        fix = _FIXES.get(err["type"])
        if err["type"] == "extra_forbidden":
            parent = err["loc"][:-1]
            missing = [
                str(e["loc"][-1])
                for e in errors
                if e["type"] == "missing" and e["loc"][:-1] == parent
            ]
            close = difflib.get_close_matches(str(err["loc"][-1]), missing, n=1)
            if close:
                fix = f"rename it to {close[0]!r}"
        more = f" (and {exc.error_count() - 1} more)" if exc.error_count() > 1 else ""
        hint = f"; fix: {fix}" if fix else ""
        raise ConfigError(f"{origin}: {where}: {msg}{hint}{more}") from None
    if base_dir is not None:
        config = _rebase_folders(config, base_dir)
    return config


def _rebase_folders(config: BriefbotConfig, base_dir: Path) -> BriefbotConfig:
    topics = []
    for topic in config.topics:
        sources = tuple(
            s.model_copy(update={"path": base_dir / s.path})
            if isinstance(s, FolderSource) and not s.path.is_absolute()
            else s
            for s in topic.sources
        )
        topics.append(topic.model_copy(update={"sources": sources}))
    return config.model_copy(update={"topics": tuple(topics)})


def load_config(path: Path) -> BriefbotConfig:
    """Read the topics file at path."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigError(
            f"{path}: no such file. Run `briefbot init` to write a starter file, "
            "or set BRIEFBOT_CONFIG to your file."
        ) from None
    except (OSError, UnicodeDecodeError) as exc:
        reason = exc.strerror if isinstance(exc, OSError) else "not UTF-8 text"
        raise ConfigError(f"{path}: cannot read the file ({reason}).") from None
    return parse_config(text, origin=str(path), base_dir=path.resolve().parent)
