"""What both LLM backends share: their key and base URL (always given: the SDKs never read the
environment, `config.Settings` does), a model, call limits, one SDK client made on first use
and closed on demand, and every call's span and token count."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Generic, Protocol, TypeVar
from urllib.parse import urlsplit

from opentelemetry.trace import SpanKind
from pydantic import SecretStr

from clients._common import CallLimits
from generators.core.errors import LLMUnavailableError
from generators.paths.llm.backend import LLMCall, LLMReply
from observability.tracing import tracer
from observability.worker_metrics import LLM_TOKENS, TOKEN_KINDS


class _Closable(Protocol):
    async def close(self) -> None: ...


ClientT = TypeVar("ClientT", bound=_Closable)


class SDKBackend(ABC, Generic[ClientT]):
    #: The environment variable `Settings` reads this backend's key from (for messages).
    key_env: ClassVar[str]

    def __init__(
        self,
        *,
        name: str,
        api_key: SecretStr | None,
        base_url: str,
        model: str,
        limits: CallLimits,
    ) -> None:
        self._name = name
        self._key = api_key if api_key is not None and api_key.get_secret_value() else None
        self._base_url = base_url
        self._model = model
        self._limits = limits
        self._client: ClientT | None = None
        for kind in TOKEN_KINDS:  # the configured model's series exist (at 0) before a call
            LLM_TOKENS.labels(model, kind)

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model={self._model!r}, base_url={self._base_url!r})"

    @property
    def name(self) -> str:
        return self._name

    @property
    def available(self) -> bool:
        return self._key is not None

    @property
    def unavailable_detail(self) -> str | None:
        """Why it cannot be called (no key), naming the setting; None when it has a key."""
        return None if self._key is not None else f"no API key configured (set {self.key_env})"

    def _sdk(self) -> ClientT:
        if self._key is None:
            msg = f"{self._name}: no API key (set {self.key_env})"
            raise LLMUnavailableError(msg)
        if self._client is None:
            self._client = self._new_client(self._key.get_secret_value())
        return self._client

    @abstractmethod
    def _new_client(self, api_key: str) -> ClientT:
        """The SDK's async client for this key, base URL and limits."""

    async def complete(self, call: LLMCall) -> LLMReply:
        """One model call (the SDK's retries included), in a span named as OpenTelemetry's
        GenAI conventions say; its tokens are counted under the configured model's name."""
        with tracer.start_as_current_span(
            f"chat {self._model}",
            kind=SpanKind.CLIENT,
            attributes={
                "gen_ai.operation.name": "chat",
                "gen_ai.provider.name": self._name,
                "gen_ai.request.model": self._model,
                "server.address": urlsplit(self._base_url).hostname or "",
            },
        ) as span:
            reply = await self._complete(call)
            span.set_attributes(
                {
                    "gen_ai.response.model": reply.model,
                    "gen_ai.usage.input_tokens": reply.input_tokens,
                    "gen_ai.usage.cache_read.input_tokens": reply.cached_input_tokens,
                    "gen_ai.usage.cache_creation.input_tokens": reply.cache_write_tokens,
                    "gen_ai.usage.output_tokens": reply.output_tokens,
                }
            )
        cached, written = reply.cached_input_tokens, reply.cache_write_tokens
        tokens = LLM_TOKENS.labels
        tokens(self._model, "input").inc(max(reply.input_tokens - cached - written, 0))
        tokens(self._model, "cache_read").inc(cached)
        tokens(self._model, "cache_write").inc(written)
        tokens(self._model, "output").inc(reply.output_tokens)
        return reply

    @abstractmethod
    async def _complete(self, call: LLMCall) -> LLMReply:
        """The SDK call itself, its errors mapped into the error tree."""

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
