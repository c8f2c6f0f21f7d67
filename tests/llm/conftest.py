"""Fixtures: the real openai client pointed at the local OpenAI-compatible server (`fake_llm`,
tests/conftest.py)."""

from __future__ import annotations

from collections.abc import AsyncIterator

import openai
import pytest

from bot.llm.openai_compat import OpenAICompatibleLLM
from testkit.openai_server import FakeOpenAI


@pytest.fixture
async def llm(fake_llm: FakeOpenAI) -> AsyncIterator[OpenAICompatibleLLM]:
    client = openai.AsyncOpenAI(
        base_url=fake_llm.base_url, api_key="test-key", timeout=2.0, max_retries=2
    )
    yield OpenAICompatibleLLM(client, "test-model")
    await client.close()
