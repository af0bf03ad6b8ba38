"""The interface the pure core calls a model through; `clients/` implements it at the edge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class LLMReply:
    """One model answer. `parsed` holds structured output when the API returned it as JSON
    (Anthropic tool input); otherwise `text` holds what the model wrote. Token counts are the
    API's own usage fields. `refusal` is the model's reason when it declined."""

    text: str = ""
    parsed: Any = None
    input_tokens: int = 0
    output_tokens: int = 0
    model: str = ""
    refusal: str | None = None

    @property
    def tokens(self) -> int:
        return self.input_tokens + self.output_tokens


class LLMBackend(Protocol):
    """A model endpoint. `complete` raises `LLMUnavailableError` without a key, `LLMTimeoutError`
    past its deadline and `LLMCallError` when the API fails after retries."""

    @property
    def name(self) -> str:
        """Short label for metadata and logs, e.g. `claude` or `openai-compatible`."""
        ...

    @property
    def available(self) -> bool:
        """Whether it is configured (has a key); says nothing about the network."""
        ...

    async def complete(self, system: str, prompt: str, json_schema: dict[str, Any]) -> LLMReply:
        """Ask for output matching `json_schema` (an object schema)."""
        ...
