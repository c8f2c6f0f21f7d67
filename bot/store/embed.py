"""Static word embeddings for meaning-aware retrieval: WordLlama (numpy only, no torch), whose
weights and tokenizer ship inside its wheel.

Vectors are unit length, so a dot product is the cosine similarity; they are kept in the
database as float16 blobs, computed once when a passage is stored. The model is loaded once
per process, lazily, and never downloads anything: WordLlama's loader looks for its tokenizer
in a cache folder first, so it is pointed at the installed package's own folder with downloads
disabled. A missing package is a one-line ConfigError naming the fix.
"""

from __future__ import annotations

import json
import os
import threading
from collections.abc import Sequence
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from bot.errors import ConfigError

if TYPE_CHECKING:
    from numpy.typing import NDArray

DIM = 256
_lock = threading.Lock()
WORDS_KEPT = 1 << 17  # words whose ids a process remembers (a few MB); all forgotten past it


class EmbeddingModelError(ConfigError):
    """The word-embedding model that retrieval needs is not installed."""


@cache
def _model() -> Any:
    # The tokenizer's own thread pool costs more CPU than it saves on a few passages at a time
    # (a collecting worker: ~0.3-0.8 ms more per article) and competes with the other workers
    # for the cores; embedding runs on every core through the worker processes instead. An
    # operator's own setting is kept.
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    try:
        import wordllama
        from wordllama import WordLlama
    except ImportError:
        raise EmbeddingModelError(
            "meaning-aware retrieval needs wordllama: run `pip install briefbot` "
            "(or `pip install wordllama`)"
        ) from None
    folder = Path(wordllama.__file__).resolve().parent
    try:
        return WordLlama.load(cache_dir=folder, disable_download=True, dim=DIM)
    except (FileNotFoundError, ValueError) as exc:
        raise EmbeddingModelError(f"the wordllama model could not be loaded: {exc}") from None


@cache
def _tokenizer() -> Any:
    """The model's tokenizer without padding (WordLlama pads a batch to its longest text)."""
    from tokenizers import Tokenizer

    tokenizer = Tokenizer.from_str(_model().tokenizer.to_str())
    tokenizer.no_padding()
    return tokenizer


def splits_at_spaces(tokenizer: Any) -> bool:
    """Whether a text's token ids are its space-separated words' ids one after another.

    So for a BPE model (no dropout, merges always applied) whose normalizer writes "▁" before
    the text and for every space, with no pre-tokenizer (Llama's, WordLlama's): a merge can
    only make a token of its vocabulary, and when none holds "▁" after another character, no
    merge joins a word to the "▁" of the space before the next one. (Read through the
    tokenizer's own getters: its whole JSON is ~100k Python objects, enough to bring on a full
    garbage collection of a worker's heap later.)"""
    model, normalizer = tokenizer.model, tokenizer.normalizer
    expected = [
        {"type": "Prepend", "prepend": "▁"},
        {"type": "Replace", "pattern": {"String": " "}, "content": "▁"},
    ]
    return (
        type(model).__name__ == "BPE"
        and not model.dropout
        and not getattr(model, "ignore_merges", False)
        and tokenizer.pre_tokenizer is None
        and tokenizer.truncation is None
        and normalizer is not None
        and json.loads(normalizer.__getstate__()) == {"type": "Sequence", "normalizers": expected}
        and not any("▁" in token.lstrip("▁") for token in tokenizer.get_vocab())
    )


class WordIds:
    """A tokenizer's ids of texts, worked out word by word, each word's ids remembered.

    Tokenising a text costs about a microsecond per word and a new, long word several; news
    repeats its words, so a process tokenises each word once (new words of a call together,
    in one text) and joins the remembered ids of a text's words. Where that split is not
    exactly the tokenizer's (`splits_at_spaces`), and for texts with a run of spaces, a
    leading or trailing one, a literal "▁" or a special token ("<s>"), whole texts are
    tokenised: the ids are always the tokenizer's own.
    """

    def __init__(self, tokenizer: Any, *, keep: int = WORDS_KEPT) -> None:
        from tokenizers import Regex, Tokenizer, pre_tokenizers

        self.tokenizer = tokenizer
        self.keep = keep
        self.by_word: dict[str, tuple[int, ...]] | None = None
        if splits_at_spaces(tokenizer):
            self.by_word = {}
            # The same tokenizer, told where words start, to say which word each id is of.
            self.words = Tokenizer.from_str(tokenizer.to_str())
            self.words.pre_tokenizer = pre_tokenizers.Split(
                Regex("▁+"), behavior="merged_with_next"
            )
        specials = tokenizer.get_added_tokens_decoder().values()
        self.unsplit = ("  ", "▁", *(t.content for t in specials))

    def __call__(self, texts: Sequence[str]) -> list[Sequence[int]]:
        """Each text's token ids (no special tokens added), as the tokenizer gives them."""
        if self.by_word is None:
            return [
                e.ids
                for e in self.tokenizer.encode_batch_fast(list(texts), add_special_tokens=False)
            ]
        known = self.by_word
        split = [None if self._whole(text) else text.split(" ") for text in texts]
        new = list(dict.fromkeys(w for words in split if words for w in words if w not in known))
        if new and len(known) + len(new) > self.keep:  # forget all but this call's words
            known.clear()
            new = list(dict.fromkeys(w for words in split if words for w in words))
        if new:
            encoding = self.words.encode(" ".join(new), add_special_tokens=False)
            ids: list[list[int]] = [[] for _ in new]
            for token, word in zip(encoding.ids, encoding.word_ids, strict=True):
                ids[word or 0].append(token)  # (no special tokens here, so never None)
            known.update(zip(new, map(tuple, ids), strict=True))
        whole = [text for text, words in zip(texts, split, strict=True) if words is None]
        whole_ids = iter(
            e.ids for e in self.tokenizer.encode_batch_fast(whole, add_special_tokens=False)
        )
        return [
            next(whole_ids) if words is None else [i for w in words for i in known[w]]
            for words in split
        ]

    def _whole(self, text: str) -> bool:
        return (
            not text
            or text[0] == " "
            or text[-1] == " "
            or any(mark in text for mark in self.unsplit)
        )


@cache
def _word_ids() -> WordIds:
    return WordIds(_tokenizer())


def embed(texts: Sequence[str]) -> NDArray[np.float32]:
    """Unit vectors of the texts, one row each (zeros for an empty text).

    The same vectors, bit for bit, as WordLlama's `embed(texts, norm=True)`: each row is the
    mean of its tokens' vectors, summed in token order in float32, then scaled to unit length.
    WordLlama pads the batch to its longest text and averages under a mask; the padding only
    adds zeros (the table has no zero entries, so no sum is a signed zero that they could
    flip), and it cost half the time of a few passages. Token ids without offsets
    (`encode_batch_fast`) are the same ids.
    """
    if not texts:
        return np.zeros((0, DIM), dtype=np.float32)
    table = _model().embedding
    with _lock:  # the tokenizer is not documented as thread-safe, nor is the word memory
        token_ids = _word_ids()(texts)
    vectors = np.zeros((len(token_ids), table.shape[1]), dtype=np.float32)
    for row, ids in zip(vectors, token_ids, strict=True):
        if ids:
            tokens = np.clip(np.asarray(ids, dtype=np.intp), 0, table.shape[0] - 1)
            row[:] = table[tokens].sum(axis=0, dtype=np.float32) / np.float32(len(ids))
    with np.errstate(invalid="ignore", divide="ignore"):  # an empty text's zero row
        vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.nan_to_num(vectors)


def to_blob(vector: NDArray[np.float32]) -> bytes:
    """A vector as stored: float16, little-endian."""
    return np.asarray(vector, dtype="<f2").tobytes()


def from_blobs(blobs: Sequence[bytes | None]) -> NDArray[np.float32]:
    """Stored vectors as one matrix (a missing or damaged blob becomes a zero row)."""
    out = np.zeros((len(blobs), DIM), dtype=np.float32)
    for i, blob in enumerate(blobs):
        if blob is not None and len(blob) == 2 * DIM:
            out[i] = np.frombuffer(blob, dtype="<f2")
    return out
