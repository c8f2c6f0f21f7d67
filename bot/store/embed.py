"""Static word embeddings for meaning-aware retrieval: WordLlama (numpy only, no torch), whose
weights and tokenizer ship inside its wheel.

Vectors are unit length, so a dot product is the cosine similarity; they are kept in the
database as float16 blobs, computed once when a passage is stored. The model is loaded once
per process, lazily, and never downloads anything: WordLlama's loader looks for its tokenizer
in a cache folder first, so it is pointed at the installed package's own folder with downloads
disabled. A missing package is a one-line ConfigError naming the fix.
"""

from __future__ import annotations

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
    with _lock:  # the tokenizer is not documented as thread-safe
        encodings = _tokenizer().encode_batch_fast(list(texts), add_special_tokens=False)
    vectors = np.zeros((len(encodings), table.shape[1]), dtype=np.float32)
    for row, encoding in zip(vectors, encodings, strict=True):
        if ids := encoding.ids:
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
