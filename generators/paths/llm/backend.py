"""The interface the pure core calls a model through; `clients/` implements it at the edge."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class LLMCall:
    """One model call. The prompt comes in two parts so that providers can cache the first:
    `stable` is the same for every call of a request (the filled template: context, fields,
    rules, retrieved examples) and goes first, after the system prompt; `batch` is this call's
    own (which records, by scenario, and the problems of the previous answer). `max_tokens`
    is sized from the schema (`json_schema.output_token_budget`); a backend may lower it to its
    own limit, never raise it."""

    system: str
    stable: str
    batch: str
    json_schema: dict[str, Any]
    max_tokens: int

    @property
    def prompt(self) -> str:
        """The whole user prompt, for a provider that takes one string."""
        return f"{self.stable}\n\n{self.batch}"


@dataclass(frozen=True, slots=True)
class LLMReply:
    """One model answer. `parsed` holds structured output when the API returned it as JSON
    (Anthropic tool input); otherwise `text` holds what the model wrote. Token counts are the
    API's own usage fields: `input_tokens` counts every prompt token, of which
    `cached_input_tokens` were read from the provider's prompt cache and `cache_write_tokens`
    written to it (billed at their own prices). `truncated` says the answer was cut at
    `max_tokens`; `refusal` is the model's reason when it declined."""

    text: str = ""
    parsed: Any = None
    input_tokens: int = 0
    cached_input_tokens: int = 0
    cache_write_tokens: int = 0
    output_tokens: int = 0
    model: str = ""
    refusal: str | None = None
    truncated: bool = False

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
        """Whether it can be called now: configured (has a key), and not known to be failing."""
        ...

    @property
    def unavailable_detail(self) -> str | None:
        """Why it cannot be called now (no key, an open circuit), or None when it can."""
        ...

    async def complete(self, call: LLMCall) -> LLMReply:
        """Ask for output matching `call.json_schema` (an object schema)."""
        ...
