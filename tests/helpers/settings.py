"""Settings for tests: the variables that would switch an LLM on, every setting's variable, and
the settings of an app on 127.0.0.1 that reads nothing from the environment."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from bot.config import Settings

# Variables that would switch an LLM on; CLI tests clear them unless they set their own.
LLM_VARS = (
    "OPENAI_API_KEY",
    "BRIEFBOT_LLM_BASE_URL",
    "BRIEFBOT_LLM_API_KEY",
    "AZURE_OPENAI_ENDPOINT",
    "BRIEFBOT_AZURE_OPENAI_ENDPOINT",
)

STEEL_TOPIC = """
[[topics]]
name = "eu-us-steel"
title = "EU–US steel"
[topics.query]
may = ["steel", "aluminium", "tariff", "trade talks", "Kovalenko", "Whitcombe"]
[[topics.sources]]
kind = "feed"
url = "https://feeds.test/steel.xml"
"""


def steel_topic(channel: str) -> str:
    """The EU–US steel topic the app tests run, briefing one channel (its TOML lines) at 08:30
    Brussels time."""
    return (
        f'{STEEL_TOPIC}[[topics.channels]]\n{channel}time = "08:30"\ntimezone = "Europe/Brussels"\n'
    )


def setting_names() -> set[str]:
    """The environment variable of every setting (its alias where it has one)."""
    names = set()
    for name, info in Settings.model_fields.items():
        alias = info.validation_alias
        first = alias.choices[0] if alias is not None else None  # type: ignore[union-attr]
        names.add(str(first) if first else f"BRIEFBOT_{name.upper()}")
    return names


def local_settings(tmp_path: Path, *layers: Mapping[str, Any], **values: Any) -> Settings:
    """The app on 127.0.0.1 (a free port), its data in tmp_path, no LLM, no embeddings, and
    nothing from .env; `layers`, then `values`, add or override settings."""
    defaults: dict[str, Any] = {
        "host": "127.0.0.1",
        "port": 0,
        "data_dir": tmp_path,
        "database_url": "",
        "allow_hosts": ("127.0.0.1",),
        "embeddings": False,
        "llm_base_url": "",
        "llm_api_key": "",
        "openai_api_key": "",
        "azure_openai_endpoint": "",
    }
    for layer in layers:
        defaults.update(layer)
    return Settings(_env_file=None, **{**defaults, **values})  # type: ignore[call-arg]
