"""The fallback chain: backends in order (Claude, then OpenAI-compatible), then traditional.

A backend that fails a batch -- no key, an open circuit, timeout, refusal, API error, nothing
valid on every attempt -- is dropped for the rest of the request and the batch's open records
go to the next one. A backend that wrote part of the batch but left some records invalid, or
that was refused only because another call is probing it (its breaker half-open), stays for
later batches: the step is recorded, and the next backend gets only what is left. When none
is left, the caller keeps the traditional records. Every step is recorded in the report and
logged.
"""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable, Sequence

from generators.core.errors import LLMCircuitOpenError, LLMError, LLMOutputError
from generators.paths.llm.backend import LLMBackend
from generators.paths.llm.report import FallbackStep, LLMReport

log = logging.getLogger(__name__)


class FallbackChain:
    """Per request: which backends are still worth calling."""

    def __init__(self, backends: Sequence[LLMBackend], report: LLMReport, request_id: str) -> None:
        self._alive = list(backends)
        self._report = report
        self._request_id = request_id

    async def run(self, first_index: int, fill: Callable[[LLMBackend], Awaitable[None]]) -> bool:
        """`fill` on each backend in turn until one completes the batch; False when every one
        failed (what they filled meanwhile stays filled)."""
        for backend in list(self._alive):
            if backend not in self._alive:  # another batch gave up on it meanwhile
                continue
            try:  # an unconfigured or refused backend raises at once, without a call
                await fill(backend)
            except LLMError as error:
                self._give_up(backend, error, first_index)
            else:
                return True
        return False

    def _give_up(self, backend: LLMBackend, error: LLMError, first_index: int) -> None:
        if backend not in self._alive:
            return
        partial = isinstance(error, LLMOutputError) and error.kept > 0
        probed = isinstance(error, LLMCircuitOpenError) and error.probing
        if not (partial or probed):
            self._alive.remove(backend)
        step = FallbackStep(backend.name, error.reason, str(error)[:300], first_index)
        self._report.steps.append(step)
        following = next((b.name for b in self._alive if b is not backend), "traditional")
        log.warning(
            "request %s: LLM backend %s failed (%s: %s); %s to %s",
            self._request_id,
            backend.name,
            step.reason.value,
            step.detail,
            "the rest of the batch goes" if partial or probed else "falling back",
            following,
        )
