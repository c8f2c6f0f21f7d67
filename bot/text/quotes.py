"""Quotation spans: where quotations start and end in a text. Pure, linear, no attribution.

Typographic “…”, straight "…", «…», „…“ and single ‘…’ (only when it is plainly a quotation,
never an apostrophe), including quotes that run over several sentences. A quote left open at
the end of a paragraph ends there: the newspaper convention for a quote that goes on in the
next paragraph. Who said a quotation is the summariser's business, not this module's.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

_PAIRS = {"“": "”", "«": "»", "„": "“", "‘": "’", '"': '"'}
_OPENERS = re.compile('[“«„‘"]')


@dataclass(frozen=True, slots=True)
class Span:
    start: int  # of the quoted text (inside the marks)
    end: int
    open_at: int  # of the opening mark
    close_at: int  # just after the closing mark (or the paragraph's end)
    closed: bool


def spans(text: str) -> list[Span]:
    """Quotation spans, paragraph by paragraph, never nested; linear time."""
    spans: list[Span] = []
    for para in re.finditer(r"[^\n]+", text):
        p_start, p_end = para.start(), para.end()
        no_single_closer = False  # once a ‘ finds no closer, no later ‘ in the line will
        i = p_start
        while i < p_end:
            opener = _OPENERS.search(text, i, p_end)
            if opener is None:
                break
            i = opener.start()
            ch = text[i]
            closer = _PAIRS[ch]
            if ch == "‘":
                j = -1 if no_single_closer else _single_closer(text, i, p_start, p_end)
                if j == -1:
                    no_single_closer = no_single_closer or _opens_single(text, i, p_start, p_end)
                    i += 1
                    continue
            else:
                j = text.find(closer, i + 1, p_end)
            close_at = j + 1 if j != -1 else p_end
            inner_end = j if j != -1 else p_end
            if inner_end > i + 1:
                spans.append(Span(i + 1, inner_end, i, close_at, j != -1))
            i = close_at
    return spans


def _opens_single(text: str, i: int, p_start: int, p_end: int) -> bool:
    """Whether a ‘ at i could open a quotation (not "rock ‘n’ roll", not "the ‘90s")."""
    before = text[i - 1] if i > p_start else " "
    after = text[i + 1] if i + 1 < p_end else " "
    return not before.isalnum() and not after.isspace() and not after.isdigit()


def _single_closer(text: str, i: int, p_start: int, p_end: int) -> int:
    """The ’ closing a ‘ at i, or -1: a ’ with a letter after it is an apostrophe."""
    if not _opens_single(text, i, p_start, p_end):
        return -1
    j = text.find("’", i + 1, p_end)
    while j != -1 and j + 1 < p_end and text[j + 1].isalpha():
        j = text.find("’", j + 1, p_end)
    return j


def quoted_regions(text: str) -> list[str]:
    """The text inside every pair of quotation marks (what may be shown as a quote)."""
    return [text[span.start : span.end] for span in spans(text)]


def quotation_spans(text: str) -> list[tuple[int, int]]:
    """(start, end) of every quotation, marks included, in order and never overlapping."""
    return [(span.open_at, span.close_at) for span in spans(text)]
