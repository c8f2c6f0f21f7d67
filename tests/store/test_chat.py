"""Conversation turns: a question and its answer are written together, in one transaction."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa

from bot.store import Store

T0 = datetime(2026, 11, 24, 9, 0, tzinfo=UTC)


async def test_an_exchange_is_one_transaction_of_two_turns(store: Store) -> None:
    commits: list[Any] = []
    count = commits.append  # one object, so that it can be removed again
    sync_engine = store.db.engine.sync_engine
    sa.event.listen(sync_engine, "commit", count)
    try:
        await store.chat.add_exchange("c", "How many jobs?", "12,000 [1].", T0, [7, 3])
    finally:
        sa.event.remove(sync_engine, "commit", count)
    assert len(commits) == 1
    turns = await store.chat.turns("c", last=10)
    assert [(t.role, t.text, t.citations) for t in turns] == [
        ("user", "How many jobs?", ()),
        ("assistant", "12,000 [1].", (7, 3)),
    ]
    assert {t.at for t in turns} == {T0}


async def test_exchanges_keep_their_order(store: Store) -> None:
    for i in range(3):
        await store.chat.add_exchange("c", f"question {i}", f"answer {i}", T0)
    await store.chat.add_exchange("other", "elsewhere", "not here", T0)
    turns = await store.chat.turns("c", last=4)
    assert [t.text for t in turns] == ["question 1", "answer 1", "question 2", "answer 2"]
