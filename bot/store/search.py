"""Passage search for answers: SQLite FTS5 and PostgreSQL tsvector, both ranked by BM25, side
by side behind one method; and search by meaning over the passages' stored vectors
(`similar`), which the answer engine fuses with it.

Search by words matches the passages holding at least k of the question's n terms (an index
expression, so common words never make every passage a candidate), the newest passages first
and all of them unless enough of those hold every term; it weighs terms by the document
frequencies stored as passages are written (bot/store/passages.py), never counted per
question, and ranks every match by its score: nothing is cut before it is ranked (on
PostgreSQL in bot/store/ranking.py, which keeps the candidates it reads few).

The vectors of the newest passages of each topic (up to VECTORS_PER_TOPIC) are held in memory
and topped up with the passages stored since the last search, so a search by meaning is one
matrix product (in a thread), not a table scan; the vectors of other passages the answer
engine ranks (older ones found by words) are read by id.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING, Any

import numpy as np
import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.db import Database, utc
from bot.store.embed import DIM, from_blobs
from bot.store.passages import SQLITE_TOKENIZER
from bot.store.ranking import (
    K1,
    TEXT_WEIGHT,
    TITLE_WEIGHT,
    B,
    PassageHit,
    Query,
    at_least,
    ranked_postgres,
)

if TYPE_CHECKING:
    from numpy.typing import NDArray

__all__ = ["PassageHit", "PassageSearch"]


# Full-text retrieval matches the passages that hold at least SHARE of the question's terms
# (those the index knows): the answer engine wants as much of a question's words in a passage
# to answer from it by words (engine.enough); passages close in meaning come from `similar`.
SHARE = 0.6
# At most MAX_TERMS of a question's terms are matched, the rarest: "k of n" expressions grow
# with n choose k, and the commonest terms tell passages apart least.
MAX_TERMS = 8
# The first pass looks at the newest RECENT passages (those `similar` holds in memory); the
# whole index unless as many of them as asked for hold every term.
RECENT = 60_000
# Expected passages holding every term of a question above which only those are ranked.
CROWDED = 2000
# Spelling cache of the SQLite path (a word as the question or a passage writes it -> its
# index terms); cleared when it grows past this many words.
SPELLINGS = 200_000
# Passages per topic whose vectors are kept in memory for search by meaning (~1 kB each).
VECTORS_PER_TOPIC = 60_000
# Vectors kept of the passages searches by words returned (cleared when there are more).
FOUND_VECTORS = 4000


@dataclass
class _Vectors:
    """One topic's passage vectors in memory, in id order."""

    ids: NDArray[np.int64]
    at: NDArray[np.float64]  # POSIX seconds
    matrix: NDArray[np.float32]
    last_id: int = 0  # the newest passage held
    checked: int = 0  # the newest passage of any topic when they were last read


class PassageSearch:
    """Full-text search over the passages of relevant articles."""

    def __init__(self, db: Database, *, recent: int = RECENT, crowded: int = CROWDED) -> None:
        self.db = db
        self.recent = recent
        self.crowded = crowded
        self._vectors: dict[str | None, _Vectors] = {}
        self._spelled: dict[str, tuple[str, ...]] = {}
        # Vectors read with the passages a search by words returned (PostgreSQL), for
        # vectors_of; a passage's vector never changes.
        self._found: dict[int, NDArray[np.float32]] = {}

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
        # One connection for the top-up and the passages' rows (a checkout is a round trip).
        async with self.db.engine.connect() as conn:
            index = await self._load_vectors(topic, conn)
            if not len(index.ids):
                return []
            # The product over ~60 MB of vectors (~2-3 ms) in a thread (numpy lets go of the
            # GIL), so the search by words, run at the same time, keeps the event loop for its
            # round trips. The arrays are taken here: a top-up replaces them, never changes them.
            chosen = await asyncio.to_thread(
                _closest, index.ids, index.at, index.matrix, vector, since, until, limit
            )
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
        """The stored vectors of these passages (those stored without one are left out: the
        caller computes them). Those held in memory for the topic (the answer engine asks right
        after a search by meaning) are taken from there; the others (older passages found by
        words, passages stored since) are read by id in one query, which costs less than
        embedding their passages again (~0.3 ms of CPU each; up to 40 at 100k articles)."""
        index = self._vectors.get(topic)
        found = _held(index, ids) if index is not None else {}
        found.update((i, self._found[i]) for i in ids if i not in found and i in self._found)
        if index is not None and len(found) == len(set(ids)):
            return found
        async with self.db.engine.connect() as conn:
            if index is None:
                index = await self._load_vectors(topic, conn)
                found = _held(index, ids)
            missing = [i for i in dict.fromkeys(ids) if i not in found]
            if not missing:
                return found
            rows = (
                await conn.execute(
                    sa.text(
                        "SELECT id, embedding FROM passages WHERE id IN :ids "
                        "AND embedding IS NOT NULL"
                    ).bindparams(sa.bindparam("ids", expanding=True)),
                    {"ids": missing},
                )
            ).all()
        found.update(_vectors({int(r[0]): bytes(r[1]) for r in rows}))
        return found

    def _keep(self, blobs: dict[int, bytes]) -> None:
        """Keep the vectors a search by words read with its passages, for vectors_of."""
        if len(self._found) > FOUND_VECTORS:
            self._found.clear()
        self._found.update(_vectors(blobs))

    async def _load_vectors(self, topic: str | None, conn: AsyncConnection) -> _Vectors:
        """The topic's vectors, topped up with passages stored since the last call."""
        index = self._vectors.get(topic)
        if index is None:
            index = _Vectors(
                np.zeros(0, np.int64), np.zeros(0, np.float64), np.zeros((0, DIM), np.float32)
            )
            self._vectors[topic] = index
        # Nothing stored since the last call (the usual case): one look at the primary key,
        # instead of a query the planner may answer by scanning all the topic's passages.
        newest = (await conn.execute(sa.text("SELECT max(id) FROM passages"))).scalar()
        if newest is None or int(newest) <= index.checked:
            return index
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
        index.checked = int(newest)
        return index

    async def search_passages(
        self,
        topic: str | None,
        terms: Sequence[str],
        *,
        since: datetime | None = None,
        until: datetime | None = None,
        limit: int = 20,
        at_least: int | None = None,
    ) -> list[PassageHit]:
        """Passages holding at least `at_least` of the terms (default: SHARE of those the
        index knows), best first by BM25 (titles weighted up), from relevant articles of the
        topic, optionally within a time range. The newest RECENT passages are searched
        first; all of them unless `limit` of those hold every term."""
        words = [w for w in (re.sub(r"[^\w]", "", t) for t in terms) if w]
        if not words:
            return []
        conditions = ["a.relevant = 1" if self.db.dialect == "sqlite" else "a.relevant"]
        params: dict[str, Any] = {"limit": limit}
        if topic is not None:
            conditions.append("p.topic = :topic")
            params["topic"] = topic
        if since is not None:
            conditions.append("p.at >= :since")
            params["since"] = self.db.raw_time(since)
        if until is not None:
            conditions.append("p.at <= :until")
            params["until"] = self.db.raw_time(until)
        async with self.db.engine.connect() as conn:
            stats = await self._frequencies(conn, list(dict.fromkeys(words)))
            chosen = sorted(stats.frequencies.items(), key=lambda tf: (tf[1], tf[0]))[:MAX_TERMS]
            if not chosen:
                return []  # no passage holds any of the terms
            k = at_least if at_least is not None else math.ceil(SHARE * len(chosen))
            # Terms so common that thousands of passages are expected to hold every one of
            # them: those passages are the candidates (the others would rank below them).
            every = stats.total * math.prod(df / stats.total for _, df in chosen)
            crowded = at_least is None and every >= self.crowded
            query = Query(
                [t for t, _ in chosen],
                [_idf(stats.total, df) for _, df in chosen],
                len(chosen) if crowded else min(max(k, 1), len(chosen)),
                crowded,
                tuple(df for _, df in chosen),
            )
            low = stats.newest - self.recent
            if self.db.dialect == "postgresql":  # the first pass decided in its statement
                ranked, vectors = await ranked_postgres(
                    conn, query, low, conditions, params, self.crowded
                )
                self._keep(vectors)
                return ranked
            hits: list[PassageHit] = []
            for bound in [low, 0] if low > 0 else [0]:
                hits, whole = await self._ranked_sqlite(
                    conn, query, bound, conditions, params, stats
                )
                # Enough when `limit` new passages hold every term: an older one could hold
                # no more of them. Passages holding only k would leave out an older one
                # holding all, which is what an old story's question looks like.
                if whole >= limit:
                    break
        return hits

    async def _frequencies(self, conn: AsyncConnection, words: list[str]) -> _Stats:
        """The index terms of the words with the passages holding each (those no passage
        holds left out), the number of passages and the newest one's id, in one query."""
        if self.db.dialect == "postgresql":
            rows = (
                await conn.execute(
                    sa.text(
                        "SELECT l.term, coalesce(t.passages, 0) FROM unnest(CAST(:words AS "
                        "text[])) AS w(word) CROSS JOIN LATERAL unnest(tsvector_to_array("
                        "to_tsvector('english', w.word))) AS l(term) "
                        "LEFT JOIN passage_terms t ON t.term = l.term "
                        "UNION ALL SELECT '', passages FROM passage_terms WHERE term = '' "
                        "UNION ALL SELECT NULL, max(id) FROM passages"
                    ),
                    {"words": words},
                )
            ).all()
            counts = {r[0]: int(r[1] or 0) for r in rows}
            total, newest = counts.pop("", 0), counts.pop(None, 0)
            found = {str(t): n for t, n in counts.items() if n > 0}
            return _Stats(found, max(total, 1), newest)
        spelled = await self._spellings(conn, words)
        wanted = sorted({t for w in words for t in spelled[w]})
        # FTS5's bm25() takes the number of passages and their mean length from its own
        # record of them (the averages record, id 1); so does this score, to rank alike.
        rows = (
            await conn.execute(
                sa.text(
                    "SELECT term, passages FROM passage_terms WHERE term IN :terms "
                    "UNION ALL SELECT NULL, block FROM passage_fts_data WHERE id = 1 "
                    "UNION ALL SELECT '', max(id) FROM passages"
                ).bindparams(sa.bindparam("terms", expanding=True)),
                {"terms": wanted},
            )
        ).all()
        counts = {r[0]: r[1] for r in rows}
        block, newest = counts.pop(None, None), int(counts.pop("", 0) or 0)
        sizes = _varints(bytes(block)) if block else []
        total, mean = (sizes[0], sum(sizes[1:]) / sizes[0]) if sizes and sizes[0] else (1, 1.0)
        found = {str(t): int(n) for t, n in counts.items() if n and int(n) > 0}
        return _Stats(found, max(total, 1), newest, mean)

    async def _spellings(
        self, conn: AsyncConnection, words: Sequence[str]
    ) -> dict[str, tuple[str, ...]]:
        """SQLite: each word's index terms, as passage_fts's tokenizer spells them (FTS5 has no
        SQL function for it: a scratch FTS5 table tokenises them, its vocabulary reads back).
        The rows written are the transaction's, undone when the connection is returned."""
        folded = {w: w.casefold() for w in words}
        unknown = sorted({f for f in folded.values() if f not in self._spelled})
        if unknown:
            if len(self._spelled) > SPELLINGS:
                self._spelled.clear()
            if not conn.info.get("term_probe"):  # once per database connection
                for statement in _SQLITE_PROBE:
                    await conn.exec_driver_sql(statement)
                conn.info["term_probe"] = True
            await conn.execute(
                sa.text("INSERT INTO temp.term_probe (word) VALUES (:w)"),
                [{"w": w} for w in unknown],
            )
            found: dict[str, list[str]] = {w: [] for w in unknown}
            probed = await conn.execute(
                sa.text(
                    "SELECT p.word, v.term FROM temp.term_probe_vocab v "
                    "JOIN temp.term_probe p ON p.rowid = v.doc"
                )
            )
            for word, term in probed.all():
                found.setdefault(str(word), []).append(str(term))
            self._spelled.update((w, tuple(dict.fromkeys(t))) for w, t in found.items())
        return {w: self._spelled[f] for w, f in folded.items()}

    async def _ranked_sqlite(
        self,
        conn: AsyncConnection,
        query: Query,
        bound: int,
        where: list[str],
        params: dict[str, Any],
        stats: _Stats,
    ) -> tuple[list[PassageHit], int]:
        """FTS5 finds the passages holding k of the n terms (and marks them); each is scored
        here, with the stored frequencies, as bm25() would score a query of the n terms.
        (bm25() over the "k of n" expression would count a term once per place it takes in
        the expression, and count its passages again each time.)"""
        match = at_least(query.k, [f'"{t}"' for t in query.terms], " AND ", " OR ")
        if query.crowded:  # every term once in the expression: bm25() scores as we would
            sql = (
                "SELECT p.id, p.article_id, p.title, p.text, p.at, f.rank FROM ("
                "SELECT rowid AS id, rank FROM passage_fts WHERE passage_fts MATCH :match "
                "AND rank MATCH 'bm25(2.0, 1.0)' AND rowid > :bound) f "
                "CROSS JOIN passages p ON p.id = f.id "
                "CROSS JOIN articles a ON a.id = p.article_id "
                f"WHERE {' AND '.join(where)} ORDER BY f.rank, p.id LIMIT :limit"
            )
            values = {**params, "match": match, "bound": bound}
            best = (await conn.execute(sa.text(sql), values)).all()
            hits = [PassageHit(r[0], r[1], r[2], r[3], utc(r[4]), float(r[5])) for r in best]
            return hits, len(hits)  # every one holds every term
        sql = (
            "SELECT p.id, p.article_id, p.at, f.title, f.text, d.sz FROM ("
            "SELECT rowid AS id, highlight(passage_fts, 0, char(2), char(3)) AS title, "
            "highlight(passage_fts, 1, char(2), char(3)) AS text "
            "FROM passage_fts WHERE passage_fts MATCH :match AND rowid > :bound) f "
            # CROSS JOIN keeps this order: the index finds the few, the tables filter them
            "CROSS JOIN passages p ON p.id = f.id CROSS JOIN articles a ON a.id = p.article_id "
            # the passage's length in tokens, per column, as FTS5 counted it for bm25()
            "LEFT JOIN passage_fts_docsize d ON d.id = f.id "
            f"WHERE {' AND '.join(where)}"
        )
        values = {**params, "match": match, "bound": bound}
        rows = (await conn.execute(sa.text(sql), values)).all()
        marked = [(_MARKED.findall(r[3]), _MARKED.findall(r[4])) for r in rows]
        spelled = await self._spellings(
            conn, sorted({w for title, text in marked for w in (*title, *text)})
        )
        weight = dict(zip(query.terms, query.weights, strict=True))
        scored: list[PassageHit] = []
        whole = 0
        for r, (in_title, in_text) in zip(rows, marked, strict=True):
            title, text = _unmarked(r[3]), _unmarked(r[4])
            found: dict[str, float] = {}
            for words, w in ((in_title, TITLE_WEIGHT), (in_text, TEXT_WEIGHT)):
                for word in words:
                    for term in spelled[word]:
                        if term in weight:
                            found[term] = found.get(term, 0.0) + w
            sizes = _varints(bytes(r[5])) if r[5] is not None else []
            length = sum(sizes) if sizes else len(_TOKEN.findall(f"{title} {text}"))
            norm = K1 * (1 - B + B * length / stats.mean)
            score = sum(weight[t] * f * (K1 + 1) / (f + norm) for t, f in found.items())
            scored.append(PassageHit(r[0], r[1], title, text, utc(r[2]), -score))
            whole += len(found) == len(weight)
        scored.sort(key=lambda h: (h.rank, h.id))
        return scored[: int(params["limit"])], whole


@dataclass(frozen=True, slots=True)
class _Stats:
    """Passages holding each index term of a question, the passages' number and their mean
    length in tokens (SQLite's BM25 needs it)."""

    frequencies: dict[str, int]
    total: int
    newest: int  # the newest passage's id
    mean: float = 1.0


_MARKED = re.compile("\x02(.*?)\x03", re.S)
_TOKEN = re.compile(r"[^\W_]+")
# Per connection: a scratch FTS5 table tokenising as passage_fts does, and its vocabulary.
_SQLITE_PROBE = (
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.term_probe USING fts5("
    f"word, tokenize='{SQLITE_TOKENIZER}')",
    "CREATE VIRTUAL TABLE IF NOT EXISTS temp.term_probe_vocab "
    "USING fts5vocab(temp, term_probe, 'instance')",
)


def _closest(
    ids: NDArray[np.int64],
    at: NDArray[np.float64],
    matrix: NDArray[np.float32],
    vector: NDArray[np.float32],
    since: datetime | None,
    until: datetime | None,
    limit: int,
) -> dict[int, float]:
    """The ids of the `limit` vectors closest to `vector` (within the time range), best
    first, with their cosine similarity."""
    # einsum, not BLAS: one thread, ~25 % faster here alone, and with the machine's two cores
    # busy (the database ranking beside it) OpenBLAS's second thread waited out scheduler
    # ticks (~8 ms p50 against einsum's ~3). Same scores to float32's last bits.
    scores = np.einsum("ij,j->i", matrix, vector.astype(np.float32))
    if since is not None:
        scores[at < since.timestamp()] = -2.0
    if until is not None:
        scores[at > until.timestamp()] = -2.0
    k = min(limit, len(scores))
    top = np.argpartition(-scores, k - 1)[:k]
    top = top[np.argsort(-scores[top], kind="stable")]
    return {int(ids[i]): float(scores[i]) for i in top if scores[i] > -2.0}


def _vectors(blobs: dict[int, bytes]) -> dict[int, NDArray[np.float32]]:
    """Stored vectors by passage id (a damaged one is left out, to be computed again)."""
    valid = {i: b for i, b in blobs.items() if len(b) == 2 * DIM}
    return dict(zip(valid, from_blobs(list(valid.values())), strict=True))


def _held(index: _Vectors, ids: Sequence[int]) -> dict[int, NDArray[np.float32]]:
    """The vectors of those passages that the index holds."""
    if not len(index.ids) or not ids:
        return {}
    wanted = np.asarray(ids, dtype=np.int64)
    at = np.searchsorted(index.ids, wanted)  # ids are kept in ascending order
    at = np.minimum(at, len(index.ids) - 1)
    found = index.ids[at] == wanted
    return {int(i): index.matrix[k] for i, k, ok in zip(wanted, at, found, strict=True) if ok}


def _idf(total: int, df: int) -> float:
    """BM25's inverse document frequency, as FTS5 computes it (never below zero)."""
    return max(math.log((total - df + 0.5) / (df + 0.5)), 1e-6)


def _unmarked(text: str) -> str:
    return text.replace("\x02", "").replace("\x03", "")


def _varints(data: bytes) -> list[int]:
    """SQLite's variable-length integers, one after another (FTS5's averages record: the
    number of rows, then the tokens of each column)."""
    values: list[int] = []
    i = 0
    while i < len(data):
        value = 0
        for j in range(9):
            byte = data[i]
            i += 1
            if j == 8:
                value = (value << 8) | byte
                break
            value = (value << 7) | (byte & 0x7F)
            if not byte & 0x80:
                break
        values.append(value)
    return values
