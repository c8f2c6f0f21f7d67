"""The golden-file helper never passes on a file it wrote, and writes only when told to."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.helpers.golden import GOLDEN, UPDATE, golden


def test_a_missing_golden_file_fails_and_is_not_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(UPDATE, raising=False)
    with pytest.raises(pytest.fail.Exception, match="no golden file"):
        golden("missing.json", "{}\n", folder=tmp_path)
    assert not (tmp_path / "missing.json").exists()


def test_a_changed_output_fails_and_leaves_the_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv(UPDATE, raising=False)
    (tmp_path / "x.md").write_text("old\n", encoding="utf-8")
    with pytest.raises(AssertionError, match=r"x\.md changed"):
        golden("x.md", "new\n", folder=tmp_path)
    assert (tmp_path / "x.md").read_text(encoding="utf-8") == "old\n"
    golden("x.md", "old\n", folder=tmp_path)


def test_updating_writes_the_file_and_still_fails_that_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(UPDATE, "1")
    for name in ("missing.md", "changed.md"):
        if name == "changed.md":
            (tmp_path / name).write_text("old\n", encoding="utf-8")
        with pytest.raises(pytest.fail.Exception, match="written"):
            golden(name, "new\n", folder=tmp_path)
        assert (tmp_path / name).read_text(encoding="utf-8") == "new\n"
        golden(name, "new\n", folder=tmp_path)  # now it matches: passes


def test_every_golden_file_is_compared_by_some_test() -> None:
    tests = Path(__file__).resolve().parent
    sources = "".join(p.read_text(encoding="utf-8") for p in tests.rglob("test_*.py"))
    files = sorted(p.name for p in GOLDEN.iterdir())
    assert files and [name for name in files if f'"{name}"' not in sources] == []
