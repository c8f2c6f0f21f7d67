"""Untrusted text made safe to show in a chat message, whatever wrote it (an article, a user,
a model). Pure; every renderer's escaping starts here.

- Invisible controls go: bidirectional overrides and isolates (which can make text read
  backwards, "‮lmth.exe"), zero-width spaces and joiners, word joiners and byte-order marks.
  Zero-width joiners and non-joiners stay between letters of scripts that need them (Persian,
  Indic scripts) and inside emoji sequences.
- Nothing URL-like stays linkable: Slack and Teams turn a bare `https://…`, `www.…`, a domain
  or an e-mail address into a live link, so their dots, `://` and `@` are bracketed
  (`evil[.]example/login`): still readable, never clickable. Links in messages are built only
  from stored source URLs, by the renderers, after this.
- `@here`, `@channel` and other handles lose their power (a full-width ＠).
"""

from __future__ import annotations

import re
import unicodedata

# Bidi embeddings/overrides/isolates, directional marks, zero-width space, word joiner, BOM,
# Mongolian vowel separator, soft hyphen's invisible cousins.
_ALWAYS = re.compile("[\u202a-\u202e\u2066-\u2069\u200e\u200f\u061c\u200b\u2060\ufeff\u180e]")
_JOINERS = re.compile("[\u200c\u200d]")
_SCHEME = re.compile(r"\b([a-z][a-z0-9+.-]{1,15}):(/{1,3})", re.IGNORECASE)
_EMAIL = re.compile(r"([\w.+-]+)@([\w-]+(?:\.[\w-]+)+)")
_DOMAIN = re.compile(
    r"\b((?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,24})\b(?![\w-])",
    re.IGNORECASE,
)
_WWW = re.compile(r"\bwww\.", re.IGNORECASE)
_HANDLE = re.compile(r"(?<![\w\[])@(?=\w)")


def _keeps_joiner(text: str, at: int) -> bool:
    """A ZWJ/ZWNJ between two letters of a non-Latin script, or inside an emoji sequence."""
    before = text[at - 1] if at > 0 else ""
    after = text[at + 1] if at + 1 < len(text) else ""
    if not before or not after:
        return False
    if before.isalpha() and after.isalpha() and (ord(before) > 0x2FF or ord(after) > 0x2FF):
        return True
    return text[at] == "\u200d" and (
        unicodedata.category(before) == "So" or unicodedata.category(after) == "So"
    )


def strip_invisible(text: str) -> str:
    """Without bidi controls and zero-width characters (legitimate joiners kept)."""
    text = _ALWAYS.sub("", text)
    if "\u200c" not in text and "\u200d" not in text:
        return text
    return _JOINERS.sub(lambda m: m.group(0) if _keeps_joiner(text, m.start()) else "", text)


def defang(text: str) -> str:
    """URLs, domains, e-mail addresses and handles made unclickable but readable."""
    text = _SCHEME.sub(lambda m: f"{m.group(1)}[:]{m.group(2)}", text)
    text = _EMAIL.sub(lambda m: f"{m.group(1)}[@]{m.group(2).replace('.', '[.]')}", text)
    text = _WWW.sub(lambda m: m.group(0)[:3] + "[.]", text)
    text = _DOMAIN.sub(lambda m: m.group(1).replace(".", "[.]"), text)
    return _HANDLE.sub("＠", text)


def safe_text(text: str) -> str:
    """Untrusted text as it may appear in a message: invisible controls gone, nothing
    linkable, white space folded."""
    return " ".join(defang(strip_invisible(text)).split())
