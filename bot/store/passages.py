"""Passages: articles cut into overlapping chunks of sentences, each carrying its article's
title, for full-text retrieval. Pure; the store writes what `chunk_passages` returns."""

from __future__ import annotations

from bot.text.sentences import split_sentences

TARGET_WORDS = 90
OVERLAP_SENTENCES = 1


def chunk_passages(text: str, *, target_words: int = TARGET_WORDS) -> list[str]:
    """Sentences grouped into passages of about target_words, each overlapping the previous
    one by a sentence, so an answer that spans a boundary is still found whole."""
    sentences = [" ".join(s.text.split()) for s in split_sentences(text)]
    passages: list[str] = []
    start = 0
    while start < len(sentences):
        words = 0
        end = start
        while end < len(sentences) and (words < target_words or end == start):
            words += len(sentences[end].split())
            end += 1
        passages.append(" ".join(sentences[start:end]))
        if end >= len(sentences):
            break
        start = max(end - OVERLAP_SENTENCES, start + 1)
    return passages
