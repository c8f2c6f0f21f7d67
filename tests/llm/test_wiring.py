"""Which LLM the settings select: none (offline), OpenAI by its own key, any base URL, Azure."""

from __future__ import annotations

import pytest

from bot.config import load_settings
from bot.wiring import build_llm
from tests.helpers.settings import LLM_VARS


@pytest.fixture(autouse=True)
def _clean(monkeypatch: pytest.MonkeyPatch) -> None:
    for name in LLM_VARS:
        monkeypatch.delenv(name, raising=False)


async def test_nothing_configured_means_offline() -> None:
    assert build_llm(load_settings(_env_file=None)) is None


async def test_openai_key_alone_uses_openai(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("OPENAI_API_KEY", "sk-test")
    llm = build_llm(load_settings(_env_file=None))
    assert llm is not None and llm.model == "gpt-4o-mini"
    assert str(llm.client.base_url).startswith("https://api.openai.com")
    await llm.close()


async def test_base_url_without_key(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("BRIEFBOT_LLM_BASE_URL", "http://127.0.0.1:11434/v1")
    monkeypatch.setenv("BRIEFBOT_LLM_MODEL", "llama3.1")
    monkeypatch.setenv("BRIEFBOT_LLM_MAX_RETRIES", "4")
    llm = build_llm(load_settings(_env_file=None))
    assert llm is not None and llm.model == "llama3.1"
    assert str(llm.client.base_url).startswith("http://127.0.0.1:11434/v1")
    assert llm.client.max_retries == 4
    await llm.close()


async def test_azure(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("AZURE_OPENAI_ENDPOINT", "https://example.openai.azure.com")
    monkeypatch.setenv("AZURE_OPENAI_API_KEY", "k")
    monkeypatch.setenv("BRIEFBOT_AZURE_OPENAI_DEPLOYMENT", "briefs")
    llm = build_llm(load_settings(_env_file=None))
    assert llm is not None and llm.model == "briefs"
    assert "example.openai.azure.com" in str(llm.client.base_url)
    await llm.close()
