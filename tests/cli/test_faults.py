"""Faults an operator can cause, through the real CLI in a subprocess: each is exit 1 and one
line on stderr (at most three with the start-up note), never a traceback."""

from __future__ import annotations

import asyncio
import os
import re
import resource
import signal
import sqlite3
import subprocess
import sys
import uuid
from pathlib import Path

import pytest

from bot.store import Store
from testkit.web import WebServer
from tests.databases import PG_DSN

CONFIG = """
[[topics]]
name = "steel"
[topics.query]
may = ["steel"]
[[topics.sources]]
kind = "folder"
path = "articles"
"""
CLOSED_PORT = "postgresql://postgres@127.0.0.1:1/test"


@pytest.fixture
def home(tmp_path: Path) -> Path:
    (tmp_path / "articles").mkdir()
    (tmp_path / "briefbot.toml").write_text(CONFIG, encoding="utf-8")
    return tmp_path


def briefbot(
    home: Path, *args: str, preexec: object = None, **env: str
) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("BRIEFBOT_", "OPENAI_"))}
    clean.update(
        BRIEFBOT_CONFIG=str(home / "briefbot.toml"),
        BRIEFBOT_DATA_DIR=str(home / "data"),
        BRIEFBOT_WORKERS="0",
        BRIEFBOT_EMBEDDINGS="false",
    )
    clean.update(env)
    return subprocess.run(
        [sys.executable, "-m", "bot", *args],
        cwd=home,
        env=clean,
        capture_output=True,
        text=True,
        timeout=120,
        preexec_fn=preexec,  # type: ignore[arg-type]
    )


def assert_one_line_fault(result: subprocess.CompletedProcess[str], reason: str) -> None:
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1, result.stderr
    assert len(lines) <= 3, result.stderr
    assert "Traceback" not in result.stderr
    assert re.search(reason, lines[-1]), lines[-1]


@pytest.mark.parametrize("command", [["status"], ["brief"], ["collect"], ["ask", "steel?"]])
def test_postgres_unreachable(home: Path, command: list[str]) -> None:
    result = briefbot(home, *command, BRIEFBOT_DATABASE_URL=CLOSED_PORT)
    assert_one_line_fault(
        result,
        r"cannot reach the database at 127\.0\.0\.1:1 \(connection refused\).*"
        r"BRIEFBOT_DATABASE_URL",
    )


@pytest.mark.skipif(not PG_DSN, reason="BRIEFBOT_TEST_POSTGRES_DSN is not set")
def test_postgres_login_refused_and_database_missing(home: Path) -> None:
    base, _, _ = PG_DSN.rpartition("/")
    nobody = base.replace("://postgres@", f"://nobody_{uuid.uuid4().hex[:8]}@") + "/test"
    assert_one_line_fault(
        briefbot(home, "status", BRIEFBOT_DATABASE_URL=nobody),
        r"refused the login of nobody_\w+: check the user name and password",
    )
    missing = f"{base}/missing_{uuid.uuid4().hex[:8]}"
    assert_one_line_fault(
        briefbot(home, "brief", BRIEFBOT_DATABASE_URL=missing),
        r"database missing_\w+ does not exist at .*: create it",
    )


@pytest.mark.parametrize("command", [["brief"], ["collect"]])
def test_sqlite_held_by_another_process_is_busy(home: Path, command: list[str]) -> None:
    db = home / "data" / "briefbot.db"

    async def migrate() -> None:
        store = Store.from_url(f"sqlite+aiosqlite:///{db}")
        await store.db.migrate()
        await store.close()

    asyncio.run(migrate())
    holder = sqlite3.connect(db, isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # an open write transaction, as another briefbot's
        holder.execute("DELETE FROM sources")
        result = briefbot(home, *command, BRIEFBOT_DB_BUSY_TIMEOUT="0.5")
    finally:
        holder.close()
    assert_one_line_fault(result, r"the database is busy \(another briefbot\?\)")


def test_data_folder_that_cannot_be_created(home: Path) -> None:
    if os.geteuid() == 0:  # root writes through chmod: a folder under a file cannot exist
        data = Path("/dev/null/briefbot")
    else:
        locked = home / "locked"
        locked.mkdir(mode=0o500)
        data = locked / "data"
    result = briefbot(home, "summarize", "some text", BRIEFBOT_DATA_DIR=str(data))
    assert_one_line_fault(
        result, rf"cannot create the data folder {re.escape(str(data))} .*BRIEFBOT_DATA_DIR"
    )


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="RLIMIT_FSIZE as a full disk")
def test_disk_full(home: Path) -> None:
    def small_files() -> None:  # writes past 20 kB fail as on a full disk
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (20_000, 20_000))

    result = briefbot(home, "summarize", "steel " * 100, preexec=small_files)
    assert_one_line_fault(result, r"disk (is )?full.*free space on .*data")


def test_migrations_pending(home: Path) -> None:
    (home / "data").mkdir()
    sqlite3.connect(home / "data" / "briefbot.db").close()
    result = briefbot(home, "status")
    assert_one_line_fault(result, r"schema is at version 0 .*run `briefbot migrate` first")


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://xn--a/", r"refused: not a valid URL \(bad host name\)"),
        ("http:\\\\127.0.0.2/", r"refused: not a valid URL \(it contains backslashes\)"),
        ("http://exa\x07mple.com/", r"refused: not a valid URL \(it contains control characters\)"),
        ("http://example.com/\x1b[2J", r"refused: not a valid URL \(it contains control chara"),
    ],
)
def test_summarize_an_invalid_url(home: Path, url: str, reason: str) -> None:
    assert_one_line_fault(briefbot(home, "summarize", url), reason)


def test_summarize_a_hostile_redirect(home: Path) -> None:
    with WebServer() as web:
        web.redirect("/go", "http:\\127.0.0.2/")
        result = briefbot(home, "summarize", web.url("/go"), BRIEFBOT_ALLOW_HOSTS="127.0.0.1")
    assert_one_line_fault(result, r"127\.0\.0\.1 sent a redirect to an invalid URL")
