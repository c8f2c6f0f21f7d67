"""Passage search for answers: SQLite FTS5 (BM25) and PostgreSQL tsvector (ts_rank weighted by
inverse document frequency) side by side, behind one method.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa

from bot.store.db import Database, utc


@dataclass(frozen=True, slots=True)
class PassageHit:
    """A passage found by full-text search; lower `rank` is better (BM25, as FTS5 gives it)."""

    id: int
    article_id: int
    title: str
    text: str
    at: datetime
    rank: float


# PostgreSQL retrieval: a term in fewer passages than RARE picks candidates; at most
# CANDIDATES passages are ranked per question.
RARE = 2000
CANDIDATES = 5000


class PassageSearch:
    """Full-text search over the passages of relevant articles."""

    def __init__(self, db: Database) -> None:
        self.db = db

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

            async def ranked(candidates: str) -> list[Any]:
                sql = (
                    f"SELECT p.id, p.article_id, p.title, p.text, p.at, -10 * ({score}) AS rank "
                    f"FROM (SELECT * FROM passages p WHERE {candidates} LIMIT {CANDIDATES}) p "
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
