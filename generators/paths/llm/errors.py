"""The LLM path's exceptions. Each one names why a backend could not serve a batch, which is
also why the fallback chain moved on (`reason`, a `FallbackReason`)."""

from __future__ import annotations

from enum import StrEnum

from generators.core.errors import GenerationError


class FallbackReason(StrEnum):
    """Why a step of the chain gave up; recorded in the metadata and the logs."""

    MISSING_KEY = "missing_key"
    TIMEOUT = "timeout"
    REFUSAL = "refusal"
    INVALID_OUTPUT = "invalid_output"
    API_ERROR = "api_error"
    NOTHING_FOR_LLM = "nothing_for_llm"


class LLMError(GenerationError):
    """Base of the LLM path's errors."""

    reason: FallbackReason = FallbackReason.API_ERROR


class LLMUnavailableError(LLMError):
    """The backend is not configured (no API key): it was never called."""

    reason = FallbackReason.MISSING_KEY


class LLMCallError(LLMError):
    """The API answered with an error, or not at all, after the client's own retries."""

    reason = FallbackReason.API_ERROR

    def __init__(self, message: str, *, status: int | None = None) -> None:
        super().__init__(message)
        self.status = status


class LLMTimeoutError(LLMCallError):
    reason = FallbackReason.TIMEOUT


class LLMRefusalError(LLMError):
    """The model declined to answer."""

    reason = FallbackReason.REFUSAL


class LLMOutputError(LLMError):
    """Output that could not be parsed, or records that failed validation on every attempt."""

    reason = FallbackReason.INVALID_OUTPUT

    def __init__(self, message: str, problems: tuple[str, ...] = ()) -> None:
        super().__init__(message)
        self.problems = problems
