"""`respond()` over the app's one HTTP session, instead of a new one per call.

Bolt's `respond` builds a webhook client per call, and slack_sdk opens an aiohttp session for
it (a connection, and against Slack a TLS handshake) and closes it after the one POST: tens of
milliseconds of CPU for every answer, on the event loop that acknowledges Slack's next
requests. `PooledResponses` gives each request that has a response URL a `respond` that posts
through the Web API client's session instead (`build_app` gives the client one), so answers
reuse its kept-alive connections. Same arguments, same message, same `WebhookResponse`.

Must not: change what is posted, or outlive the session's owner (`wiring.open_app` closes it).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Sequence
from typing import Any

import aiohttp
from slack_bolt.context.respond.async_respond import AsyncRespond
from slack_bolt.middleware.async_middleware import AsyncMiddleware
from slack_bolt.request.async_request import AsyncBoltRequest
from slack_bolt.response import BoltResponse
from slack_sdk.models.attachments import Attachment
from slack_sdk.models.blocks import Block
from slack_sdk.webhook import WebhookResponse
from slack_sdk.webhook.async_client import AsyncWebhookClient


class PooledRespond(AsyncRespond):
    """Bolt's `respond` for one response URL, posting through a shared aiohttp session."""

    def __init__(self, *, response_url: str, session: aiohttp.ClientSession) -> None:
        super().__init__(response_url=response_url)
        self.session = session

    async def __call__(
        self,
        text: str | dict[str, Any] = "",
        blocks: Sequence[dict[str, Any] | Block] | None = None,
        attachments: Sequence[dict[str, Any] | Attachment] | None = None,
        response_type: str | None = None,
        replace_original: bool | None = None,
        delete_original: bool | None = None,
        unfurl_links: bool | None = None,
        unfurl_media: bool | None = None,
        thread_ts: str | None = None,
        metadata: dict[str, Any] | None = None,
    ) -> WebhookResponse:
        if isinstance(text, dict):  # a whole message, as Bolt's respond takes it
            return await self(**text)
        message: dict[str, Any] = {"text": text}
        optional = {
            "blocks": [b.to_dict() if isinstance(b, Block) else b for b in blocks or ()] or None,
            "attachments": [
                a.to_dict() if isinstance(a, Attachment) else a for a in attachments or ()
            ]
            or None,
            "response_type": response_type,
            "replace_original": replace_original,
            "delete_original": delete_original,
            "unfurl_links": unfurl_links,
            "unfurl_media": unfurl_media,
            "thread_ts": thread_ts,
            "metadata": metadata,
        }
        message.update((k, v) for k, v in optional.items() if v is not None)
        return await self._post(message)

    async def _post(self, message: dict[str, Any]) -> WebhookResponse:
        assert self.response_url is not None
        # A response URL is no Web API method: it needs no scope (tests/slack/test_manifest.py).
        hook = AsyncWebhookClient(url=self.response_url, session=self.session)
        return await hook.send_dict(message)


class PooledResponses(AsyncMiddleware):
    """Gives each request with a response URL a `PooledRespond` on `session`."""

    def __init__(self, session: aiohttp.ClientSession) -> None:
        self.session = session

    async def async_process(
        self,
        *,
        req: AsyncBoltRequest,
        resp: BoltResponse,
        next: Callable[[], Awaitable[BoltResponse]],
    ) -> BoltResponse | None:
        url = req.context.response_url
        if url:
            req.context["respond"] = PooledRespond(response_url=url, session=self.session)
        return await next()
