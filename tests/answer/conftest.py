"""Retrieval runs on both backends: the `corpus` fixture (tests/conftest.py) stores into this
`store`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from bot.store import Store
from tests.databases import BACKENDS, open_store


@pytest.fixture(params=BACKENDS)
async def store(request: pytest.FixtureRequest, tmp_path: Path) -> AsyncIterator[Store]:
    """Retrieval runs on both backends (tests elsewhere use `corpus` on plain SQLite)."""
    async with open_store(request.param, tmp_path) as s:
        yield s
