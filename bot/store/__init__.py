"""The database, split by what it stores; every other stage reads and writes through here.

`Store` opens one engine and hands each consumer the part it uses:

- `db` (`Database`): the engine, migrations, counts;
- `articles` (`Articles`): sources' fetch state, articles, stories, summaries;
- `search` (`PassageSearch`): passage retrieval for answers;
- `deliveries` (`Deliveries`): briefings, the delivery log, subscriptions;
- `chat` (`Conversations`): conversation turns and references, handled events;
- `ops` (`Operations`): LLM calls, run claims, monitoring figures;
- `feedback` (`Feedback`): thumbs up/down on answers and briefings.

Writes that may be repeated (a re-run, a retry) are idempotent through unique constraints and
"insert, ignore on conflict". Works on SQLite (default) and PostgreSQL.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.store.articles import Articles
from bot.store.chat import Conversations
from bot.store.db import Database
from bot.store.deliveries import Deliveries
from bot.store.feedback import Feedback
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
    feedback: Feedback

    @classmethod
    def over(cls, db: Database) -> Store:
        return cls(
            db,
            Articles(db),
            PassageSearch(db),
            Deliveries(db),
            Conversations(db),
            Operations(db),
            Feedback(db),
        )

    @classmethod
    def from_url(cls, url: str, *, busy_timeout: float | None = None) -> Store:
        """The store of a database URL (nothing is connected until first used)."""
        if busy_timeout is None:
            return cls.over(Database.from_url(url))
        return cls.over(Database.from_url(url, busy_timeout=busy_timeout))

    async def close(self) -> None:
        await self.db.close()


__all__ = [
    "Articles",
    "Conversations",
    "Database",
    "Deliveries",
    "Feedback",
    "Operations",
    "PassageSearch",
    "Store",
]
