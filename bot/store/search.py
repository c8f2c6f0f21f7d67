"""Passage search for answers: SQLite FTS5 (BM25) and PostgreSQL tsvector (ts_rank weighted by
inverse document frequency) side by side, behind one method; and search by meaning over the
passages' stored vectors (`similar`), which the answer engine fuses with it.

The vectors of the newest passages of each topic (up to VECTORS_PER_TOPIC) are held in memory
and topped up with the passages stored since the last search, so a search by meaning is one
matrix product, not a table scan.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import sqlalchemy as sa

from bot.store.db import Database, utc
from bot.store.embed import DIM, from_blobs

if TYPE_CHECKING:
    from numpy.typing import NDArray


@dataclass(frozen=True, slots=True)
class PassageHit:
    """A passage found by full-text search; lower `rank` is better (BM25, as FTS5 gives it)."""

    id: int
    article_id: int
    title: str
    text: str
    at: datetime
    rank: float
    similarity: float = 0.0  # cosine similarity to the question, when the engine computed it


# PostgreSQL retrieval: a term in fewer passages than RARE picks candidates; at most
# CANDIDATES passages are ranked per question.
RARE = 2000
CANDIDATES = 5000
# Passages per topic whose vectors are kept in memory for search by meaning (~1 kB each).
VECTORS_PER_TOPIC = 60_000


@dataclass
class _Vectors:
    """One topic's passage vectors in memory, in id order."""

    ids: NDArray[np.int64]
    at: NDArray[np.float64]  # POSIX seconds
    matrix: NDArray[np.float32]
    last_id: int = 0


class PassageSearch:
    """Full-text search over the passages of relevant articles."""

    def __init__(self, db: Database) -> None:
        self.db = db
        self._vectors: dict[str | None, _Vectors] = {}

    async def similar(
        self,
        topic: str | None,
        vector: NDArray[np.float32],
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
    ) -> list[PassageHit]:
        """Passages closest in meaning to a unit vector, best first (`rank` is minus the
        cosine similarity), from relevant articles of the topic, optionally in a time range."""
        index = await self._load_vectors(topic)
        if not len(index.ids):
            return []
        scores = index.matrix @ vector.astype(np.float32)
        if since is not None:
            scores[index.at < since.timestamp()] = -2.0
        if until is not None:
            scores[index.at > until.timestamp()] = -2.0
        k = min(limit, len(scores))
        top = np.argpartition(-scores, k - 1)[:k]
        top = top[np.argsort(-scores[top], kind="stable")]
        chosen = {int(index.ids[i]): float(scores[i]) for i in top if scores[i] > -2.0}
        if not chosen:
            return []
        t = sa.table(
            "passages",
            sa.column("id"),
            sa.column("article_id"),
            sa.column("title"),
            sa.column("text"),
            sa.column("at"),
        )
        async with self.db.engine.connect() as conn:
            rows = (
                await conn.execute(
                    sa.select(t.c.id, t.c.article_id, t.c.title, t.c.text, t.c.at).where(
                        t.c.id.in_(list(chosen))
                    )
                )
            ).all()
        hits = [PassageHit(r[0], r[1], r[2], r[3], utc(r[4]), -chosen[r[0]]) for r in rows]
        return sorted(hits, key=lambda h: (h.rank, h.id))

    async def vectors_of(
        self, topic: str | None, ids: Sequence[int]
    ) -> dict[int, NDArray[np.float32]]:
        """The stored vectors of passages held in memory for the topic (others are left out:
        the caller computes them)."""
        index = await self._load_vectors(topic)
        if not len(index.ids) or not ids:
            return {}
        wanted = np.asarray(ids, dtype=np.int64)
        at = np.searchsorted(index.ids, wanted)  # ids are kept in ascending order
        at = np.minimum(at, len(index.ids) - 1)
        found = index.ids[at] == wanted
        return {int(i): index.matrix[k] for i, k, ok in zip(wanted, at, found, strict=True) if ok}

    async def _load_vectors(self, topic: str | None) -> _Vectors:
        """The topic's vectors, topped up with passages stored since the last call."""
        index = self._vectors.get(topic)
        if index is None:
            index = _Vectors(
                np.zeros(0, np.int64), np.zeros(0, np.float64), np.zeros((0, DIM), np.float32)
            )
            self._vectors[topic] = index
        conditions = ["a.relevant = 1" if self.db.dialect == "sqlite" else "a.relevant"]
        params: dict[str, Any] = {"last": index.last_id, "cap": VECTORS_PER_TOPIC}
        conditions.append("p.id > :last")
        if topic is not None:
            conditions.append("p.topic = :topic")
            params["topic"] = topic
        sql = (
            "SELECT p.id, p.at, p.embedding FROM passages p JOIN articles a "
            f"ON a.id = p.article_id WHERE {' AND '.join(conditions)} "
            "ORDER BY p.id DESC LIMIT :cap"
        )
        async with self.db.engine.connect() as conn:
            rows = list(reversed((await conn.execute(sa.text(sql), params)).all()))
        if rows:
            ids = np.array([r[0] for r in rows], dtype=np.int64)
            at = np.array([utc(r[1]).timestamp() for r in rows], dtype=np.float64)
            matrix = from_blobs([r[2] for r in rows])
            keep = max(0, VECTORS_PER_TOPIC - len(ids))
            index.ids = np.concatenate([index.ids[len(index.ids) - keep :], ids])
            index.at = np.concatenate([index.at[len(index.at) - keep :], at])
            index.matrix = np.concatenate([index.matrix[len(index.matrix) - keep :], matrix])
            index.last_id = int(ids[-1])
        return index

    async def search_passages(
        self,
        topic: str | None,
        terms: Sequence[str],
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
    ) -> list[PassageHit]:
        """Passages matching any of the terms, best first (BM25, titles weighted up), from
        relevant articles of the topic, optionally within a time range."""
        words = [w for w in (re.sub(r"[^\w]", "", t) for t in terms) if w]
        if not words:
            return []
        match = " OR ".join(f'"{w}"' for w in dict.fromkeys(words))
        conditions = ["a.relevant = 1"]
        params: dict[str, Any] = {"match": match, "limit": limit}
        if topic is not None:
            conditions.append("p.topic = :topic")
            params["topic"] = topic
        if since is not None:
            conditions.append("p.at >= :since")
            params["since"] = self.db.raw_time(since)
        if until is not None:
            conditions.append("p.at <= :until")
            params["until"] = self.db.raw_time(until)
        if self.db.dialect == "postgresql":
            return await self._search_postgres(words, conditions, params)
        # SQLite: rank inside FTS5 first (it keeps only the best candidates), then filter:
        # joining before ranking makes SQLite score every matching passage of every topic.
        params["candidates"] = max(limit * 25, 500)
        sql = (
            "SELECT p.id, p.article_id, p.title, p.text, p.at, f.rank FROM ("
            "SELECT rowid, rank FROM passage_fts WHERE passage_fts MATCH :match "
            "AND rank MATCH 'bm25(2.0, 1.0)' ORDER BY rank LIMIT :candidates) f "
            "JOIN passages p ON p.id = f.rowid JOIN articles a ON a.id = p.article_id "
            f"WHERE {' AND '.join(conditions)} ORDER BY f.rank LIMIT :limit"
        )
        async with self.db.engine.connect() as conn:
            rows = (await conn.execute(sa.text(sql), params)).all()
        return [PassageHit(r[0], r[1], r[2], r[3], utc(r[4]), float(r[5])) for r in rows]

    async def _search_postgres(
        self, words: Sequence[str], conditions: list[str], params: dict[str, Any]
    ) -> list[PassageHit]:
        """BM25-like ranking on PostgreSQL: ts_rank per term (term frequency, title weighted
        up) times the term's inverse document frequency, which ts_rank alone lacks, so a rare
        word the question hinges on outweighs common ones.

        Only candidates are ranked, as FTS5 does on SQLite: passages with one of the rare
        terms when the question has any, else passages with all of its (common) terms.
        Document frequencies are counted up to RARE only, which is all the decision needs."""
        terms = list(dict.fromkeys(w.lower() for w in words))[:12]
        queries = {f"q{i}": term for i, term in enumerate(terms)}
        matches = {k: f"p.search @@ to_tsquery('english', :{k})" for k in queries}
        counts = ", ".join(
            f"(SELECT count(*) FROM (SELECT 1 FROM passages p WHERE {m} LIMIT {RARE}) s)"
            for m in matches.values()
        )
        conditions = ["a.relevant" if c == "a.relevant = 1" else c for c in conditions]
        values = {k: v for k, v in params.items() if k != "match"}
        async with self.db.engine.connect() as conn:
            total = (
                await conn.execute(
                    sa.text(
                        "SELECT greatest(reltuples::bigint, 1) FROM pg_class "
                        "WHERE oid = 'passages'::regclass"
                    )
                )
            ).scalar_one()
            frequencies = (await conn.execute(sa.text(f"SELECT {counts}"), queries)).one()
            if total <= 1:
                total = (await conn.execute(sa.text("SELECT count(*) FROM passages"))).scalar()
            total = max(int(total or 1), max(frequencies, default=1))
            weights = {
                f"w{i}": math.log((total - df + 0.5) / (df + 0.5) + 1.0)
                for i, df in enumerate(frequencies)
            }
            rare = [matches[f"q{i}"] for i, df in enumerate(frequencies) if df < RARE]
            score = " + ".join(
                f":w{i} * ts_rank(p.search, to_tsquery('english', :q{i}))"
                for i in range(len(terms))
            )

            # Candidates are the passages matching the most of the question's terms (then the
            # newest), not an arbitrary subset of those matching any.
            matched = " + ".join(f"({m})::int" for m in matches.values())

            async def ranked(candidates: str) -> list[Any]:
                sql = (
                    f"SELECT p.id, p.article_id, p.title, p.text, p.at, -10 * ({score}) AS rank "
                    f"FROM (SELECT * FROM passages p WHERE {candidates} "
                    f"ORDER BY {matched} DESC, p.id DESC LIMIT {CANDIDATES}) p "
                    f"JOIN articles a ON a.id = p.article_id WHERE {' AND '.join(conditions)} "
                    "ORDER BY rank, p.id LIMIT :limit"
                )
                return list(
                    (await conn.execute(sa.text(sql), {**values, **queries, **weights})).all()
                )

            if rare:
                rows = await ranked("(" + " OR ".join(rare) + ")")
            else:
                rows = await ranked("(" + " AND ".join(matches.values()) + ")")
                if len(rows) < int(params["limit"]):
                    rows = await ranked("(" + " OR ".join(matches.values()) + ")")
        return [PassageHit(r[0], r[1], r[2], r[3], utc(r[4]), float(r[5])) for r in rows]
