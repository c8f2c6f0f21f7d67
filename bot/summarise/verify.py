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
from bot.text.match import found_words as _found
from bot.text.match import is_verbatim as is_verbatim
from bot.text.match import normalise_for_match as normalise_for_match
from bot.text.match import quote_needle as _needle


def verify_quotes(quotes: Iterable[Quote], article_text: str) -> tuple[list[Quote], int]:
    """Keep verbatim quotes once each, count the dropped ones, and unset unknown speakers."""
    haystack = normalise_for_match(article_text)
    folded = haystack.casefold()
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
        # A name the article does not contain is a guess, not a speaker. (Case is folded: a
        # description may start a sentence in the article, "A spokesman for …".)
        if speaker is not None and not _found(normalise_for_match(speaker).casefold(), folded):
            speaker = None
        kept.append(Quote(quote.text, speaker, quote.sentence_id))
    return kept, dropped
