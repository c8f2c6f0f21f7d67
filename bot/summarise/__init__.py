"""Summarising articles into key points and verbatim quotes with speakers.

`Summariser` is the seam: the offline summariser (rules, no network) and the LLM-backed one.
Whatever produces a summary, its quotes go through `verify_quotes` before anyone sees them;
nothing in this package may invent a quote or a speaker, or show one it could not verify.
"""

from __future__ import annotations

from typing import Protocol

from bot.models import Summary
from bot.summarise.attribution import extract_quotes
from bot.summarise.offline import (
    OFFLINE_VERSION,
    OfflineSummariser,
    rank_key_points,
    summarise_text,
)
from bot.summarise.verify import is_verbatim, normalise_for_match, verify_quotes
from bot.text.sentences import split_sentences


class Summariser(Protocol):
    """Turns one article into a Summary; `name` and `prompt_version` are stored with it."""

    name: str
    prompt_version: str

    async def summarise(self, *, title: str, text: str) -> Summary: ...


__all__ = [
    "OFFLINE_VERSION",
    "OfflineSummariser",
    "Summariser",
    "extract_quotes",
    "is_verbatim",
    "normalise_for_match",
    "rank_key_points",
    "split_sentences",
    "summarise_text",
    "verify_quotes",
]
