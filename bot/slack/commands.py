"""Slack's message markup read back as plain text (pure), before the one parser
(`bot.chat.read_intent`) reads what a command, mention or message asks for."""

from __future__ import annotations

import re

_SLACK_ESCAPE = re.compile(r"<([^<>]*)>")


def slack_to_plain(text: str) -> str:
    """Slack's message markup read back as the text the user typed: links become their URL,
    user mentions are dropped (the bot's own mention starts most questions), channels and
    specials become words, and &amp; &lt; &gt; are decoded. Pure."""

    def repl(match: re.Match[str]) -> str:
        inner = match.group(1)
        target, _, label = inner.partition("|")
        if target.startswith("@"):
            return ""
        if target.startswith("#"):
            return f"#{label or target[1:]}"
        if target.startswith("!"):
            return f"@{(label or target[1:]).split('^')[0]}"
        if target.startswith("mailto:"):
            return label or target[len("mailto:") :]
        return target

    plain = _SLACK_ESCAPE.sub(repl, text)
    plain = plain.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    return " ".join(plain.split()) if "\n" not in plain else plain.strip()


_URL = re.compile(r"https?://[^\s<>|]+", re.IGNORECASE)


def first_url(text: str) -> str | None:
    """The first http(s) URL in a message's plain text, if any."""
    match = _URL.search(text)
    return match.group(0).rstrip(".,;:!?)\"'") if match else None
