"""`OpenAICompatibleLLM`: the `LLM` protocol over the official `openai` async client.

Structured output degrades gracefully across servers: `response_format` with a JSON schema
(OpenAI, vLLM), else JSON mode with the schema in the prompt (llama.cpp, older servers), else
the prompt alone; the first mode a server accepts is remembered. Timeouts, 429 (honouring
Retry-After) and 5xx are retried with backoff by the client itself (`max_retries`); what still
fails becomes an `LLMError` with a one-line reason, never the library's message.
"""

from __future__ import annotations

import json
import logging
from typing import Any, Literal

import openai

from bot.errors import LLMError
from bot.llm import Completion, Message

log = logging.getLogger(__name__)

Mode = Literal["json_schema", "json_object", "prompt"]
_MODES: tuple[Mode, ...] = ("json_schema", "json_object", "prompt")


class OpenAICompatibleLLM:
    """A chat model behind any OpenAI-compatible endpoint."""

    def __init__(self, client: openai.AsyncOpenAI, model: str) -> None:
        self.client = client
        self.model = model
        self._mode: Mode = "json_schema"

    async def close(self) -> None:
        await self.client.close()

    async def complete(
        self,
        messages: list[Message],
        *,
        schema: dict[str, Any] | None = None,
        schema_name: str = "result",
        max_tokens: int | None = None,
    ) -> Completion:
        """One chat completion; with a schema, asks for JSON in the best mode the server has."""
        if schema is None:
            return await self._create(messages, None, max_tokens)
        start = _MODES.index(self._mode)
        for mode in _MODES[start:]:
            try:
                result = await self._create(
                    _with_schema(messages, schema) if mode != "json_schema" else messages,
                    _response_format(mode, schema, schema_name),
                    max_tokens,
                )
            except openai.BadRequestError:
                if mode == "prompt":
                    raise LLMError("the language model refused the request (HTTP 400)") from None
                log.info("the server refused response_format=%s; trying the next mode", mode)
                continue
            if mode != self._mode:
                self._mode = mode
            return result
        raise LLMError("the language model refused every structured-output mode")

    async def _create(
        self,
        messages: list[Message],
        response_format: dict[str, Any] | None,
        max_tokens: int | None,
    ) -> Completion:
        kwargs: dict[str, Any] = {
            "model": self.model,
            "messages": [{"role": m.role, "content": m.content} for m in messages],
        }
        if response_format is not None:
            kwargs["response_format"] = response_format
        if max_tokens is not None:
            kwargs["max_tokens"] = max_tokens
        try:
            response = await self.client.chat.completions.create(**kwargs)
        except openai.BadRequestError:
            raise
        except openai.APITimeoutError:
            raise LLMError("the language model did not answer in time") from None
        except openai.RateLimitError:
            raise LLMError("the language model is rate-limiting us (HTTP 429)") from None
        except openai.AuthenticationError:
            raise LLMError(
                "the language model refused our credentials (check the API key)"
            ) from None
        except openai.APIStatusError as exc:
            raise LLMError(f"the language model failed (HTTP {exc.status_code})") from None
        except openai.APIConnectionError:
            raise LLMError("could not connect to the language model") from None
        except openai.OpenAIError:
            raise LLMError("the language model sent an unreadable answer") from None
        choice = response.choices[0] if response.choices else None
        text = (choice.message.content if choice and choice.message else None) or ""
        usage = response.usage
        return Completion(
            text=text,
            model=response.model or self.model,
            prompt_tokens=usage.prompt_tokens if usage else 0,
            completion_tokens=usage.completion_tokens if usage else 0,
        )


def _response_format(mode: Mode, schema: dict[str, Any], name: str) -> dict[str, Any] | None:
    if mode == "json_schema":
        return {
            "type": "json_schema",
            "json_schema": {"name": name, "schema": schema, "strict": False},
        }
    if mode == "json_object":
        return {"type": "json_object"}
    return None


def _with_schema(messages: list[Message], schema: dict[str, Any]) -> list[Message]:
    """Put the schema into the system message for servers without schema support."""
    note = (
        "\n\nAnswer with one JSON document only, no prose, matching this JSON Schema:\n"
        + json.dumps(schema, ensure_ascii=False)
    )
    out = list(messages)
    for i, message in enumerate(out):
        if message.role == "system":
            out[i] = Message("system", message.content + note)
            return out
    return [Message("system", note.strip()), *out]
