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

from clients._common import DEFAULT_LIMITS, CallLimits, within
from clients._sdk_backend import SDKBackend
from config.settings import ANTHROPIC_DEFAULT_URL
from generators.core.errors import LLMCallError, LLMTimeoutError
from generators.paths.llm.backend import LLMReply
from generators.paths.llm.prompt_builder import TOOL_NAME

DEFAULT_CLAUDE_MODEL = "claude-sonnet-4-20250514"


class AnthropicBackend(SDKBackend[anthropic.AsyncAnthropic]):
    """Claude through the Anthropic SDK (a forced tool call carries the records).

    Without a key the backend is unavailable and `complete` raises `LLMUnavailableError`.
    """

    key_env = "ANTHROPIC_API_KEY"

    def __init__(
        self,
        *,
        api_key: SecretStr | None = None,
        base_url: str = ANTHROPIC_DEFAULT_URL,
        model: str = DEFAULT_CLAUDE_MODEL,
        limits: CallLimits = DEFAULT_LIMITS,
    ) -> None:
        super().__init__(
            name="claude", api_key=api_key, base_url=base_url, model=model, limits=limits
        )

    def _new_client(self, api_key: str) -> anthropic.AsyncAnthropic:
        return anthropic.AsyncAnthropic(
            api_key=api_key,
            base_url=self._base_url,
            timeout=self._limits.timeout_s,
            max_retries=self._limits.max_retries,
        )

    async def _complete(self, system: str, prompt: str, json_schema: dict[str, Any]) -> LLMReply:
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
