"""The LLM seam: a small protocol the core uses, so summarising, briefing and answering never
import `openai` themselves. `OpenAICompatibleLLM` implements it for any OpenAI-compatible
server (OpenAI, Azure OpenAI, Ollama, vLLM, LM Studio, llama.cpp)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal, Protocol


@dataclass(frozen=True, slots=True)
class Message:
    role: Literal["system", "user", "assistant"]
    content: str


@dataclass(frozen=True, slots=True)
class Completion:
    """What the model said, and what it cost (tokens as reported by the server's `usage`)."""

    text: str
    model: str
    prompt_tokens: int
    completion_tokens: int


class LLM(Protocol):
    """A chat model. `schema` asks for a JSON document matching a JSON Schema."""

    model: str

    async def complete(
        self,
        messages: list[Message],
        *,
        schema: dict[str, Any] | None = None,
        schema_name: str = "result",
        max_tokens: int | None = None,
    ) -> Completion: ...
