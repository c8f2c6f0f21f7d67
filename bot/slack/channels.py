"""Slack channel names to channel ids: Slack sends ids in every event, and
`conversations.history`/`conversations.replies` take nothing else, so every delivery, claim
and thread lookup uses the id; briefbot.toml may name a channel (`#trade-desk`).

    channels = ChannelResolver(client)
    await channels.channel_id("#trade-desk")     # "C0TRADE" (an id is returned as it is)
    config = await resolve_config(config, channels)   # briefbot.toml's Slack channels as ids

Names are looked up with `conversations.list` (public and private channels the bot can see,
paged with a cursor) once, then from the cache; a name the cache does not know, or a
`channel_not_found` from Slack (`forget()`), refreshes it; a `channel_rename` event updates it.
It never posts anything.
"""

from __future__ import annotations

import logging
import re

from aiohttp import ClientError
from slack_sdk.errors import SlackApiError, SlackRequestError
from slack_sdk.web.async_client import AsyncWebClient

from bot.config import BriefbotConfig
from bot.errors import ConfigError, DeliveryError, RequestError

log = logging.getLogger(__name__)

# C… public channels, G… private ones (older), D… direct messages.
_ID = re.compile(r"[CGD][A-Z0-9]{2,}")
LIST_PAGES = 50  # at most 50 × 200 channels are looked through


def is_channel_id(value: str) -> bool:
    """Whether a channel is given by its Slack id (pure)."""
    return _ID.fullmatch(value) is not None


def channel_name(value: str) -> str:
    """A channel name as Slack lists it: no leading `#`, lowercase (pure)."""
    return value.strip().removeprefix("#").lower()


class ChannelResolver:
    """Channel names to ids (and back), cached; refreshed when a name is not known."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self._ids: dict[str, str] = {}  # name → id
        self._loaded = False

    async def channel_id(self, channel: str) -> str:
        """The id of a channel given by id or name; RequestError when no channel has it."""
        if is_channel_id(channel):
            return channel
        name = channel_name(channel)
        if not self._loaded or name not in self._ids:
            await self.refresh()
        found = self._ids.get(name)
        if found is None:
            raise RequestError(
                f"there is no Slack channel #{name} that briefbot can see "
                "(check the name, or invite briefbot to the private channel)"
            )
        return found

    async def name_of(self, channel_id: str) -> str | None:
        """The name of a channel id, from the cache (loaded once if it is empty)."""
        if not self._loaded:
            await self.refresh()
        return next((n for n, i in self._ids.items() if i == channel_id), None)

    def renamed(self, channel_id: str, name: str) -> None:
        """A `channel_rename` event: the id keeps its place under its new name."""
        self._ids = {n: i for n, i in self._ids.items() if i != channel_id}
        self._ids[channel_name(name)] = channel_id

    def forget(self) -> None:
        """Slack said `channel_not_found`: look every name up again next time."""
        self._loaded = False

    async def refresh(self) -> None:
        """Every channel the bot can see, page by page."""
        ids: dict[str, str] = {}
        cursor: str | None = None
        try:
            for _ in range(LIST_PAGES):
                page = await self.client.conversations_list(
                    types="public_channel,private_channel",
                    exclude_archived=True,
                    limit=200,
                    cursor=cursor,
                )
                for channel in page.get("channels") or []:
                    ids[channel_name(str(channel["name"]))] = str(channel["id"])
                cursor = (page.get("response_metadata") or {}).get("next_cursor") or None
                if not cursor:
                    break
        except SlackApiError as exc:
            code = exc.response.get("error") if exc.response is not None else None
            raise DeliveryError(f"Slack refused the request ({code or 'unknown error'})") from exc
        except (SlackRequestError, ClientError, TimeoutError) as exc:
            raise DeliveryError("Slack could not be reached to look up channel names") from exc
        self._ids = ids
        self._loaded = True


async def resolve_config(config: BriefbotConfig, channels: ChannelResolver) -> BriefbotConfig:
    """briefbot.toml with its Slack channels given by id; a name no channel has is a
    ConfigError naming it (one line, at start-up)."""
    topics = []
    for topic in config.topics:
        resolved = []
        for channel in topic.channels:
            if channel.platform != "slack" or is_channel_id(channel.channel):
                resolved.append(channel)
                continue
            try:
                found = await channels.channel_id(channel.channel)
            except RequestError as exc:
                raise ConfigError(f"topic {topic.name}: {exc.reason}") from None
            except DeliveryError as exc:
                raise ConfigError(
                    f"topic {topic.name}: could not look up Slack channel "
                    f"{channel.channel} ({exc.reason})"
                ) from None
            log.info("Slack channel %s is %s", channel.channel, found)
            resolved.append(channel.model_copy(update={"channel": found}))
        topics.append(topic.model_copy(update={"channels": tuple(resolved)}))
    return config.model_copy(update={"topics": tuple(topics)})


async def channel_labels(config: BriefbotConfig, channels: ChannelResolver) -> dict[str, str]:
    """For display: each Slack channel of briefbot.toml (and its id) as `#name (id)`."""
    labels: dict[str, str] = {}
    for topic in config.topics:
        for channel in topic.channels:
            if channel.platform != "slack":
                continue
            if is_channel_id(channel.channel):
                name = await channels.name_of(channel.channel)
                label = f"#{name} ({channel.channel})" if name else channel.channel
                labels[channel.channel] = label
            else:
                found = await channels.channel_id(channel.channel)
                label = f"#{channel_name(channel.channel)} ({found})"
                labels[channel.channel] = labels[found] = label
    return labels
