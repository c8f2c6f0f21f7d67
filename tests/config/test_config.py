"""Settings and the topics file: defaults, .env.example, and clear messages for bad input."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from dotenv import dotenv_values

from bot.config import (
    FeedSource,
    FolderSource,
    Settings,
    load_config,
    load_settings,
    parse_config,
)
from bot.errors import ConfigError
from tests.helpers.settings import setting_names

ROOT = Path(__file__).resolve().parents[2]

VALID = """
[[topics]]
name = "eu-us-steel"
title = "EU–US steel"
[topics.query]
may = ["steel"]
[[topics.sources]]
kind = "feed"
url = "https://example.com/rss"
[[topics.sources]]
kind = "folder"
path = "press"
[[topics.channels]]
channel = "#desk"
time = "08:30"
timezone = "Europe/Brussels"
"""


def test_env_example_lists_every_setting_with_its_default(monkeypatch: pytest.MonkeyPatch) -> None:
    values = dotenv_values(ROOT / ".env.example")
    assert setting_names() == set(values), "every setting (and nothing else) is in .env.example"
    from_example = Settings(_env_file=ROOT / ".env.example")  # type: ignore[call-arg]
    defaults = Settings(_env_file=None)  # type: ignore[call-arg]
    assert from_example == defaults


def test_environment_overrides_and_lists(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFBOT_ALLOW_HOSTS", "127.0.0.1, news.test")
    monkeypatch.setenv("BRIEFBOT_DATA_DIR", "/tmp/x")
    settings = load_settings(_env_file=None)
    assert settings.allow_hosts == ("127.0.0.1", "news.test")
    assert settings.resolved_database_url() == "sqlite+aiosqlite:////tmp/x/briefbot.db"


def test_database_url_is_mapped_to_async_drivers() -> None:
    s = Settings(_env_file=None, database_url="postgresql://u@h/db")  # type: ignore[call-arg]
    assert s.resolved_database_url() == "postgresql+asyncpg://u@h/db"
    s = Settings(_env_file=None, database_url="sqlite:///a.db")  # type: ignore[call-arg]
    assert s.resolved_database_url() == "sqlite+aiosqlite:///a.db"


def test_bad_setting_names_the_variable(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFBOT_FETCH_TIMEOUT", "soon")
    with pytest.raises(ConfigError, match="BRIEFBOT_FETCH_TIMEOUT"):
        load_settings(_env_file=None)


def test_valid_file_parses_and_rebases_folders(tmp_path: Path) -> None:
    config = parse_config(VALID, base_dir=tmp_path)
    topic = config.topics[0]
    assert isinstance(topic.sources[0], FeedSource)
    folder = topic.sources[1]
    assert isinstance(folder, FolderSource) and folder.path == tmp_path / "press"
    assert topic.channels[0].timezone == "Europe/Brussels"


@pytest.mark.parametrize(
    ("edit", "message"),
    [
        (
            ('kind = "feed"', 'kind = "rss"'),
            r"topics\[0\] \(eu-us-steel\)\.sources\[0\].*use one of: feed, page",
        ),
        (('name = "eu-us-steel"', 'name = "EU US"'), r"topics\[0\].*name.*lowercase letters"),
        (
            ('timezone = "Europe/Brussels"', 'timezone = "Mars/Olympus"'),
            r"channels\[0\]\.timezone.*IANA",
        ),
        (('time = "08:30"', 'time = "half past eight"'), r"channels\[0\]\.time.*HH:MM"),
        (
            ('url = "https://example.com/rss"', 'uri = "https://example.com/rss"'),
            r"sources\[0\]\.uri: Extra inputs are not permitted; fix: rename it to 'url'",
        ),
        (('title = "EU–US steel"', 'title = "EU–US steel'), r"not valid TOML.*line"),
        (("min_score", "min_score"), None),
    ],
)
def test_invalid_file_gives_one_clear_message(edit: tuple[str, str], message: str | None) -> None:
    text = VALID.replace(*edit)
    if message is None:
        text = VALID.replace('may = ["steel"]', 'may = ["steel"]\nmin_score = 3')
        message = r"query\.min_score.*less than or equal to 1"
    with pytest.raises(ConfigError, match=message) as info:
        parse_config(text)
    assert "\n" not in str(info.value) and "Traceback" not in str(info.value)


def test_missing_file_says_how_to_fix(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="briefbot init"):
        load_config(tmp_path / "nope.toml")


def test_empty_file_needs_a_topic() -> None:
    with pytest.raises(ConfigError, match="topics"):
        parse_config("")


def test_starter_file_is_valid() -> None:
    text = (ROOT / "bot" / "starter.toml").read_text()
    config = parse_config(text)
    assert config.topics[0].name == "eu-us-steel"


def test_unknown_topic_lists_the_known_ones() -> None:
    with pytest.raises(ConfigError, match="eu-us-steel"):
        parse_config(VALID).topic("nope")


def test_llm_settings_and_openai_key_alone(monkeypatch: pytest.MonkeyPatch) -> None:
    assert not load_settings(_env_file=None).llm_configured
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    settings = load_settings(_env_file=None)
    assert settings.llm_configured and settings.openai_api_key.get_secret_value() == "sk-test"
    assert "sk-test" not in repr(settings)
    monkeypatch.delenv("OPENAI_API_KEY")
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://x.openai.azure.com")
    assert load_settings(_env_file=None).azure_openai_endpoint == "https://x.openai.azure.com"


def test_every_package_is_installed() -> None:
    """A package missing from pyproject's list works in an editable install and breaks a
    real one (`pip install .`): every folder of bot/ with Python in it must be listed."""
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    listed = set(config["tool"]["setuptools"]["packages"])
    found = {".".join(p.relative_to(ROOT).parts[:-1]) for p in (ROOT / "bot").rglob("__init__.py")}
    assert found <= listed, f"add to [tool.setuptools] packages: {sorted(found - listed)}"
