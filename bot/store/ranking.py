"""BM25 ranking of "k of n terms" matches: the query's shape and constants, shared by both
backends, and the PostgreSQL ranking (SQLite's, with FTS5, is in bot/store/search.py).

PostgreSQL reads each candidate's tsvector to score it, so the work grows with the
candidates. Two things keep them few:

- the recency-bounded first pass is decided in the same statement: the newest passages are
  ranked alone when `limit` of them hold every term (a count the index answers from the
  rarest term's entries), all of them otherwise;
- a question whose commonest terms alone make thousands of passages hold k of them (a common
  name and a common word) is ranked first over the passages holding one of its rarer terms,
  as MaxScore does: a term adds less than (K1 + 1) times its weight to a score, so when the
  `limit`-th score found is above (K1 + 1) times the common terms' weights, no passage holding
  only those can rank before it, and the ranking is the exhaustive one. Otherwise all the
  candidates are ranked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.ext.asyncio import AsyncConnection

from bot.store.db import utc

# BM25 as FTS5's bm25() computes it, titles weighted up (bm25(passage_fts, 2.0, 1.0)).
K1, B = 1.2, 0.75
TITLE_WEIGHT, TEXT_WEIGHT = 2.0, 1.0


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


@dataclass(frozen=True, slots=True)
class Query:
    """The terms matched (rarest first), their weights, how many a passage must hold, and the
    passages holding each."""

    terms: list[str]
    weights: list[float]
    k: int
    crowded: bool = False  # SQLite: too many to score here; bm25() ranks them (all terms)
    passages: tuple[int, ...] = ()


def at_least(k: int, terms: Sequence[str], both: str, either: str) -> str:
    """A boolean expression true when at least k of the terms are: (t1 and k-1 of the rest)
    or (k of the rest). With the rarest term first, every branch starts with a short list."""
    if k <= 1:
        return "(" + either.join(terms) + ")"
    if k >= len(terms):
        return "(" + both.join(terms) + ")"
    first, rest = terms[0], terms[1:]
    return f"(({first}{both}{at_least(k - 1, rest, both, either)}){either}" + (
        f"{at_least(k, rest, both, either)})"
    )


def rare_first(query: Query, crowded: int) -> int:
    """How many of the rarest terms the first ranking requires one of (0: no such ranking).
    Worth it when the other terms are common enough for `crowded` passages to hold k of
    them, and the rarer ones few: a passage holding a rare term and k - 1 others then
    outscores any holding only the common ones, whatever their counts."""
    n, k, w = len(query.terms), query.k, query.weights
    if k < 2 or len(query.passages) != n:
        return 0
    least = sum(sorted(w)[: k - 1])
    for h in range(1, n - k + 1):  # the common terms, w[h:], can still make k
        common = sorted(query.passages[h:], reverse=True)
        if sum(query.passages[:h]) > crowded or common[k - 1] < crowded:
            return 0
        if (K1 + 1) * sum(w[h:]) < w[h - 1] + least:
            return h
    return 0


def _lexeme(term: str) -> str:
    """A lexeme as a tsquery operand (quoted; it is already stemmed, so never stemmed again)."""
    return "'" + term.replace("'", "''") + "'"


async def ranked_postgres(
    conn: AsyncConnection,
    query: Query,
    low: int,
    where: list[str],
    params: dict[str, Any],
    crowded: int,
) -> tuple[list[PassageHit], dict[int, bytes]]:
    """The passages whose tsvector matches k of the n terms, ranked by BM25 with the stored
    frequencies: each term's occurrences (in the title twice, weight A, as on SQLite) read
    from the tsvector, saturating as BM25's do; only those newer than `low` when `limit` of
    them hold every term. Without BM25's length term: passages are cut to about the same
    length, and the mean would be one more total to keep. (ts_rank, used before, counts a
    word's first occurrence most and never saturates; with the fused ranking, that lost
    targets it placed third or fourth.) Returned with the stored vectors of the passages
    found, by id: the answer engine wants them next, and read with the rows they cost no
    round trip of their own."""
    lexemes = [_lexeme(t) for t in query.terms]
    # Commonest term first in the expression: the text index evaluates it for each passage
    # holding a rarer term, and a common term's branch is then decided soonest (the rarest
    # first took up to 3x as long for the same passages at 100k articles).
    match = at_least(query.k, lexemes[::-1], " & ", " | ")
    limit = int(params["limit"])
    h = rare_first(query, crowded)
    if h:
        first = f"({' | '.join(lexemes[:h])}) & {match}"
        hits, vectors = await _ranked(conn, query, first, low, where, params)
        # A passage holding only the common terms scores below (K1 + 1) x their weights.
        # (rare_first's choice makes every passage found here score above it: checked all
        # the same, the ranking's exactness resting on it.)
        ceiling = (K1 + 1) * sum(query.weights[h:])
        if len(hits) >= limit and -hits[limit - 1].rank > ceiling * (1 + 1e-9):
            return hits, vectors
    return await _ranked(conn, query, match, low, where, params)


async def _ranked(
    conn: AsyncConnection,
    query: Query,
    match: str,
    low: int,
    where: list[str],
    params: dict[str, Any],
) -> tuple[list[PassageHit], dict[int, bytes]]:
    values: dict[str, Any] = {
        **params,
        "match": match,
        "terms": query.terms,
        "weights": query.weights,
        "k1": K1 + 1,
        "k": K1,
    }
    bound = "0"
    if low > 0:
        # The newest passages alone when `limit` of them hold every term (an older one could
        # hold no more of them; passages holding only k would leave out an older one holding
        # all, which is what an old story's question looks like).
        bound = (
            "(CASE WHEN (SELECT count(*) FROM (SELECT 1 FROM passages p "
            "JOIN articles a ON a.id = p.article_id WHERE p.search @@ CAST(:every AS tsquery) "
            f"AND p.id > :low AND {' AND '.join(where)} LIMIT :limit) e) >= :limit "
            "THEN :low ELSE 0 END)"
        )
        values.update(every=" & ".join(_lexeme(t) for t in query.terms), low=low)
    # Each candidate's tsvector cut down to the terms (a lexeme's positions made weight C, then
    # only those kept), joined by the terms of its title again as weight D: a term's
    # occurrences are read from its positions' weights. setweight and ts_filter walk the
    # tsvector once; deleting every other lexeme by name, as before, took 5x as long. The
    # terms are unnested in the select list and summed per passage: a lateral subquery per
    # candidate took twice as long.
    terms = "CAST(:terms AS text[])"
    cut = (
        f"ts_filter(setweight(p.search, 'C', {terms}), '{{c}}') || "
        f"ts_filter(setweight(ts_filter(p.search, '{{a}}'), 'D', {terms}), '{{d}}')"
    )
    # A title's occurrence is there twice (C and D), TEXT_WEIGHT each; the rest of its
    # TITLE_WEIGHT (none while it is twice TEXT_WEIGHT) is added per D position.
    occurrences = f"{TEXT_WEIGHT} * CAST(cardinality((x.u).weights) AS float8)"
    if TITLE_WEIGHT != 2 * TEXT_WEIGHT:
        occurrences += (
            f" + {TITLE_WEIGHT - 2 * TEXT_WEIGHT} * "
            "CAST(cardinality(array_positions((x.u).weights, 'D')) AS float8)"
        )
    # Passage conditions select the candidates; the article's (a.) are checked on the ranked
    # passages in order, so only about `limit` articles are read, not one per candidate.
    own = [w for w in where if not w.startswith("a.")]
    article = [w for w in where if w.startswith("a.")] or ["true"]
    sql = (
        "SELECT p.id, p.article_id, p.title, p.text, p.at, s.rank, p.embedding FROM ("
        f"SELECT c.id, -sum((CAST(:weights AS float8[]))[array_position({terms}, "
        "(c.u).lexeme)] * c.f * :k1 / (c.f + :k)) AS rank FROM ("
        f"SELECT x.id, x.u, {occurrences} AS f FROM ("
        f"SELECT p.id, unnest({cut}) AS u FROM passages p "
        f"WHERE p.search @@ CAST(:match AS tsquery) AND p.id > {bound}"
        f"{''.join(' AND ' + w for w in own)}) x) c "
        "GROUP BY c.id ORDER BY rank, c.id) s "
        "JOIN passages p ON p.id = s.id JOIN articles a ON a.id = p.article_id "
        f"WHERE {' AND '.join(article)} ORDER BY s.rank, s.id LIMIT :limit"
    )
    rows = (await conn.execute(sa.text(sql), values)).all()
    hits = [PassageHit(r[0], r[1], r[2], r[3], utc(r[4]), float(r[5])) for r in rows]
    return hits, {int(r[0]): bytes(r[6]) for r in rows if r[6] is not None}
