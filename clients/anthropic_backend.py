"""Claude through the Messages API, with structured output by forced tool use.

The records' JSON schema is the `input_schema` of one tool and `tool_choice` forces that tool,
so the answer arrives as the tool call's already-parsed `input`. A text answer (a server that
ignores tools) is passed on for defensive parsing.
"""

from __future__ import annotations

from typing import Any

import anthropic
from anthropic.types import ToolParam
from pydantic import SecretStr

from clients._common import DEFAULT_LIMITS, CallLimits, secret_from, setting_from, within
from generators.llm import (
    TOOL_NAME,
    LLMCallError,
    LLMReply,
    LLMTimeoutError,
    LLMUnavailableError,
)

DEFAULT_CLAUDE_MODEL = "claude-sonnet-4-20250514"


class AnthropicBackend:
    """`api_key` and `base_url` default to `ANTHROPIC_API_KEY` and `ANTHROPIC_BASE_URL`.

    Without a key the backend is unavailable and `complete` raises `LLMUnavailableError`.
    """

    def __init__(
        self,
        *,
        api_key: SecretStr | None = None,
        base_url: str | None = None,
        model: str = DEFAULT_CLAUDE_MODEL,
        limits: CallLimits = DEFAULT_LIMITS,
    ) -> None:
        self._key = secret_from(api_key, "ANTHROPIC_API_KEY")
        self._base_url = setting_from(base_url, "ANTHROPIC_BASE_URL")
        self._model = model
        self._limits = limits
        self._client: anthropic.AsyncAnthropic | None = None

    def __repr__(self) -> str:
        return f"AnthropicBackend(model={self._model!r}, base_url={self._base_url!r})"

    @property
    def name(self) -> str:
        return "claude"

    @property
    def available(self) -> bool:
        return self._key is not None

    def _sdk(self) -> anthropic.AsyncAnthropic:
        if self._key is None:
            msg = "claude: no API key (set ANTHROPIC_API_KEY)"
            raise LLMUnavailableError(msg)
        if self._client is None:
            self._client = anthropic.AsyncAnthropic(
                api_key=self._key.get_secret_value(),
                base_url=self._base_url,
                timeout=self._limits.timeout_s,
                max_retries=self._limits.max_retries,
            )
        return self._client

    async def complete(self, system: str, prompt: str, json_schema: dict[str, Any]) -> LLMReply:
        client = self._sdk()
        tool: ToolParam = {
            "name": TOOL_NAME,
            "description": "Return the generated test data records.",
            "input_schema": json_schema,
        }
        call = client.messages.create(
            model=self._model,
            max_tokens=self._limits.max_tokens,
            system=system,
            messages=[{"role": "user", "content": prompt}],
            tools=[tool],
            tool_choice={"type": "tool", "name": TOOL_NAME},
            # This SDK version no longer types `temperature`; the Messages API still takes it.
            extra_body={"temperature": self._limits.temperature},
        )
        try:
            message = await within(self._limits.total_timeout_s, call, "claude")
        except anthropic.APITimeoutError as error:
            msg = f"claude: timed out after {self._limits.max_retries + 1} attempts"
            raise LLMTimeoutError(msg) from error
        except anthropic.APIStatusError as error:
            msg = f"claude: HTTP {error.status_code} after retries"
            raise LLMCallError(msg, status=error.status_code) from error
        except anthropic.APIError as error:
            msg = f"claude: {type(error).__name__}"
            raise LLMCallError(msg) from error
        return _reply(message)

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None


def _reply(message: anthropic.types.Message) -> LLMReply:
    parsed: Any = None
    texts: list[str] = []
    for block in message.content:
        if block.type == "tool_use" and block.name == TOOL_NAME:
            parsed = block.input
        elif block.type == "text":
            texts.append(block.text)
    refusal = None
    if message.stop_reason == "refusal":
        refusal = " ".join(texts) or "stop_reason=refusal"
    return LLMReply(
        text="\n".join(texts),
        parsed=parsed,
        input_tokens=message.usage.input_tokens,
        output_tokens=message.usage.output_tokens,
        model=message.model,
        refusal=refusal,
    )
