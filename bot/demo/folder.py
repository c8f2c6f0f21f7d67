"""The demo's data folder: kept after `briefbot demo`, so `briefbot ask` can question what it
collected, and started afresh by every run, so a re-run gives the same briefing (the demo's
server listens on a new port each time, so its articles' URLs change: an old database would
hold every article twice).

It only ever empties a folder the demo made (one holding its marker file) or an empty one;
a folder holding anything else is refused, so a mistyped `--data-dir` never wipes a real
database.
"""

from __future__ import annotations

from pathlib import Path

from bot.errors import ConfigError

DEFAULT = Path("briefbot-demo")
MARKER = ".briefbot-demo"
# A question the offline engine answers from the demo's coverage (tests check it is answered).
QUESTION = "What did Whitcombe say about overcapacity?"

_NOTE = "This folder holds the data of `briefbot demo`; every run of the demo starts it afresh.\n"
_DATABASE = ("briefbot.db", "briefbot.db-wal", "briefbot.db-shm", "briefbot.db-journal")


def prepare(folder: Path) -> None:
    """Make `folder` ready for a fresh run: created with its marker, or cleared of an earlier
    run's database; a ConfigError if it is not the demo's to clear."""
    marker = folder / MARKER
    if folder.exists() and not folder.is_dir():
        raise ConfigError(f"--data-dir: {folder} is a file; name a folder for the demo's data.")
    if folder.is_dir() and not marker.is_file() and any(folder.iterdir()):
        raise ConfigError(
            f"--data-dir: {folder} already holds files the demo did not write; "
            "name a new or empty folder for the demo's data."
        )
    try:
        folder.mkdir(parents=True, exist_ok=True)
        marker.write_text(_NOTE, encoding="utf-8")
        for name in _DATABASE:
            (folder / name).unlink(missing_ok=True)
    except OSError as exc:
        raise ConfigError(f"--data-dir: cannot write to {folder} ({exc.strerror}).") from None
