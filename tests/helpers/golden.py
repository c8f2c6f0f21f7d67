"""Golden files: rendered output pinned in tests/fixtures/golden/<name>.

`golden(name, text)` fails when `text` differs from the file, and when there is no such file:
a test never writes one of its own accord. To write them, run the tests with
BRIEFBOT_UPDATE_GOLDEN=1: each golden file that is missing or differs is then (re)written
from the current output, and the test that wrote it still fails, saying so. Review the diff,
then run without the variable (a test with several golden files writes one per run).
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).resolve().parents[1] / "fixtures" / "golden"
UPDATE = "BRIEFBOT_UPDATE_GOLDEN"


def golden(name: str, text: str, *, folder: Path = GOLDEN) -> None:
    path = folder / name
    pinned = path.read_text(encoding="utf-8") if path.exists() else None
    if text == pinned:
        return
    if os.environ.get(UPDATE) == "1":
        path.write_text(text, encoding="utf-8")
        pytest.fail(f"golden file {name} written ({UPDATE}=1): review it, then run without it")
    if pinned is None:
        pytest.fail(f"no golden file {path}; run with {UPDATE}=1 to write it, then review it")
    assert text == pinned, f"{name} changed; see the diff above"
