"""deploy/teams: the app manifest lists the bot's commands and scopes; the icons are the sizes
Teams requires; the README covers both ways in."""

from __future__ import annotations

import json
import struct
from pathlib import Path

from bot.teams.bot import VERBS

TEAMS = Path(__file__).resolve().parents[2] / "deploy" / "teams"


def test_manifest_bot_commands_and_scopes() -> None:
    manifest = json.loads((TEAMS / "manifest.json").read_text())
    assert manifest["manifestVersion"] == "1.17"
    [bot] = manifest["bots"]
    assert bot["botId"] == manifest["id"] == "{{MICROSOFT_APP_ID}}"
    assert set(bot["scopes"]) == {"personal", "team", "groupChat"}
    [commands] = bot["commandLists"]
    assert {c["title"] for c in commands["commands"]} == VERBS - {"summarise"}


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def test_icons() -> None:
    manifest = json.loads((TEAMS / "manifest.json").read_text())
    assert _png_size(TEAMS / manifest["icons"]["color"]) == (192, 192)
    assert _png_size(TEAMS / manifest["icons"]["outline"]) == (32, 32)


def test_readme_covers_the_registration_and_the_webhook() -> None:
    text = (TEAMS / "README.md").read_text()
    for needed in ("Azure Bot", "/api/messages", "MICROSOFT_APP_ID", "BRIEFBOT_TEAMS_WEBHOOKS"):
        assert needed in text
