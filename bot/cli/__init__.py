"""The `briefbot` command line: content commands (`content`), operations commands (`ops`),
the tables they print (`tables`) and what they share (`common`: the app, consoles, errors).

Commands are thin: parse → one service call → render.
"""

from __future__ import annotations

from bot.cli import content, ops
from bot.cli import quotes as quotes  # registers `briefbot quotes`
from bot.cli.common import app
from bot.cli.content import parse_since, starter_text

__all__ = ["app", "content", "main", "ops", "parse_since", "starter_text"]


def main() -> None:
    """Console-script entry point."""
    app()
