"""`briefbot quotes` over a real SQLite store in BRIEFBOT_DATA_DIR: output, windows, zones, and
one-line errors."""

from __future__ import annotations

import asyncio
import json
from datetime import UTC, datetime
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from bot.store import Store
from tests.helpers.quotes import add_quotes
from tests.helpers.settings import LLM_VARS

runner = CliRunner()


async def _seed(path: Path) -> None:
    store = Store.from_url(f"sqlite+aiosqlite:///{path}")
    await store.db.migrate()
    await add_quotes(store, datetime.now(UTC))
    await store.close()


@pytest.fixture(autouse=True)
def _coverage(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("BRIEFBOT_CONFIG", "BRIEFBOT_DATABASE_URL", *LLM_VARS):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BRIEFBOT_DATA_DIR", str(tmp_path))
    asyncio.run(_seed(tmp_path / "briefbot.db"))
    assert runner.invoke(app, ["init"]).exit_code == 0  # topic eu-us-steel, Europe/Brussels


def test_a_role_gives_verbatim_quotes_with_speaker_date_and_source() -> None:
    result = runner.invoke(app, ["quotes", "the trade commissioner", "--tz", "Asia/Tokyo"])
    assert result.exit_code == 0, result.output
    out = result.stdout
    assert out.index("We have put our last offer on the table") < out.index(
        "Steel is not a bargaining chip"
    )  # newest first
    assert "Sabine Ostrova" in out and "JST" in out
    assert "[Ostrova calls the offer final](https://harbour-ledger.test/offer-final)" in out
    assert "Harbour Ledger" in out
    assert "Ilse Marrow" not in out and "Petr Ostrova" not in out


def test_a_person_with_no_quote_is_one_line() -> None:
    result = runner.invoke(app, ["quotes", "Jana Holm"])
    assert result.exit_code == 0
    assert result.stdout == "No quote from Jana Holm in the coverage.\n"


def test_speaker_option_since_and_topic() -> None:
    result = runner.invoke(
        app, ["quotes", "--speaker", "Sabine Ostrova", "--since", "7d", "--topic", "eu-us-steel"]
    )
    assert result.exit_code == 0, result.output
    assert "We have put our last offer on the table" in result.stdout
    assert "Steel is not a bargaining chip" not in result.stdout  # 10 days ago
    yesterday = runner.invoke(app, ["quotes", "Sabine Ostrova", "--since", "yesterday"])
    assert yesterday.stdout == "No quote from Sabine Ostrova in the coverage.\n"


def test_json_lists_everyone_newest_first_with_merged_sources() -> None:
    result = runner.invoke(app, ["quotes", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["found"] is True and doc["person"] is None
    times = [q["at"] for q in doc["quotes"]]
    assert times == sorted(times, reverse=True)
    [sandu] = [q for q in doc["quotes"] if q["speaker"] == "Mirela Sandu"]
    assert [s["site"] for s in sandu["sources"]] == ["Wirepoint", "Metro Daily"]


def test_hostile_quote_text_stays_plain() -> None:
    result = runner.invoke(app, ["quotes", "Weiss"])
    assert result.exit_code == 0, result.output
    assert "](http://evil" not in result.stdout and "<!channel>" not in result.stdout


def test_an_ambiguous_surname_says_whom_it_could_mean() -> None:
    result = runner.invoke(app, ["quotes", "Ostrova"])
    assert result.exit_code == 0
    assert result.stdout == (
        "“Ostrova” could mean Petr Ostrova or Sabine Ostrova: ask for one of them by name.\n"
    )


@pytest.mark.parametrize(
    ("args", "code", "says"),
    [
        (["quotes", "Fenwick", "--since", "last tuesday"], 2, "--since"),
        (["quotes", "Fenwick", "--tz", "Mars/Olympus"], 2, "--tz"),
        (["quotes", "Fenwick", "--topic", "nope"], 1, "no topic named 'nope'"),
        (["quotes", "Fenwick", "--speaker", "Lind"], 2, "not both"),
    ],
)
def test_bad_input_is_one_clear_line(args: list[str], code: int, says: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == code
    assert says in result.output and "Traceback" not in result.output
    assert len(result.output.strip().splitlines()) == 1
