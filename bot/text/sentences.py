"""Sentence splitting by rules, for key points, quote positions and the LLM's numbered text.

A sentence ends at `.`, `!`, `?` or `…` (with any closing quotation marks or brackets) when
white space and something that can open a sentence follow, unless the word before the stop is
an abbreviation, an initial or a number label. Blank lines always end a sentence; a single line
break does too unless the text is plainly wrapped (the next line goes on in lower case). A
dateline (`BRUSSELS (Wirepoint) —`) is a sentence of its own, so the sentence after it starts
with the news. Offsets point into the original text: `text[s.start:s.end] == s.text`.

No models, no downloaded data, no regular expression that can backtrack without bound: it must
stay linear on any input, since articles come from the open web.
"""

from __future__ import annotations

import re
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Sentence:
    """One sentence of an article; ``start``/``end`` are offsets into the article text."""

    id: int
    text: str
    start: int
    end: int


# A title before a name never ends a sentence ("Dr. Jones", "Gov. Reyes").
_NEVER_FINAL = frozenset(
    """mr mrs ms mx dr prof sen rep gov gen lt col capt cmdr adm maj sgt cpl supt insp det
    rev hon pres messrs mme mlle st mt ft e.g i.e cf viz vs""".split()
)
# An abbreviation only when a number follows ("No. 10", "Jan. 5", "Vol. 2").
_BEFORE_NUMBER = frozenset(
    """no nos vol vols fig figs p pp art ch sec para
    jan feb mar apr jun jul aug sep sept oct nov dec""".split()
)
# Abbreviations that may also end a sentence: the stop ends it only when the next word is one
# that usually opens a sentence ("… talks with the U.S. The deal …", "… at 9 a.m. They …").
_AMBIGUOUS = frozenset(
    """inc ltd co corp plc llc bros jr sr etc al approx est dept univ assn govt intl
    a.m p.m u.s u.k e.u u.n d.c n.y l.a u.s.a""".split()
)
_OPENERS = frozenset(
    """the a an he she it they we i you this that these those there his her its their our my
    but and or so yet in on at for from with by after before during while when if as however
    meanwhile still also then now some many most several all both each no not one two three
    officials analysts what why how where who""".split()
)
_STOP = re.compile(r"[.!?…]+[\"”’'»)\]]*(?=\s)")
_OPENING_MARKS = "\"“‘'«([„"
_WORD_AFTER = re.compile(r"[^\W_][\w'’]{0,30}")
_TERMINAL = re.compile(r"[.!?…:;][\"”’'»)\]]*$")
# "BRUSSELS (Wirepoint) — ", "NEW YORK, Nov 24 (Reuters) - ", "LIÈGE, Belgium — "
_CAPS = "A-ZÀ-ÖØ-Þ"
_DATELINE = re.compile(
    rf"[{_CAPS}][{_CAPS}'’.\-]{{2,24}}(?:[ \t]+[{_CAPS}][{_CAPS}'’.\-]{{1,24}}){{0,3}}"
    rf"(?:,[ \t]*[{_CAPS}][\w.]{{1,12}}(?:[ \t]+\d{{1,2}})?)?"
    rf"(?:[ \t]*\([^()\n]{{1,40}}\))?[ \t]*[—–-]{{1,2}}[ \t]+(?=\S)"
)


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences with offsets; ids are 0..n-1 in order."""
    sentences: list[Sentence] = []
    for start, end in _segments(text):
        _split_segment(text, start, end, sentences)
    return sentences


def _segments(text: str) -> list[tuple[int, int]]:
    """Runs of lines that belong together: paragraphs, minus hard line breaks inside them."""
    segments: list[tuple[int, int]] = []
    seg_start = -1
    prev_end = -1  # end of the previous non-blank line, -1 after a blank line
    pos = 0
    length = len(text)
    while pos <= length:
        nl = text.find("\n", pos)
        line_end = length if nl == -1 else nl
        line = text[pos:line_end]
        if line.strip():
            if seg_start < 0:
                seg_start = pos
            elif not _wrapped(text[max(seg_start, prev_end - 40) : prev_end], line):
                segments.append((seg_start, prev_end))
                seg_start = pos
            prev_end = line_end
        elif seg_start >= 0 and prev_end >= 0:
            segments.append((seg_start, prev_end))
            seg_start, prev_end = -1, -1
        if nl == -1:
            break
        pos = nl + 1
    if seg_start >= 0 and prev_end >= 0:
        segments.append((seg_start, prev_end))
    return segments


def _wrapped(previous_tail: str, line: str) -> bool:
    """Whether a single line break is only wrapping: the sentence plainly goes on."""
    tail = previous_tail.rstrip()
    if _TERMINAL.search(tail):
        return False
    return line.lstrip()[:1].islower() or tail.endswith((",", "("))


def _split_segment(text: str, start: int, end: int, out: list[Sentence]) -> None:
    cut = start
    while cut < end and text[cut].isspace():
        cut += 1
    dateline = _DATELINE.match(text, cut, end)
    if dateline and len(dateline.group().split()) <= 8:
        _add(out, text, cut, dateline.end())
        cut = dateline.end()
    for stop in _STOP.finditer(text, cut, end):
        nxt = stop.end()
        while nxt < end and text[nxt].isspace():
            nxt += 1
        first = nxt
        while first < end and first - nxt < 3 and text[first] in _OPENING_MARKS:
            first += 1
        if first >= end or not (text[first].isupper() or text[first].isdigit()):
            continue
        marks = stop.group().rstrip("\"”’'»)]")
        if marks == "." and not _ends_sentence(text, stop.start(), first):
            continue
        _add(out, text, cut, stop.end())
        cut = stop.end()
    _add(out, text, cut, end)


def _ends_sentence(text: str, dot: int, next_at: int) -> bool:
    """Whether the full stop at `dot` ends a sentence, given the word that follows."""
    begin = dot
    while begin > 0 and dot - begin < 24 and not text[begin - 1].isspace():
        begin -= 1
    word = text[begin:dot].lstrip("\"“‘'«([").lower()
    following = _WORD_AFTER.match(text, next_at)
    next_word = following.group() if following else ""
    if word in _NEVER_FINAL:
        return False
    if word in _BEFORE_NUMBER:
        return not next_word[:1].isdigit()
    opener = next_word.lower() in _OPENERS
    if word in _AMBIGUOUS or re.fullmatch(r"(?:[a-z]\.)+[a-z]", word):
        return opener
    if len(word) == 1 and word.isalpha():  # an initial, as in "J. R. Smith"
        return opener
    return True


def _add(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(Sentence(len(sentences), text[start:end], start, end))
