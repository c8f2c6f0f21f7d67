"""Passage vectors: briefbot's own pooling gives WordLlama's vectors bit for bit, so vectors
stored before and after it compare as equals; its token ids, worked out word by word, are the
tokenizer's own for whole texts."""

from __future__ import annotations

import json
import random
from pathlib import Path

import numpy as np
import wordllama
from tokenizers import Tokenizer
from wordllama import WordLlama

from bot.collect.extract import extract_html
from bot.store.embed import DIM, WordIds, embed, splits_at_spaces, to_blob
from bot.store.passages import chunk_passages

PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


def load_wordllama() -> WordLlama:
    return WordLlama.load(
        cache_dir=Path(wordllama.__file__).resolve().parent, disable_download=True, dim=DIM
    )


def wordllama_tokenizer() -> Tokenizer:
    """A copy of WordLlama's tokenizer, without padding as briefbot uses it."""
    tokenizer = Tokenizer.from_str(load_wordllama().tokenizer.to_str())
    tokenizer.no_padding()
    return tokenizer


def wordllama_vectors(texts: list[str]) -> np.ndarray:
    """The reference: WordLlama's own padded, masked mean, unit length (NaN rows as zeros)."""
    model = load_wordllama()
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


def odd_texts() -> list[str]:
    """Texts where a split at spaces could go wrong: runs of spaces, spaces at either end, a
    literal "▁", special tokens, line breaks, tabs, accents, emoji; random ones too."""
    rng = random.Random(18)
    texts = ["", " ", "  ", "a ", " a", "a  b", "x\ny", "tab\tx", "<s> hi </s>", "<unk>"]
    texts += ["▁mark▁▁s", "a▁ b", "a ▁", "\u3000wide", "line\n\n  next", "é ü 中文 😀 — “q”"]
    for alphabet in ("ab ▁\n\t.é😀<s>/", "ab \n\t.é😀/,“"):
        texts += [
            "".join(rng.choice(alphabet) for _ in range(rng.randint(0, 30))) for _ in range(500)
        ]
    return texts


def tokenizer_ids(tokenizer: Tokenizer, texts: list[str]) -> list[list[int]]:
    return [e.ids for e in tokenizer.encode_batch_fast(texts, add_special_tokens=False)]


def test_word_by_word_ids_are_the_tokenizers_for_whole_texts() -> None:
    tokenizer = wordllama_tokenizer()
    assert splits_at_spaces(tokenizer)
    words = WordIds(tokenizer)
    for batch in (texts_of_the_fixture_pages(), odd_texts()):
        for _ in range(2):  # the words new, then remembered
            assert [list(ids) for ids in words(batch)] == tokenizer_ids(tokenizer, batch)
    assert words.by_word  # the words were remembered


def test_words_past_the_limit_are_forgotten_and_the_ids_stay_right() -> None:
    tokenizer = wordllama_tokenizer()
    words = WordIds(tokenizer, keep=5)
    texts = ["Steel mills cut jobs", "Ferries ran late again today", "mills ran"]
    for text in texts + texts:
        assert [list(ids) for ids in words([text])] == tokenizer_ids(tokenizer, [text])
        assert words.by_word is not None and len(words.by_word) <= 5


def test_a_tokenizer_that_could_merge_across_a_space_is_used_on_whole_texts() -> None:
    spec = json.loads(wordllama_tokenizer().to_str())
    spec["model"]["vocab"]["s▁"] = len(spec["model"]["vocab"])  # a token across a space
    tokenizer = Tokenizer.from_str(json.dumps(spec))
    assert not splits_at_spaces(tokenizer)
    words = WordIds(tokenizer)
    assert words.by_word is None
    batch = [*odd_texts()[:50], "Steel mills cut jobs"]
    assert [list(ids) for ids in words(batch)] == tokenizer_ids(tokenizer, batch)
