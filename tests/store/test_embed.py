"""Passage vectors: briefbot's own pooling gives WordLlama's vectors bit for bit, so vectors
stored before and after it compare as equals."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import wordllama
from wordllama import WordLlama

from bot.collect.extract import extract_html
from bot.store.embed import DIM, embed, to_blob
from bot.store.passages import chunk_passages

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


def wordllama_vectors(texts: list[str]) -> np.ndarray:
    """The reference: WordLlama's own padded, masked mean, unit length (NaN rows as zeros)."""
    model = WordLlama.load(
        cache_dir=Path(wordllama.__file__).resolve().parent, disable_download=True, dim=DIM
    )
    with np.errstate(invalid="ignore", divide="ignore"):
        return np.nan_to_num(np.asarray(model.embed(texts, norm=True), dtype=np.float32))


def texts_of_the_fixture_pages() -> list[str]:
    """Their passages as stored (title first), each of their sentences, and their words."""
    passages, sentences = [], []
    for page in sorted(PAGES.glob("*.html")):
        art = extract_html(page.read_bytes(), f"https://example.com/{page.stem}")
        for chunk in chunk_passages(art.text):
            passages.append(f"{art.title}. {chunk}")
            sentences += [s for s in chunk.split(". ") if s]
    words = sorted({w for s in sentences for w in s.split()})
    return passages + sentences + words


def test_vectors_are_wordllamas_bit_for_bit() -> None:
    texts = texts_of_the_fixture_pages()
    assert len(texts) > 64  # more than one of WordLlama's batches
    odd = ["", " ", "x", "Steel", "é ü 中文 😀 — “quoted”", "word " * 2000]
    for batch in (texts, texts[:5], odd, ["Ferries ran late."]):
        ours, theirs = embed(batch), wordllama_vectors(batch)
        assert ours.dtype == np.float32 and ours.shape == (len(batch), DIM)
        assert np.array_equal(ours, theirs)
        assert [to_blob(v) for v in ours] == [to_blob(v) for v in theirs]


def test_an_empty_text_is_a_zero_row_and_the_rest_unit_length() -> None:
    vectors = embed(["", "Mills laid off workers.", ""])
    assert not vectors[0].any() and not vectors[2].any()
    assert abs(float(np.linalg.norm(vectors[1])) - 1.0) < 1e-5
    assert embed([]).shape == (0, DIM)
