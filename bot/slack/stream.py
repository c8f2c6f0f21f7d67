"""Answers that appear as they are written: Slack's `chat.startStream` / `chat.appendStream` /
`chat.stopStream`, fed the answer engine's checked text one sentence at a time (never a
model's raw tokens), the sources and feedback buttons added when the stream stops.

Where Slack refuses the streaming methods (an older workspace or plan: `unknown_method` …)
the caller posts the whole answer instead, and this app stops trying.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Sequence

from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.slack.render import Block, escape
from bot.text.sentences import split_sentences

log = logging.getLogger(__name__)

# What Slack answers when streaming is not there for this app or workspace.
UNAVAILABLE = {
    "unknown_method",
    "method_deprecated",
    "not_allowed_token_type",
    "missing_scope",
    "feature_not_enabled",
    "team_not_allowed",
    "not_supported",
}


def stream_chunks(text: str, links: dict[int, str]) -> list[str]:
    """The checked answer as markdown, one chunk per sentence, `[n]` linked to its source
    (pure). Slack's markup characters are escaped, so a quoted `<!channel>` stays inert."""
    chunks = []
    for sentence in split_sentences(text):
        shown = escape(" ".join(sentence.text.split()))
        shown = re.sub(
            r"\[(\d+)\]",
            lambda m: (
                f"[[{m.group(1)}]]({links[int(m.group(1))]})"
                if int(m.group(1)) in links
                else m.group(0)
            ),
            shown,
        )
        chunks.append(shown + " ")
    if not chunks and text.strip():
        chunks.append(escape(text.strip()))
    return chunks


class Streamer:
    """Streams answers while Slack allows it (one per app: a refusal is remembered)."""

    def __init__(self, client: AsyncWebClient) -> None:
        self.client = client
        self.available = True

    async def stream(
        self,
        *,
        channel: str,
        thread_ts: str,
        chunks: Sequence[str],
        final_blocks: Sequence[Block],
        team: str | None = None,
        user: str | None = None,
    ) -> bool:
        """Stream the chunks into the thread and close with `final_blocks`; False when
        streaming is not available (nothing was posted)."""
        if not self.available or not chunks:
            return False
        try:
            started = await self.client.chat_startStream(
                channel=channel,
                thread_ts=thread_ts,
                markdown_text=chunks[0],
                recipient_team_id=team if team and user else None,
                recipient_user_id=user if team and user else None,
            )
        except SlackApiError as exc:
            code = exc.response.get("error") if exc.response is not None else None
            if code in UNAVAILABLE:
                log.info("Slack streaming is not available here (%s): posting answers whole", code)
                self.available = False
                return False
            raise
        ts = str(started["ts"])
        for chunk in chunks[1:]:
            await self.client.chat_appendStream(channel=channel, ts=ts, markdown_text=chunk)
        await self.client.chat_stopStream(channel=channel, ts=ts, blocks=list(final_blocks) or None)
        return True
