"""Fixtures: the local OpenAI-compatible server and the real openai client pointed at it."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import openai
import pytest

from bot.llm.openai_compat import OpenAICompatibleLLM
from tests.servers.openai_server import FakeOpenAI


@pytest.fixture
def fake_llm() -> Iterator[FakeOpenAI]:
    with FakeOpenAI() as server:
        yield server


@pytest.fixture
async def llm(fake_llm: FakeOpenAI) -> AsyncIterator[OpenAICompatibleLLM]:
    client = openai.AsyncOpenAI(
        base_url=fake_llm.base_url, api_key="test-key", timeout=2.0, max_retries=2
    )
    yield OpenAICompatibleLLM(client, "test-model")
    await client.close()
