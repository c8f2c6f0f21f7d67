"""The database under every store module: one engine, the migrations runner, and the few
dialect differences (insert-or-ignore, raw time parameters) in one place.

Other stages never write SQL; store modules never open their own engine. Faults the operator
can fix (unreachable, login refused, busy, disk full, read-only…) leave the engine as
`StoreError`s with one-line reasons (see `faults.py`), from any statement or connection.
"""

from __future__ import annotations

from dataclasses import fields
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

import sqlalchemy as sa
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlalchemy.ext.asyncio import AsyncEngine, create_async_engine

from bot.errors import StoreError
from bot.store import migrations, schema
from bot.store.faults import classify, connect_error, folder_error

T = TypeVar("T")
# Seconds SQLite waits for another process's write lock before saying the database is busy.
BUSY_TIMEOUT = 10.0


def create_engine(url: str, *, busy_timeout: float = BUSY_TIMEOUT) -> AsyncEngine:
    """An async engine for the URL (SQLite files get their folder created)."""
    if url.startswith("sqlite"):
        path = url.split(":///", 1)[1] if ":///" in url else ""
        path = path.split("?", 1)[0]
        if path and path != ":memory:":
            folder = Path(path).parent
            try:
                folder.mkdir(parents=True, exist_ok=True)
            except OSError as exc:
                raise folder_error(exc, folder) from None
        engine = create_async_engine(url, connect_args={"timeout": busy_timeout})

        @sa.event.listens_for(engine.sync_engine, "connect")
        def _pragmas(dbapi_conn: Any, _record: Any) -> None:
            cursor = dbapi_conn.cursor()
            cursor.execute("PRAGMA foreign_keys=ON")
            cursor.execute("PRAGMA journal_mode=WAL")
            cursor.execute("PRAGMA synchronous=NORMAL")
            cursor.close()

    else:
        engine = create_async_engine(url, pool_pre_ping=True)

        @sa.event.listens_for(engine.sync_engine, "do_connect")
        def _connect(dialect: Any, _record: Any, cargs: Any, cparams: Any) -> Any:
            try:
                return dialect.connect(*cargs, **cparams)
            except OSError as exc:  # refused, unresolvable, timed out: never a DBAPI error
                raise connect_error(exc, engine.url) from None

    @sa.event.listens_for(engine.sync_engine, "handle_error")
    def _fault(ctx: sa.engine.ExceptionContext) -> BaseException | None:
        if ctx.is_pre_ping:  # the pool reconnects on its own
            return None
        return classify(ctx.original_exception, engine.url, busy_timeout=busy_timeout)

    return engine


class Database:
    """One engine and what every store module needs from it."""

    def __init__(self, engine: AsyncEngine) -> None:
        self.engine = engine

    @classmethod
    def from_url(cls, url: str, *, busy_timeout: float = BUSY_TIMEOUT) -> Database:
        return cls(create_engine(url, busy_timeout=busy_timeout))

    async def close(self) -> None:
        await self.engine.dispose()

    @property
    def dialect(self) -> str:
        return self.engine.dialect.name

    def insert_ignore(self, table: sa.Table, conflict: list[str]) -> Any:
        """INSERT … ON CONFLICT DO NOTHING for the engine's dialect."""
        if self.dialect == "postgresql":
            return postgresql.insert(table).on_conflict_do_nothing(index_elements=conflict)
        return sqlite.insert(table).on_conflict_do_nothing(index_elements=conflict)

    def raw_time(self, value: datetime) -> Any:
        """A time as a raw SQL parameter: SQLite compares the stored text, PostgreSQL wants a
        naive UTC datetime."""
        if self.dialect == "postgresql":
            return value.astimezone(UTC).replace(tzinfo=None)
        return naive(value)

    async def migrate(self) -> list[int]:
        """Apply pending migrations; returns the versions applied."""
        try:
            async with self.engine.begin() as conn:
                return await conn.run_sync(migrations.migrate)
        except SQLAlchemyError as exc:
            raise StoreError(f"could not migrate the database ({type(exc).__name__})") from exc
        except OSError as exc:
            raise StoreError(f"could not open the database ({exc.strerror})") from exc

    async def schema_version(self) -> int:
        async with self.engine.begin() as conn:
            versions = await conn.run_sync(migrations.applied_versions)
        return max(versions, default=0)

    async def count(self, table: str, topic: str | None = None) -> int:
        """Rows in a table (of one topic where the table has topics)."""
        t = schema.metadata.tables[table]
        query = sa.select(sa.func.count()).select_from(t)
        if topic is not None and "topic" in t.c:
            query = query.where(t.c.topic == topic)
        async with self.engine.connect() as conn:
            return int((await conn.execute(query)).scalar_one())


def row_to(kind: type[T], row: Any) -> T:
    """A typed record from a row whose columns include every field of the dataclass `kind`."""
    m = row._mapping
    return kind(**{f.name: m[f.name] for f in fields(kind)})  # type: ignore[arg-type]


def naive(value: datetime) -> str:
    """A time as the store keeps it (naive UTC) for raw SQL parameters."""
    return value.astimezone(UTC).replace(tzinfo=None).strftime("%Y-%m-%d %H:%M:%S.%f")


def utc(value: Any) -> datetime:
    parsed = value if isinstance(value, datetime) else datetime.fromisoformat(str(value))
    return parsed.replace(tzinfo=UTC) if parsed.tzinfo is None else parsed
