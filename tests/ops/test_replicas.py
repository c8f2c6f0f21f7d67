"""Replicas: several `briefbot run` processes share one database and race for the same
briefings; one is killed mid-post; every channel still gets exactly one briefing."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from testkit.slack_api import FakeSlack
from tests.databases import PG_DSN, database
from tests.helpers.settings import LLM_VARS

ROOT = Path(__file__).resolve().parents[2]
CHANNELS = ("C0STEEL", "C0TRADE")


def config_text(folder: Path, at: str) -> str:
    channels = "".join(
        f'[[topics.channels]]\nchannel = "{c}"\ntime = "{at}"\ntimezone = "UTC"\n' for c in CHANNELS
    )
    return (
        '[[topics]]\nname = "eu-us-steel"\ntitle = "EU–US steel"\n'
        '[topics.query]\nmay = ["steel", "tariff", "talks", "Kovalenko", "Whitcombe"]\n'
        f'[[topics.sources]]\nkind = "folder"\npath = "{folder.as_posix()}"\n' + channels
    )


def environment(tmp_path: Path, url: str, slack: FakeSlack) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k not in LLM_VARS}
    for name in ("SLACK_APP_TOKEN", "MICROSOFT_APP_ID", "BRIEFBOT_TEAMS_WEBHOOKS"):
        env.pop(name, None)
    env.update(
        BRIEFBOT_CONFIG=str(tmp_path / "briefbot.toml"),
        BRIEFBOT_DATABASE_URL=url,
        BRIEFBOT_DATA_DIR=str(tmp_path),
        SLACK_BOT_TOKEN="xoxb-replicas",
        SLACK_SIGNING_SECRET="replica-secret",
        BRIEFBOT_SLACK_API_URL=slack.api_url,
        BRIEFBOT_HOST="127.0.0.1",
        BRIEFBOT_PORT="0",
        BRIEFBOT_DELIVER_EVERY="1",
        BRIEFBOT_CLAIM_LEASE="5",
        BRIEFBOT_LOG_FORMAT="json",
        BRIEFBOT_LOG_LEVEL="INFO",
        BRIEFBOT_EMBEDDINGS="false",
    )
    return env


def briefings(slack: FakeSlack, channel: str) -> list[dict[str, object]]:
    return [m for m in slack.posted(channel) if m.get("metadata") and not m.get("thread_ts")]


@pytest.mark.parametrize(
    ("backend", "replicas"),
    [
        pytest.param(
            "postgresql",
            3,
            marks=pytest.mark.skipif(not PG_DSN, reason="BRIEFBOT_TEST_POSTGRES_DSN is not set"),
        ),
        ("sqlite", 2),
    ],
)
def test_replicas_post_each_briefing_exactly_once(
    tmp_path: Path, backend: str, replicas: int
) -> None:
    folder = tmp_path / "articles"
    shutil.copytree(ROOT / "tests" / "fixtures" / "articles", folder)
    # The next minute: every replica is up and waiting when the briefings fall due.
    at = (datetime.now(UTC) + timedelta(minutes=1)).strftime("%H:%M")
    (tmp_path / "briefbot.toml").write_text(config_text(folder, at), encoding="utf-8")
    with database(backend, tmp_path) as url, FakeSlack() as slack:
        env = environment(tmp_path, url, slack)
        migrate = subprocess.run(
            [sys.executable, "-m", "bot", "migrate"], env=env, cwd=tmp_path, capture_output=True
        )
        assert migrate.returncode == 0, migrate.stderr.decode()
        slack.slow("chat.postMessage", 2.0)  # posts take a while: room to die in the middle
        logs = [open(tmp_path / f"replica-{i}.log", "wb") for i in range(replicas)]  # noqa: SIM115
        procs = [
            subprocess.Popen(
                [sys.executable, "-m", "bot", "run"],
                env=env,
                cwd=tmp_path,
                stdout=subprocess.DEVNULL,
                stderr=log,
            )
            for log in logs
        ]
        killed = None
        try:
            deadline = time.monotonic() + 150
            while time.monotonic() < deadline and killed is None:
                for call in slack.calls_to("chat.postMessage"):
                    if call.params.get("metadata"):
                        found = re.search(
                            r"briefbot-instance/\S+-(\d+)", call.headers["User-Agent"]
                        )
                        assert found, call.headers["User-Agent"]
                        killed = int(found.group(1))
                        os.kill(killed, signal.SIGKILL)  # dies mid-post: posted, not recorded
                        break
                time.sleep(0.05)
            assert killed is not None, "no replica ever posted"
            # The others take over once the dead replica's lease runs out.
            while time.monotonic() < deadline and not all(
                briefings(slack, c) and _posted(url, c) for c in CHANNELS
            ):
                time.sleep(0.2)
            time.sleep(3)  # time for a wrong second post to show up
        finally:
            for proc in procs:
                if proc.poll() is None:
                    proc.send_signal(signal.SIGTERM)
            for proc in procs:
                try:
                    proc.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    proc.kill()
            for log in logs:
                log.close()
        for channel in CHANNELS:
            assert len(briefings(slack, channel)) == 1, (channel, _tail(tmp_path))
            assert _posted(url, channel), (channel, _tail(tmp_path))
        survivors = [p for p in procs if p.pid != killed]
        assert all(p.returncode == 0 for p in survivors), _tail(tmp_path)


def _posted(url: str, channel: str) -> bool:
    """Whether the delivery to a channel is recorded as posted (read with a plain engine)."""
    if url.startswith("sqlite"):
        engine = sa.create_engine(url)
        try:
            with engine.connect() as conn:
                status = conn.execute(
                    sa.text("SELECT status FROM deliveries WHERE channel = :c"), {"c": channel}
                ).scalar()
        finally:
            engine.dispose()
        return status == "posted"
    import asyncio

    import asyncpg

    async def go() -> str | None:
        conn = await asyncpg.connect(url)
        try:
            return await conn.fetchval("SELECT status FROM deliveries WHERE channel = $1", channel)
        finally:
            await conn.close()

    return asyncio.run(go()) == "posted"


def _tail(tmp_path: Path) -> str:
    return "\n".join(
        f"--- {p.name}\n" + p.read_text(errors="replace")[-3000:]
        for p in sorted(tmp_path.glob("replica-*.log"))
    )
