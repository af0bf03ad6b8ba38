"""A backend behind its circuit breaker: what the worker hands the LLM and hybrid paths.

The breaker lives as long as the process, so what one request learns (a backend that hangs or
answers 503) spares the next ones: a refused call raises `LLMCircuitOpenError` at once, without
touching the network, and the backend reads as unavailable (`unavailable_detail` says why) until
its cool-down has passed. Reading `available` never takes the half-open probe; only a call does.
"""

from __future__ import annotations

from typing import Protocol, runtime_checkable

from generators.core.errors import LLMCallError, LLMCircuitOpenError, LLMUnavailableError
from generators.paths.llm.backend import LLMBackend, LLMCall, LLMReply
from generators.paths.llm.breaker import CircuitBreaker, CircuitState, is_outage

#: How much of an outage's message the breaker keeps for its refusal.
CAUSE_CHARS = 120


@runtime_checkable
class _Closable(Protocol):
    async def close(self) -> None: ...


class GuardedBackend:
    """`inner` with `breaker` in front of it; build one per backend per process."""

    def __init__(self, inner: LLMBackend, breaker: CircuitBreaker) -> None:
        self._inner = inner
        self._breaker = breaker

    def __repr__(self) -> str:
        return f"{type(self).__name__}({self._inner!r}, circuit {self._breaker.state.value})"

    @property
    def name(self) -> str:
        return self._inner.name

    @property
    def available(self) -> bool:
        """Configured, and its breaker would let a call through now."""
        return self.unavailable_detail is None

    @property
    def unavailable_detail(self) -> str | None:
        """None when a call now would go through, else why not, without the backend's name:
        the inner backend's (`no API key configured (set ANTHROPIC_API_KEY)`), or the breaker's
        refusal (`circuit open after 3 failures (timeout: no answer within 60 s (retries
        included)), retry in 12 s`)."""
        return self._inner.unavailable_detail or self._breaker.refusal

    async def complete(self, call: LLMCall) -> LLMReply:
        """The inner backend's call when the breaker admits it, its outcome recorded; else
        `LLMCircuitOpenError` at once. A cancelled probe gives the probe slot back."""
        unconfigured = self._inner.unavailable_detail
        if unconfigured is not None:
            msg = f"{self.name}: {unconfigured}"
            raise LLMUnavailableError(msg)
        if not self._breaker.admit():
            msg = f"{self.name}: {self._breaker.refusal}"
            probing = self._breaker.state is CircuitState.HALF_OPEN
            raise LLMCircuitOpenError(msg, probing=probing)
        probe = self._breaker.state is CircuitState.HALF_OPEN  # only the probe is admitted then
        try:
            reply = await self._inner.complete(call)
        except LLMCallError as error:
            if is_outage(error):
                self._breaker.failed(self._cause(error), retry_after_s=error.retry_after_s)
            else:
                self._breaker.succeeded()  # the backend answered, if only to refuse the call
            raise
        except BaseException:  # cancelled, or never called: no outcome to record
            if probe:
                self._breaker.probe_abandoned()
            raise
        self._breaker.succeeded()
        return reply

    async def close(self) -> None:
        """Close the inner backend's client, when it has one to close."""
        if isinstance(self._inner, _Closable):
            await self._inner.close()

    def _cause(self, error: LLMCallError) -> str:
        """`timeout: no answer within 60 s ...`: the reason and the message, less our name."""
        detail = str(error).removeprefix(f"{self.name}: ")
        return f"{error.reason.value}: {detail}"[:CAUSE_CHARS]
