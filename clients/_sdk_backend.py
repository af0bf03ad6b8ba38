"""What both LLM backends share: their key and base URL (always given: the SDKs never read the
environment, `config.Settings` does), a model, call limits, and one SDK client made on first use
and closed on demand."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar, Generic, Protocol, TypeVar

from pydantic import SecretStr

from clients._common import CallLimits
from generators.core.errors import LLMUnavailableError


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

    def __repr__(self) -> str:
        return f"{type(self).__name__}(model={self._model!r}, base_url={self._base_url!r})"

    @property
    def name(self) -> str:
        return self._name

    @property
    def available(self) -> bool:
        return self._key is not None

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

    async def close(self) -> None:
        if self._client is not None:
            await self._client.close()
            self._client = None
