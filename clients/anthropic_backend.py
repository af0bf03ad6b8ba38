"""Claude through the Messages API, with structured output by forced tool use.

The records' JSON schema is the `input_schema` of one tool and `tool_choice` forces that tool,
so the answer arrives as the tool call's already-parsed `input`. A text answer (a server that
ignores tools) is passed on for defensive parsing. Claude's tool use is not grammar-constrained:
the schema's keywords (exact counts, bounds) guide the model and validation checks them.

Prompt caching: the system prompt and the stable part of the user prompt each end with a
`cache_control` breakpoint, so every call of a request after the first reads them from the
cache (billed at a tenth of the input price; written once at 1.25x). Anthropic caches the
prefix tools -> system -> messages, so a batch whose schema (its scenario counts) differs from
the previous one writes a new entry; consecutive batches of one scenario share it. Prefixes
under the model's minimum (1,024 tokens for Sonnet) are not cached, which costs nothing.
"""

from __future__ import annotations

from typing import Any

import anthropic
from anthropic.types import CacheControlEphemeralParam, ToolParam
from pydantic import SecretStr

from clients._common import DEFAULT_LIMITS, CallLimits, retry_after, within
from clients._sdk_backend import SDKBackend
from config.settings import ANTHROPIC_DEFAULT_URL
from generators.core.errors import LLMCallError, LLMTimeoutError
from generators.paths.llm.backend import LLMCall, LLMReply
from generators.paths.llm.prompt_builder import TOOL_NAME

DEFAULT_CLAUDE_MODEL = "claude-sonnet-4-20250514"
_CACHED: CacheControlEphemeralParam = {"type": "ephemeral"}


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

    async def _complete(self, call: LLMCall) -> LLMReply:
        client = self._sdk()
        tool: ToolParam = {
            "name": TOOL_NAME,
            "description": "Return the generated test data records.",
            "input_schema": call.json_schema,
        }
        request = client.messages.create(
            model=self._model,
            max_tokens=min(call.max_tokens, self._limits.max_tokens),
            system=[{"type": "text", "text": call.system, "cache_control": _CACHED}],
            messages=[
                {
                    "role": "user",
                    "content": [
                        {"type": "text", "text": call.stable, "cache_control": _CACHED},
                        {"type": "text", "text": call.batch},
                    ],
                }
            ],
            tools=[tool],
            tool_choice={"type": "tool", "name": TOOL_NAME},
            # This SDK version no longer types `temperature`; the Messages API still takes it.
            extra_body={"temperature": self._limits.temperature},
        )
        try:
            message = await within(self._limits.total_timeout_s, request, "claude")
        except anthropic.APITimeoutError as error:
            msg = f"claude: timed out after {self._limits.max_retries + 1} attempts"
            raise LLMTimeoutError(msg) from error
        except anthropic.APIStatusError as error:
            msg = f"claude: HTTP {error.status_code} after retries"
            wait = retry_after(error.response.headers)
            raise LLMCallError(msg, status=error.status_code, retry_after_s=wait) from error
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
    usage = message.usage
    read = usage.cache_read_input_tokens or 0
    written = usage.cache_creation_input_tokens or 0
    return LLMReply(
        text="\n".join(texts),
        parsed=parsed,
        input_tokens=usage.input_tokens + read + written,  # the API's excludes cache traffic
        cached_input_tokens=read,
        cache_write_tokens=written,
        output_tokens=usage.output_tokens,
        model=message.model,
        refusal=refusal,
        truncated=message.stop_reason == "max_tokens",
    )
