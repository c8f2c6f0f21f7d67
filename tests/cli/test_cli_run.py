"""The CLI end to end: the demo, collect → brief on a local server, summarize of a file,
pasted text and URLs (including refused ones), and re-runs."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from bot.cli import app
from testkit.web import WebServer
from tests.helpers.settings import LLM_VARS

runner = CliRunner()
PAGES = Path(__file__).resolve().parents[1] / "fixtures" / "pages"


@pytest.fixture(autouse=True)
def _isolated(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    for name in ("BRIEFBOT_CONFIG", "BRIEFBOT_DATABASE_URL", "BRIEFBOT_ALLOW_HOSTS", *LLM_VARS):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("BRIEFBOT_DATA_DIR", str(tmp_path / "data"))


@pytest.fixture
def web() -> Iterator[WebServer]:
    with WebServer() as server:
        for page in PAGES.glob("*.html"):
            server.add(f"/{page.stem}", page.read_bytes())
        yield server


def test_demo_prints_a_real_briefing() -> None:
    result = runner.invoke(app, ["demo"])
    assert result.exit_code == 0, result.output
    assert "Top stories" in result.output
    assert "## Sources" in result.output
    assert "football" not in result.output.lower()


def test_demo_json_has_stories_quotes_and_sources() -> None:
    result = runner.invoke(app, ["demo", "--format", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout[result.stdout.index("{") :])
    assert doc["stories"] and doc["sources"] and doc["quotes"]
    numbers = {s["n"] for s in doc["sources"]}
    for story in doc["stories"]:
        assert set(story["headline"]["citations"]) <= numbers
    # the syndicated wire story is one point citing several sites
    points = [p for s in doc["stories"] for p in (s["headline"], *s["points"])]
    assert max(len(p["citations"]) for p in points) >= 3


def test_python_dash_m_bot_works() -> None:
    result = subprocess.run(
        [sys.executable, "-m", "bot", "--help"], capture_output=True, text=True, timeout=60
    )
    assert result.returncode == 0 and "summarize" in result.stdout


def test_summarize_file_json_shape() -> None:
    result = runner.invoke(app, ["summarize", str(PAGES / "wire-original.html"), "-f", "json"])
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert set(doc) == {"title", "url", "key_points", "quotes"}
    assert doc["title"] == "EU and US resume steel tariff talks"
    assert 3 <= len(doc["key_points"]) <= 6
    assert all(set(p) == {"text", "sources"} for p in doc["key_points"])
    assert {"speaker": "Marta Kovalenko", "text": "We are close, but we are not there yet"} in doc[
        "quotes"
    ]


def test_summarize_pasted_text_from_stdin() -> None:
    text = (PAGES / "unions.html").read_text()
    import re

    plain = "\n\n".join(re.findall(r"<p>(.*?)</p>", text))
    result = runner.invoke(app, ["summarize", "-", "--format", "json"], input=plain)
    assert result.exit_code == 0, result.output
    doc = json.loads(result.stdout)
    assert doc["url"] is None
    assert any(q["speaker"] == "Klaus Meinhardt" for q in doc["quotes"])


def test_summarize_empty_input_is_a_clear_error() -> None:
    result = runner.invoke(app, ["summarize", "-"], input="   \n")
    assert result.exit_code == 1 and "empty" in result.output


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://127.0.0.1:9/", "refused"),
        ("http://localhost/", "refused"),
        ("http://169.254.169.254/latest/meta-data/", "refused"),
        ("file:///etc/passwd", "only http and https"),
        ("gopher://example.com/", "only http and https"),
    ],
)
def test_summarize_refuses_hostile_urls(url: str, reason: str) -> None:
    result = runner.invoke(app, ["summarize", url])
    assert result.exit_code == 1
    assert reason in result.output
    assert "Traceback" not in result.output


def test_summarize_url_from_allowed_local_server(
    web: WebServer, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFBOT_ALLOW_HOSTS", "127.0.0.1")
    result = runner.invoke(app, ["summarize", web.url("/wire-original"), "--format", "md"])
    assert result.exit_code == 0, result.output
    assert "Key points" in result.output and "Marta Kovalenko" in result.output


def test_collect_then_brief_twice_on_a_local_server(
    web: WebServer, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("BRIEFBOT_ALLOW_HOSTS", "127.0.0.1")
    base = web.url("")
    items = "".join(
        f"<item><title>{p}</title><link>{base}/{p}</link></item>"
        for p in ("wire-original", "wire-copy-ledger", "unions", "football")
    )
    web.add(
        "/feed.xml",
        f'<rss version="2.0"><channel><title>F</title>{items}</channel></rss>',
        content_type="application/rss+xml",
    )
    web.add("/dead.xml", b"nope", status=500)
    (tmp_path / "briefbot.toml").write_text(
        '[[topics]]\nname = "steel"\n[topics.query]\nmay = ["steel"]\nmust_not = ["football"]\n'
        f'[[topics.sources]]\nkind = "feed"\nurl = "{base}/feed.xml"\n'
        f'[[topics.sources]]\nkind = "feed"\nurl = "{base}/dead.xml"\n'
    )
    collected = runner.invoke(app, ["collect"])
    assert collected.exit_code == 0, collected.output
    assert "HTTP 500" in collected.output and "4 new article(s)" in collected.output
    # The fixture pages say they were published on 24 Nov 2026: a window reaching back that
    # far (else they are old news, never today's).
    first = runner.invoke(app, ["brief", "--since", "30d", "--format", "json"])
    second = runner.invoke(app, ["brief", "--since", "30d", "--format", "json"])
    assert first.exit_code == 0 and second.exit_code == 0, first.output
    one, two = json.loads(first.stdout), json.loads(second.stdout)
    assert one["stories"] == two["stories"]  # same day, same window: the same briefing
    assert len(one["sources"]) == 3  # the football report never reaches the briefing
    again = runner.invoke(app, ["collect"])
    assert "0 new article(s)" in again.output


def test_ask_after_the_demo(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    data = tmp_path / "demo-data"
    demo = runner.invoke(app, ["demo", "--data-dir", str(data), "--tz", "Asia/Tokyo"])
    assert demo.exit_code == 0, demo.output
    assert " JST to " in demo.stdout and "UTC" not in demo.stdout
    monkeypatch.setenv("BRIEFBOT_DATA_DIR", str(data))
    tokyo = runner.invoke(app, ["ask", "How many jobs are at risk?", "--tz", "Asia/Tokyo"])
    assert tokyo.exit_code == 0, tokyo.output
    assert " JST" in tokyo.stdout and "UTC" not in tokyo.stdout  # the sources' dates
    answer = runner.invoke(
        app, ["ask", "How many jobs are at risk according to the unions?", "-f", "json"]
    )
    assert answer.exit_code == 0, answer.output
    doc = json.loads(answer.stdout)
    assert doc["answered"] and "12,000" in doc["answer"] and doc["sources"]
    follow = runner.invoke(app, ["ask", "What is the capital of Peru?"])
    assert follow.exit_code == 0 and "does not say" in follow.stdout
    first = runner.invoke(
        app, ["ask", "What did Whitcombe say about overcapacity?", "--conversation", "t1"]
    )
    assert first.exit_code == 0 and "Sources" in first.stdout
    again = runner.invoke(
        app, ["ask", "And what did he say about the calendar?", "--conversation", "t1"]
    )
    assert again.exit_code == 0 and "calendar" in again.stdout


def test_run_without_slack_settings_says_what_to_set(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "SLACK_APP_TOKEN"):
        monkeypatch.delenv(name, raising=False)
    assert runner.invoke(app, ["init"]).exit_code == 0
    result = runner.invoke(app, ["run"])
    assert result.exit_code == 1
    assert "SLACK_BOT_TOKEN" in result.output
    assert "deploy/slack-manifest.yaml" in result.output
    assert "Traceback" not in result.output
