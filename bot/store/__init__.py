"""The database, split by what it stores; every other stage reads and writes through here.

`Store` opens one engine and hands each consumer the part it uses:

- `db` (`Database`): the engine, migrations, counts;
- `articles` (`Articles`): sources' fetch state, articles, stories, summaries;
- `search` (`PassageSearch`): passage retrieval for answers;
- `deliveries` (`Deliveries`): briefings, the delivery log, subscriptions;
- `chat` (`Conversations`): conversation turns and references, handled events;
- `ops` (`Operations`): LLM calls, run claims, monitoring figures.

Writes that may be repeated (a re-run, a retry) are idempotent through unique constraints and
"insert, ignore on conflict". Works on SQLite (default) and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.articles import Articles
from bot.store.chat import Conversations
from bot.store.db import Database
from bot.store.deliveries import Deliveries
from bot.store.ops import Operations
from bot.store.search import PassageSearch


@dataclass(frozen=True, slots=True)
class Store:
    """Every part of the store over one database."""

    db: Database
    articles: Articles
    search: PassageSearch
    deliveries: Deliveries
    chat: Conversations
    ops: Operations

    @classmethod
    def over(cls, db: Database) -> Store:
        return cls(
            db, Articles(db), PassageSearch(db), Deliveries(db), Conversations(db), Operations(db)
        )

    @classmethod
    def from_url(cls, url: str) -> Store:
        """The store of a database URL (nothing is connected until first used)."""
        return cls.over(Database.from_url(url))

    async def close(self) -> None:
        await self.db.close()


__all__ = [
    "Articles",
    "Conversations",
    "Database",
    "Deliveries",
    "Operations",
    "PassageSearch",
    "Store",
]
