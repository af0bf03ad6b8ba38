"""The fallback chain: backends in order (Claude, then OpenAI-compatible), then traditional.

A backend that fails a batch -- no key, timeout, refusal, API error, invalid output on every
attempt -- is dropped for the rest of the request and the batch goes to the next one; when none
is left, `run` returns None and the caller keeps the traditional records. Every step is
recorded in the report and logged.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence
from typing import TypeVar

from generators.core.errors import LLMError, LLMUnavailableError
from generators.paths.llm.backend import LLMBackend
from generators.paths.llm.report import FallbackStep, LLMReport

T = TypeVar("T")
log = logging.getLogger(__name__)


class FallbackChain:
    """Per request: which backends are still worth calling."""

    def __init__(self, backends: Sequence[LLMBackend], report: LLMReport, request_id: str) -> None:
        self._alive = list(backends)
        self._report = report
        self._request_id = request_id

    async def run(
        self, first_index: int, attempt: Callable[[LLMBackend], Awaitable[T]]
    ) -> tuple[T, LLMBackend] | None:
        """`attempt` on the first backend that succeeds; None when every one failed."""
        for backend in list(self._alive):
            if backend not in self._alive:  # another batch gave up on it meanwhile
                continue
            try:
                if not backend.available:
                    msg = f"{backend.name} has no API key configured"
                    raise LLMUnavailableError(msg)
                return await attempt(backend), backend
            except LLMError as error:
                self._give_up(backend, error, first_index)
        return None

    def _give_up(self, backend: LLMBackend, error: LLMError, first_index: int) -> None:
        if backend not in self._alive:
            return
        self._alive.remove(backend)
        step = FallbackStep(backend.name, error.reason, str(error)[:300], first_index)
        self._report.steps.append(step)
        following = self._alive[0].name if self._alive else "traditional"
        log.warning(
            "request %s: LLM backend %s failed (%s: %s); falling back to %s",
            self._request_id,
            backend.name,
            step.reason.value,
            step.detail,
            following,
        )
