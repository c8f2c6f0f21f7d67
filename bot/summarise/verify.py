"""The verbatim check every quote passes before anyone sees it, whoever produced the quote.

A quote is kept only if its words appear in the article in the same order, after white space,
quotation marks, apostrophes and dashes are made uniform, and starting and ending on word
boundaries (so "productive" is not found inside "unproductive"). Case is kept: a quote is
verbatim or it is not. A speaker is kept only if that name appears in the article.

Nothing here repairs, shortens or invents a quote or a speaker: it keeps or drops.
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
        "\u00ad": None,  # a soft hyphen is invisible: it must not make a quote differ
        "\u200b": None,
    }
)


def normalise_for_match(text: str) -> str:
    """Straight quotes, apostrophes and dashes; one space for any run of white space; case kept."""
    return " ".join(text.translate(_MARKS).split())


def _needle(quote: str) -> str:
    # The marks around a quote and a trailing comma are punctuation of the sentence around it.
    return normalise_for_match(quote).strip(" \"'").rstrip(",").rstrip()


def _found(needle: str, haystack: str) -> bool:
    if not needle:
        return False
    check_left, check_right = _is_word(needle[0]), _is_word(needle[-1])
    at = haystack.find(needle)
    while at != -1:
        end = at + len(needle)
        if not (check_left and at > 0 and _is_word(haystack[at - 1])) and not (
            check_right and end < len(haystack) and _is_word(haystack[end])
        ):
            return True
        at = haystack.find(needle, at + 1)
    return False


def _is_word(char: str) -> bool:
    return char.isalnum() or char == "_"


def is_verbatim(quote: str, article_text: str) -> bool:
    """Whether the quote appears word for word in the article."""
    return _found(_needle(quote), normalise_for_match(article_text))


def verify_quotes(quotes: Iterable[Quote], article_text: str) -> tuple[list[Quote], int]:
    """Keep verbatim quotes once each, count the dropped ones, and unset unknown speakers."""
    haystack = normalise_for_match(article_text)
    kept: list[Quote] = []
    seen: set[str] = set()
    dropped = 0
    for quote in quotes:
        needle = _needle(quote.text)
        if needle not in seen and not _found(needle, haystack):
            dropped += 1
            continue
        if needle in seen:
            continue
        seen.add(needle)
        speaker = (quote.speaker or "").strip() or None
        if speaker is not None and not _found(normalise_for_match(speaker), haystack):
            speaker = None  # a name the article does not contain is a guess, not a speaker
        kept.append(Quote(quote.text, speaker, quote.sentence_id))
    return kept, dropped
