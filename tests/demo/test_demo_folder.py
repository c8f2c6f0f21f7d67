"""After the demo: its data stays in the folder it names, the command it prints at the end
works when pasted (through the CLI and through a real shell), a re-run into the same folder
gives the same briefing, `--ask` answers from the demo's data, and a folder the demo did not
make is never emptied."""

from __future__ import annotations

import json
import re
import shlex
import subprocess
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from bot.demo.folder import DEFAULT, MARKER, QUESTION, prepare
from bot.errors import ConfigError
from tests.helpers.settings import LLM_VARS

runner = CliRunner()
_ASSIGNMENT = re.compile(r"^[A-Z_]+=")


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("BRIEFBOT_CONFIG", "BRIEFBOT_DATABASE_URL", "BRIEFBOT_ALLOW_HOSTS", *LLM_VARS):
        monkeypatch.delenv(name, raising=False)
    # the user's own data folder, which the demo must leave alone
    monkeypatch.setenv("BRIEFBOT_DATA_DIR", str(tmp_path / "data"))


def invoke(*args: str, env: dict[str, str] | None = None) -> Result:
    from bot.cli import app

    return runner.invoke(app, list(args), env=env)


def printed_command(result: Result) -> str:
    """The command the demo tells the user to paste (the indented line at the end)."""
    [line] = [line for line in result.stderr.splitlines() if line.startswith("  ")]
    return line.strip()


def as_cli_call(command: str) -> tuple[dict[str, str], list[str]]:
    """The environment and the arguments of a pasted `… briefbot ask …` command."""
    words = shlex.split(command)
    env = {}
    while words and _ASSIGNMENT.match(words[0]):
        name, _, value = words.pop(0).partition("=")
        env[name] = value
    return env, words[words.index("ask") :]


def content(result: Result) -> tuple[list[Any], list[str]]:
    """What the briefing says, point by point with its citations, and its sources' titles
    (not its times or row ids, which follow the clock and the order pages arrived in)."""
    doc = json.loads(result.stdout[result.stdout.index("{") :])
    doc = doc.get("briefing", doc)
    points = [
        [(p["text"], p["citations"]) for p in (story["headline"], *story["points"])]
        for story in doc["stories"]
    ]
    return points, [source["title"] for source in doc["sources"]]


def test_the_printed_command_answers_from_the_demo_and_a_rerun_is_the_same(
    tmp_path: Path,
) -> None:
    first = invoke("demo", "--format", "json")
    assert first.exit_code == 0, first.output
    assert f"./{DEFAULT}" in first.stderr
    assert (tmp_path / DEFAULT / "briefbot.db").is_file()
    assert not (tmp_path / "data").exists()  # the user's own database is not the demo's

    again = invoke("demo", "--format", "json")
    assert again.exit_code == 0, again.output
    assert content(again) == content(first)  # no article twice, the same briefing

    command = printed_command(again)
    assert QUESTION in command and "BRIEFBOT_DATABASE_URL" not in command
    env, args = as_cli_call(command)
    assert env == {"BRIEFBOT_DATA_DIR": f"./{DEFAULT}"}
    answer = invoke(*args, "--format", "json", env=env)
    assert answer.exit_code == 0, answer.output
    doc = json.loads(answer.stdout)
    assert doc["answered"] is True and "overcapacity" in doc["answer"] and doc["sources"]

    # and as typed into a shell, program and quoting included
    shell = subprocess.run(command, shell=True, capture_output=True, text=True, timeout=120)
    assert shell.returncode == 0, shell.stderr
    assert "Whitcombe" in shell.stdout and "Sources" in shell.stdout


def test_demo_ask_answers_from_its_data_and_the_command_beats_a_configured_database(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # a database configured for real use (it would win over BRIEFBOT_DATA_DIR)
    monkeypatch.setenv("BRIEFBOT_DATABASE_URL", f"sqlite:///{tmp_path / 'elsewhere.db'}")
    folder = tmp_path / "my demo"
    result = invoke(
        "demo",
        "--data-dir",
        str(folder),
        "--format",
        "json",
        "--ask",
        "How many jobs are at risk according to the unions?",
    )
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout[result.stdout.index("{") :])
    assert doc["briefing"]["stories"]
    assert doc["answer"]["answered"] is True and "12,000" in doc["answer"]["answer"]

    command = printed_command(result)
    env, args = as_cli_call(command)
    assert env == {"BRIEFBOT_DATABASE_URL": "", "BRIEFBOT_DATA_DIR": str(folder)}
    answer = invoke(*args, "-f", "json", env=env)
    assert answer.exit_code == 0, answer.output
    assert json.loads(answer.stdout)["answered"] is True


def test_demo_ask_in_markdown_follows_the_briefing() -> None:
    result = invoke("demo", "--ask", QUESTION)
    assert result.exit_code == 0, result.output
    briefing, _, answer = result.stdout.partition(f"## {QUESTION}")
    assert "Top stories" in briefing
    assert "overcapacity" in answer and "Sources" in answer


def test_an_empty_question_is_a_usage_error() -> None:
    result = invoke("demo", "--ask", "  ")
    assert result.exit_code == 2
    assert result.output.strip() == "error: --ask: the question is empty."
    assert not Path(DEFAULT).exists()  # refused before anything ran


def test_a_folder_the_demo_did_not_make_is_refused_untouched(tmp_path: Path) -> None:
    real = tmp_path / "data"
    real.mkdir()
    (real / "briefbot.db").write_bytes(b"a real database")
    result = invoke("demo", "--data-dir", str(real))
    assert result.exit_code == 1
    assert "already holds files the demo did not write" in result.output
    assert (real / "briefbot.db").read_bytes() == b"a real database"


# ------------------------------------------------------------------------------ prepare


def test_prepare_marks_a_new_or_empty_folder_and_clears_only_its_database(
    tmp_path: Path,
) -> None:
    new = tmp_path / "a" / "b"
    prepare(new)
    assert (new / MARKER).is_file()
    for name in ("briefbot.db", "briefbot.db-wal", "briefbot.db-shm"):
        (new / name).write_bytes(b"old run")
    (new / "notes.txt").write_text("mine")
    prepare(new)
    assert sorted(p.name for p in new.iterdir()) == [MARKER, "notes.txt"]

    empty = tmp_path / "empty"
    empty.mkdir()
    prepare(empty)
    assert (empty / MARKER).is_file()


def test_prepare_refuses_a_file(tmp_path: Path) -> None:
    path = tmp_path / "file"
    path.write_text("x")
    with pytest.raises(ConfigError, match="is a file"):
        prepare(path)
