"""An OpenAI-compatible Chat Completions endpoint (OpenAI itself, vLLM, llama.cpp's server)
with structured output via `response_format` `json_schema` (strict), which vLLM and llama.cpp
enforce by guided decoding.

Servers honour different JSON Schema keywords in strict mode, and OpenAI rejects a schema with
one it does not support (HTTP 400), so each server kind drops what it cannot take
(`SCHEMA_DIALECTS`); validation catches what a server ignores.

Prompt caching: the system prompt and the stable part of the user prompt come first, the
batch's own part last, so servers that cache prompt prefixes (OpenAI automatically from 1,024
tokens, vLLM's and llama.cpp's prefix caches) reuse them; the cached tokens are read from
`usage.prompt_tokens_details.cached_tokens`.
"""

from __future__ import annotations

import openai
from pydantic import SecretStr

from clients._common import DEFAULT_LIMITS, CallLimits, retry_after, within
from clients._sdk_backend import SDKBackend
from config.settings import OPENAI_DEFAULT_URL
from generators.core.errors import LLMCallError, LLMTimeoutError
from generators.paths.llm.backend import LLMCall, LLMReply
from generators.paths.llm.json_schema import without_keywords

DEFAULT_VLLM_MODEL = "meta-llama/Meta-Llama-3-8B-Instruct"

#: JSON Schema keywords each kind of server refuses in strict `json_schema` mode. OpenAI's
#: structured outputs support `pattern`, `format`, number bounds and `minItems`/`maxItems`, not
#: string lengths; vLLM (xgrammar) takes them all. llama.cpp refuses none but ignores some
#: (checked against its server: number bounds, `multipleOf`, `uniqueItems` and formats other
#: than date, time, date-time and uuid), which the record checks catch.
SCHEMA_DIALECTS: dict[str, frozenset[str]] = {
    "vllm": frozenset(),
    "openai": frozenset({"minLength", "maxLength"}),
    "llama.cpp": frozenset(),
}


class OpenAICompatibleBackend(SDKBackend[openai.AsyncOpenAI]):
    """An OpenAI-compatible endpoint (vLLM) through the OpenAI SDK, with `json_schema` output.
    A vLLM server that checks no key still needs one set (e.g. `OPENAI_API_KEY=EMPTY`): a
    missing key is what marks the backend unconfigured."""

    key_env = "OPENAI_API_KEY"

    def __init__(
        self,
        *,
        api_key: SecretStr | None = None,
        base_url: str = OPENAI_DEFAULT_URL,
        model: str = DEFAULT_VLLM_MODEL,
        limits: CallLimits = DEFAULT_LIMITS,
        name: str = "openai-compatible",
        server: str = "vllm",
    ) -> None:
        """`server` is a key of `SCHEMA_DIALECTS`: the kind of server behind `base_url`."""
        super().__init__(name=name, api_key=api_key, base_url=base_url, model=model, limits=limits)
        self._dropped = SCHEMA_DIALECTS[server]

    def _new_client(self, api_key: str) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(
            api_key=api_key,
            base_url=self._base_url,
            timeout=self._limits.timeout_s,
            max_retries=self._limits.max_retries,
        )

    async def _complete(self, call: LLMCall) -> LLMReply:
        client = self._sdk()
        schema = without_keywords(call.json_schema, self._dropped)
        request = client.chat.completions.create(
            model=self._model,
            max_tokens=min(call.max_tokens, self._limits.max_tokens),
            temperature=self._limits.temperature,
            messages=[
                {"role": "system", "content": call.system},
                {"role": "user", "content": call.prompt},
            ],
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "records", "schema": schema, "strict": True},
            },
        )
        try:
            completion = await within(self._limits.total_timeout_s, request, self._name)
        except openai.APITimeoutError as error:
            msg = f"{self._name}: timed out after {self._limits.max_retries + 1} attempts"
            raise LLMTimeoutError(msg) from error
        except openai.APIStatusError as error:
            msg = f"{self._name}: HTTP {error.status_code} after retries"
            wait = retry_after(error.response.headers)
            raise LLMCallError(msg, status=error.status_code, retry_after_s=wait) from error
        except openai.APIError as error:
            msg = f"{self._name}: {type(error).__name__}"
            raise LLMCallError(msg) from error
        if not completion.choices:
            msg = f"{self._name}: answer without choices"
            raise LLMCallError(msg)
        choice = completion.choices[0]
        usage = completion.usage
        details = usage.prompt_tokens_details if usage else None
        return LLMReply(
            text=choice.message.content or "",
            input_tokens=usage.prompt_tokens if usage else 0,
            cached_input_tokens=(details.cached_tokens or 0) if details else 0,
            output_tokens=usage.completion_tokens if usage else 0,
            model=completion.model,
            refusal=choice.message.refusal,
            truncated=choice.finish_reason == "length",
        )
