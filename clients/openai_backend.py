"""An OpenAI-compatible Chat Completions endpoint (OpenAI itself, or vLLM) with structured
output via `response_format` `json_schema` (strict), which vLLM enforces by guided decoding."""

from __future__ import annotations

from typing import Any

import openai
from pydantic import SecretStr

from clients._common import DEFAULT_LIMITS, CallLimits, within
from clients._sdk_backend import SDKBackend
from config.settings import OPENAI_DEFAULT_URL
from generators.core.errors import LLMCallError, LLMTimeoutError
from generators.paths.llm.backend import LLMReply

DEFAULT_VLLM_MODEL = "meta-llama/Meta-Llama-3-8B-Instruct"


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
    ) -> None:
        super().__init__(name=name, api_key=api_key, base_url=base_url, model=model, limits=limits)

    def _new_client(self, api_key: str) -> openai.AsyncOpenAI:
        return openai.AsyncOpenAI(
            api_key=api_key,
            base_url=self._base_url,
            timeout=self._limits.timeout_s,
            max_retries=self._limits.max_retries,
        )

    async def _complete(self, system: str, prompt: str, json_schema: dict[str, Any]) -> LLMReply:
        client = self._sdk()
        call = client.chat.completions.create(
            model=self._model,
            max_tokens=self._limits.max_tokens,
            temperature=self._limits.temperature,
            messages=[
                {"role": "system", "content": system},
                {"role": "user", "content": prompt},
            ],
            response_format={
                "type": "json_schema",
                "json_schema": {"name": "records", "schema": json_schema, "strict": True},
            },
        )
        try:
            completion = await within(self._limits.total_timeout_s, call, self._name)
        except openai.APITimeoutError as error:
            msg = f"{self._name}: timed out after {self._limits.max_retries + 1} attempts"
            raise LLMTimeoutError(msg) from error
        except openai.APIStatusError as error:
            msg = f"{self._name}: HTTP {error.status_code} after retries"
            raise LLMCallError(msg, status=error.status_code) from error
        except openai.APIError as error:
            msg = f"{self._name}: {type(error).__name__}"
            raise LLMCallError(msg) from error
        if not completion.choices:
            msg = f"{self._name}: answer without choices"
            raise LLMCallError(msg)
        message = completion.choices[0].message
        usage = completion.usage
        return LLMReply(
            text=message.content or "",
            input_tokens=usage.prompt_tokens if usage else 0,
            output_tokens=usage.completion_tokens if usage else 0,
            model=completion.model,
            refusal=message.refusal,
        )
