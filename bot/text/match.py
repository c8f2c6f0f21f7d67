"""Matching text as people read it: quotation marks, apostrophes, dashes and white space made
uniform, case kept. Pure; the verbatim check of every quote rests on it.
"""

from __future__ import annotations

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


def quote_needle(quote: str) -> str:
    # The marks around a quote and a trailing comma are punctuation of the sentence around it.
    return normalise_for_match(quote).strip(" \"'").rstrip(",").rstrip()


def found_words(needle: str, haystack: str) -> bool:
    """Whether `needle` occurs in `haystack` starting and ending on word boundaries."""
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
    return found_words(quote_needle(quote), normalise_for_match(article_text))
