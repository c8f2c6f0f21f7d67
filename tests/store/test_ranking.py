"""The ranking's shortcuts keep it exhaustive: questions whose common terms make many
candidates, ranked first over the passages holding a rarer term (MaxScore), give the ranking
of every candidate; and PostgreSQL's text index keeps a short pending list."""

from __future__ import annotations

import math
import random

import sqlalchemy as sa

from bot.store import Store
from bot.store.articles import BatchItem
from bot.store.ranking import K1, Query, rare_first
from bot.store.search import PassageSearch
from tests.store.test_search import VOCABULARY, corpus, exhaustive, expected_floor, frequencies


def test_rare_terms_first_only_when_the_common_ones_crowd_and_are_outweighed() -> None:
    # two rare terms, three common ones (a name of two words and a common word); 3 of 5
    rare_and_common = Query(
        ["tiluda", "druchasvouta", "chebo", "brilgrerno", "starpo"],
        [7.84, 7.75, 1.89, 1.26, 1.26],
        3,
        passages=(153, 167, 51_060, 85_953, 85_953),
    )
    h = rare_first(rare_and_common, 2000)
    assert h == 2  # (K1 + 1) x (1.89 + 1.26 + 1.26) < 7.75 + 1.26 + 1.26
    assert (K1 + 1) * sum(rare_and_common.weights[h:]) < 7.75 + 2 * 1.26
    # every term rare: too few candidates to be worth two rankings
    rare = Query(["a", "b", "c"], [8.0, 7.9, 7.5], 2, passages=(100, 120, 300))
    assert rare_first(rare, 2000) == 0
    # common terms weighing as much as the rare ones: no first ranking could be kept
    even = Query(["a", "b", "c", "d"], [3.0, 2.9, 2.8, 2.7], 2, passages=(2500, 2600, 2700, 2800))
    assert rare_first(even, 2000) == 0
    # k = 1: any term is a candidate's; nothing to gain
    assert rare_first(Query(["a", "b"], [8.0, 1.0], 1, passages=(10, 90_000)), 2000) == 0


def ranking_statements(store: Store) -> list[str]:
    """The ranking statements run on PostgreSQL from now on (an event listener, not a patch)."""
    seen: list[str] = []

    @sa.event.listens_for(store.db.engine.sync_engine, "before_cursor_execute")
    def _seen(*args: object) -> None:
        statement = str(args[2])
        if "ORDER BY rank" in statement:
            seen.append(statement)

    return seen


async def test_ranking_rare_terms_first_equals_the_exhaustive_ranking(store: Store) -> None:
    """With a small `crowded`, common terms count as crowding: the first ranking, over the
    passages holding a rarer term, is kept only when exact; either way the result is the
    ranking of every passage holding k of the n terms."""
    await store.articles.add_articles([BatchItem(a, new_story=True) for a in corpus(80, seed=9)])
    counts = await frequencies(store)
    total = counts[""]
    statements = ranking_statements(store)
    rng = random.Random(8)
    split = kept = 0
    for crowded in (20, 40, 80):
        search = PassageSearch(store.db, crowded=crowded)
        for _ in range(20):
            # common terms (the head of the Zipf vocabulary) and one or two rarer ones
            terms = rng.sample(VOCABULARY[:5], 2) + rng.sample(VOCABULARY[25:], rng.randint(1, 3))
            known = sorted((t for t in terms if t in counts), key=lambda t: (counts[t], t))
            k = math.ceil(0.6 * len(known))
            dfs = [counts[t] for t in known]
            weights = [max(math.log((total - d + 0.5) / (d + 0.5)), 1e-6) for d in dfs]
            tried = rare_first(Query(known, weights, k, passages=tuple(dfs)), crowded)
            statements.clear()
            for limit in (5, 15, 60):  # 60: more than hold a rarer term
                got = await search.search_passages("steel", terms, limit=limit, at_least=k)
                expected = await exhaustive(store, terms)
                assert len(got) == min(limit, len(expected)), terms
                for hit, (_, score) in zip(got, expected, strict=False):
                    assert math.isclose(-hit.rank, score, rel_tol=1e-6), terms
                floor = expected_floor(expected, limit)
                assert {i for i, s in expected if s > floor} <= {h.id for h in got}
            split += bool(tried)
            if store.db.dialect == "postgresql" and tried:
                kept += len(statements) < 6  # one ranking, not two, for at least one limit
    assert split  # the shortcut was tried...
    if store.db.dialect == "postgresql":
        assert kept  # ...and its first ranking kept at times


async def test_the_text_index_keeps_a_short_pending_list(store: Store) -> None:
    if store.db.dialect != "postgresql":
        return
    async with store.db.engine.connect() as conn:
        options = (
            await conn.execute(
                sa.text(
                    "SELECT reloptions FROM pg_class WHERE relname = 'ix_passages_search' "
                    "AND relnamespace = CAST(current_schema() AS regnamespace)"
                )
            )
        ).scalar()
    assert "gin_pending_list_limit=64" in list(options or [])
