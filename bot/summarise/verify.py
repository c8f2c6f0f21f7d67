"""The verbatim check every quote passes before anyone sees it (offline and LLM summaries).

A quote is kept only if its text is a substring of the article after normalising white space
and quotation marks; a speaker is kept only if that name appears in the article. Nothing here
invents or repairs a quote: it keeps or drops.
"""

from __future__ import annotations

from collections.abc import Iterable

from bot.models import Quote

_MARKS = str.maketrans(
    {
        "“": '"',
        "”": '"',
        "„": '"',
        "‟": '"',
        "«": '"',
        "»": '"',
        "″": '"',
        "‘": "'",
        "’": "'",
        "‚": "'",
        "‛": "'",
        "′": "'",
        "\u00a0": " ",
        "\u2009": " ",
        "\u202f": " ",
        "\u2007": " ",
        "–": "-",
        "—": "-",
        "‐": "-",
        "‑": "-",
        "…": "...",
    }
)


def normalise_for_match(text: str) -> str:
    """Straight quotes and dashes, one space for any run of white space (case kept)."""
    return " ".join(text.translate(_MARKS).split())


def is_verbatim(quote: str, article_text: str) -> bool:
    """Whether the quote appears word for word in the article."""
    needle = normalise_for_match(quote).strip(" \"'")
    return bool(needle) and needle in normalise_for_match(article_text)


def verify_quotes(quotes: Iterable[Quote], article_text: str) -> tuple[list[Quote], int]:
    """Keep verbatim quotes (once each); drop the rest and count them. A speaker whose name is
    not in the article is replaced by None rather than trusted."""
    haystack = normalise_for_match(article_text)
    kept: list[Quote] = []
    seen: set[str] = set()
    dropped = 0
    for quote in quotes:
        needle = normalise_for_match(quote.text).strip(" \"'")
        if not needle or needle not in haystack:
            dropped += 1
            continue
        if needle in seen:
            continue
        seen.add(needle)
        speaker = quote.speaker
        if speaker is not None and normalise_for_match(speaker) not in haystack:
            speaker = None
        kept.append(Quote(quote.text, speaker, quote.sentence_id))
    return kept, dropped
