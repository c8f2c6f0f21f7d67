"""Sentence splitting without downloaded models (no nltk data, no network).

Rule-based: a sentence ends at `.`, `!`, `?` or `…` (plus any closing quotes or brackets)
followed by white space and something that can start a sentence, unless the word before the
stop is a known abbreviation, an initial or a number; a line break always ends a sentence.
Offsets point into the original text, so `text[s.start:s.end] == s.text`.
"""

from __future__ import annotations

import re

from bot.models import Sentence

_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sen rep gov gen lt col capt sgt st mt ft jr sr rev hon pres supt insp
    jan feb mar apr jun jul aug sep sept oct nov dec mon tue wed thu fri sat sun
    inc ltd co corp plc llc bros dept univ assn est approx vs etc al fig no nos vol pp ch
    e.g i.e a.m p.m u.s u.k e.u u.n d.c n.y""".split()
)
# A stop, any closing quotes/brackets, white space, then what may open the next sentence.
_BOUNDARY = re.compile(r"[.!?…]+[\"”’'»)\]]*(?=\s+[\"“‘'«(\[]?[A-Z0-9À-ÖØ-ÞĀ-Ž])")
_LINE = re.compile(r"[^\n]+")
_WORD_BEFORE = re.compile(r"([\w.]+)[.!?…]*$")


def _is_abbreviation(chunk: str) -> bool:
    match = _WORD_BEFORE.search(chunk)
    if not match:
        return False
    word = match.group(1).rstrip(".").lower()
    if word in _ABBREVIATIONS:
        return True
    if len(word) == 1 and word.isalpha():  # an initial: "J. R. Smith"
        return True
    return bool(re.fullmatch(r"(?:[a-z]\.)+[a-z]", word))  # U.S, a.m, e.g


def split_sentences(text: str) -> list[Sentence]:
    """Split text into sentences with offsets; ids are 0..n-1 in order."""
    sentences: list[Sentence] = []
    for line in _LINE.finditer(text):
        start = line.start()
        content = line.group()
        cut = 0
        for match in _BOUNDARY.finditer(content):
            end = match.end()
            if match.group().startswith(".") and _is_abbreviation(content[cut : match.start() + 1]):
                continue
            _add(sentences, text, start + cut, start + end)
            cut = end
        _add(sentences, text, start + cut, line.end())
    return sentences


def _add(sentences: list[Sentence], text: str, start: int, end: int) -> None:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    if end > start:
        sentences.append(Sentence(len(sentences), text[start:end], start, end))
