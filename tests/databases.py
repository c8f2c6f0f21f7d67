"""The two store backends for tests: SQLite in a temp folder, and PostgreSQL in a schema of its
own (created and dropped per test) when BRIEFBOT_TEST_POSTGRES_DSN names a server.

    @pytest.fixture(params=BACKENDS)
    async def store(request, tmp_path): async with open_store(request.param, tmp_path) as s: ...
"""

from __future__ import annotations

import os
import uuid
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from pathlib import Path

import pytest
from sqlalchemy.ext.asyncio import create_async_engine

from bot.config import async_database_url
from bot.store import Database, Store

PG_DSN = os.environ.get("BRIEFBOT_TEST_POSTGRES_DSN", "")
BACKENDS = [
    "sqlite",
    pytest.param(
        "postgresql",
        marks=pytest.mark.skipif(not PG_DSN, reason="BRIEFBOT_TEST_POSTGRES_DSN is not set"),
    ),
]


@asynccontextmanager
async def postgres_schema() -> AsyncIterator[tuple[str, str]]:
    """A fresh schema on the test server: (async URL, schema name); dropped afterwards."""
    url = async_database_url(PG_DSN)
    name = f"t_{uuid.uuid4().hex[:12]}"
    admin = create_async_engine(url, isolation_level="AUTOCOMMIT")
    async with admin.connect() as conn:
        await conn.exec_driver_sql(f'CREATE SCHEMA "{name}"')
    try:
        yield url, name
    finally:
        async with admin.connect() as conn:
            await conn.exec_driver_sql(f'DROP SCHEMA "{name}" CASCADE')
        await admin.dispose()


@asynccontextmanager
async def open_store(backend: str, tmp_path: Path) -> AsyncIterator[Store]:
    if backend == "sqlite":
        store = Store.from_url(f"sqlite+aiosqlite:///{tmp_path / 'briefbot.db'}")
        await store.db.migrate()
        try:
            yield store
        finally:
            await store.close()
        return
    async with postgres_schema() as (url, name):
        engine = create_async_engine(url, connect_args={"server_settings": {"search_path": name}})
        store = Store.over(Database(engine))
        await store.db.migrate()
        try:
            yield store
        finally:
            await store.close()


@contextmanager
def database(backend: str, tmp_path: Path) -> Iterator[str]:
    """A fresh database URL for `briefbot` processes (PostgreSQL: a database of its own)."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'shared.db'}"
        return
    name = f"briefbot_proc_{uuid.uuid4().hex[:10]}"
    base, _, _ = PG_DSN.rpartition("/")
    _psql(f'CREATE DATABASE "{name}"')
    try:
        yield f"{base}/{name}"
    finally:
        _psql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def _psql(statement: str) -> None:
    import asyncio

    import asyncpg

    async def go() -> None:
        conn = await asyncpg.connect(PG_DSN)
        try:
            await conn.execute(statement)
        finally:
            await conn.close()

    asyncio.run(go())
