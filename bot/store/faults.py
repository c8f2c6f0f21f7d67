"""Database faults an operator can cause, as `StoreError`s with a one-line reason and a fix.

Pure: given what the driver raised and the database's URL, say what is wrong (unreachable,
login refused, no such database, busy, disk full, read-only, schema behind) or return None
for anything else, which stays a bug to report. `db.py` hooks this into the engine, so every
statement and every connection attempt is covered; nothing else classifies driver errors.
"""

from __future__ import annotations

import errno
import socket
from pathlib import Path

from sqlalchemy.engine import URL

from bot.errors import StoreError

_SQLITE_MESSAGES: tuple[tuple[str, str], ...] = (
    ("database is locked", "busy"),
    ("database table is locked", "busy"),
    ("database or disk is full", "full"),
    ("attempt to write a readonly database", "readonly"),
    ("unable to open database file", "open"),
    ("disk i/o error", "io"),
    ("no such table", "schema"),
    ("no such column", "schema"),
)
_PG_STATES: dict[str, str] = {
    "3D000": "nodb",
    "53100": "full",
    "25006": "readonly",
    "42P01": "schema",
    "42703": "schema",
    "57P03": "starting",
    "53300": "crowded",
}


def _where(url: URL) -> str:
    return f"{url.host or 'localhost'}:{url.port or 5432}"


def _sqlite_path(url: URL) -> str:
    return url.database or ":memory:"


def connect_error(exc: OSError, url: URL) -> StoreError:
    """The database server could not be reached at all."""
    if isinstance(exc, socket.gaierror):
        why = f"cannot resolve {url.host}"
    elif isinstance(exc, ConnectionRefusedError):
        why = "connection refused"
    elif isinstance(exc, TimeoutError):
        why = "no answer"
    else:
        why = exc.strerror or type(exc).__name__
    return StoreError(
        f"cannot reach the database at {_where(url)} ({why}): is PostgreSQL running there? "
        "Check BRIEFBOT_DATABASE_URL"
    )


def folder_error(exc: OSError, folder: Path) -> StoreError:
    """The SQLite file's folder could not be created."""
    why = exc.strerror or type(exc).__name__
    return StoreError(
        f"cannot create the data folder {folder} ({why}): "
        "set BRIEFBOT_DATA_DIR to a folder this user can write"
    )


def classify(exc: BaseException, url: URL, *, busy_timeout: float) -> StoreError | None:
    """A `StoreError` for a database fault the operator can fix, else None."""
    if (
        isinstance(exc, OSError)
        and not isinstance(exc, socket.gaierror)
        and exc.errno
        in (
            errno.ENOSPC,
            errno.EDQUOT,
        )
    ):
        return _reason("full", url, busy_timeout)
    state = getattr(exc, "sqlstate", None) or getattr(exc, "pgcode", None)
    if isinstance(state, str):
        if state.startswith("28"):
            return StoreError(
                f"the database at {_where(url)} refused the login of {url.username or 'the user'}"
                ": check the user name and password in BRIEFBOT_DATABASE_URL"
            )
        if state.startswith("08"):
            return connect_error(ConnectionError(), url)
        kind = _PG_STATES.get(state)
        return _reason(kind, url, busy_timeout) if kind else None
    if url.get_backend_name() == "sqlite":
        text = str(exc).lower()
        for needle, kind in _SQLITE_MESSAGES:
            if needle in text:
                return _reason(kind, url, busy_timeout)
    return None


def _reason(kind: str, url: URL, busy_timeout: float) -> StoreError:
    folder = Path(_sqlite_path(url)).parent
    place = str(folder) if url.get_backend_name() == "sqlite" else "the database server"
    reasons = {
        "busy": (
            f"the database is busy (another briefbot?): it stayed locked for {busy_timeout:g} s;"
            " stop the other process or try again when it is done"
        ),
        "full": f"the disk is full: the database could not be written; free space on {place}",
        "readonly": (
            f"the database is read-only: make {folder} and its files writable by this user"
            if url.get_backend_name() == "sqlite"
            else "the database is read-only (a standby?): point BRIEFBOT_DATABASE_URL at the "
            "primary"
        ),
        "open": (
            f"cannot open the database file {_sqlite_path(url)}: check that "
            "BRIEFBOT_DATA_DIR is a folder this user can write"
        ),
        "io": f"the database could not be written (disk full?): free space on {place}",
        "schema": "the database schema is older than this briefbot: run `briefbot migrate`",
        "nodb": (
            f"database {url.database} does not exist at {_where(url)}: create it or fix "
            "BRIEFBOT_DATABASE_URL"
        ),
        "starting": f"the database at {_where(url)} is starting up: try again in a moment",
        "crowded": (
            f"the database at {_where(url)} has too many connections: try again later or raise "
            "its max_connections"
        ),
    }
    return StoreError(reasons[kind])
