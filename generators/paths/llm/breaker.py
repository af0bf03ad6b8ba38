"""A circuit breaker for one model backend, remembered across requests.

Without one, every request pays a dead backend's whole timeout (the SDK's retries included)
before the fallback chain moves on: a backend that hangs costs each request a minute. With one,
after `failures_to_open` outages in a row the backend is refused at once (`admit` is False, and
`refusal` says why in a line fit for the routing reason and the `fallbacks` metadata) until its
cool-down has passed; then exactly one call goes through as a probe (half-open) while every
other call is still refused. A probe that succeeds closes the breaker; one that fails opens it
again for twice as long, up to `max_open_s`.

Failures in a row, not a rate over a window: a worker calls a backend in bursts (one request's
batches, up to `LLM_MAX_IN_FLIGHT` at once) separated by quiet minutes, so a window long enough
to hold a few calls would also hold stale ones, and it would need a setting of its own. Any
answer from the backend proves it is up, so it resets the count; what is left to count is what
matters here, a backend that has stopped answering. Several batches failing together count
once each: a hanging backend opens its breaker within the request that first finds it hanging.

What counts is what says the backend, not the request, is in trouble (`is_outage`): a timeout,
no HTTP answer at all (connection refused or reset), and the statuses the SDKs themselves retry
(408, 409, 429, every 5xx, Anthropic's 529 included). Other 4xx (400, 401, 403, 404, 422) are the
caller's or the configuration's mistake: the backend answered, so they reset the count like a
success; a refused key is not an outage that waiting cures, and the fallback chain already drops
the backend for the rest of the request. Unusable output and refusals are answers too.

`Retry-After` is honoured: an outage whose server asked for a wait at least as long as the
cool-down (a 429 or 503 with `Retry-After: 30`) opens the breaker at once, since calling earlier
is known to be useless; a shorter one counts like any outage, and whenever the breaker opens it
stays open at least as long as the last outage asked. A wait is capped at `max_open_s`: after
that a probe costs one call, and a server still busy says so again.

Pure: no I/O, the clock is injected, and state changes are reported to `on_change` (the worker's
composition root turns them into metrics; generation imports no observability).
"""

from __future__ import annotations

import math
import time
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum

from generators.core.errors import LLMCallError, LLMError

#: HTTP statuses below 500 that say the backend is overloaded or unwell rather than that the
#: request is wrong (the set the SDKs retry); every 5xx counts too.
OUTAGE_STATUSES = frozenset({408, 409, 429})


class CircuitState(StrEnum):
    CLOSED = "closed"
    HALF_OPEN = "half_open"
    OPEN = "open"


@dataclass(frozen=True, slots=True)
class BreakerPolicy:
    """When a breaker opens (`failures_to_open` outages in a row) and for how long (`open_s`,
    doubled by each failed probe up to `max_open_s`, back to `open_s` after a success)."""

    failures_to_open: int = 3
    open_s: float = 15.0
    max_open_s: float = 120.0

    def __post_init__(self) -> None:
        if self.failures_to_open < 1:
            msg = f"failures_to_open must be at least 1, got {self.failures_to_open}"
            raise ValueError(msg)
        if not 0 < self.open_s <= self.max_open_s:
            msg = f"need 0 < open_s <= max_open_s, got {self.open_s} and {self.max_open_s}"
            raise ValueError(msg)


def is_outage(error: LLMError) -> bool:
    """Whether `error` says the backend is down or overloaded (see the module's docstring); a
    timeout is an `LLMCallError` without a status."""
    if not isinstance(error, LLMCallError):
        return False
    status = error.status
    return status is None or status in OUTAGE_STATUSES or status >= 500


class CircuitBreaker:
    """One backend's breaker. Ask `admit()` before each call and report its outcome with
    `succeeded()` or `failed(...)`; a call admitted as the half-open probe that ends with
    neither (cancelled) must give its slot back with `probe_abandoned()`. Outcomes are evidence
    about the backend whichever call they come from: a late failure of a call admitted before
    the breaker opened extends nothing but an asked-for wait; a late success closes it."""

    def __init__(
        self,
        policy: BreakerPolicy | None = None,
        *,
        clock: Callable[[], float] = time.monotonic,
        on_change: Callable[[CircuitState], None] | None = None,
    ) -> None:
        self._policy = policy or BreakerPolicy()
        self._clock = clock
        self._on_change = on_change
        self._state = CircuitState.CLOSED
        self._failures = 0  # outages in a row
        self._cause = ""  # the last one, in a few words
        self._open_s = self._policy.open_s  # the next opening's cool-down
        self._until = 0.0  # when an open breaker lets a probe through
        self._probing = False  # half-open: the probe is in flight

    @property
    def state(self) -> CircuitState:
        """The state as last changed: an open breaker whose cool-down has passed stays `open`
        until a call takes the probe."""
        return self._state

    @property
    def refusal(self) -> str | None:
        """None when a call now would be admitted, else why not. It only reads: asking it (as
        a backend's `available` does) never takes the half-open probe."""
        if self._state is CircuitState.OPEN:
            wait = self._until - self._clock()
            if wait > 0:
                return f"circuit open after {self._history()}, retry in {_seconds(wait)}"
        elif self._state is CircuitState.HALF_OPEN and self._probing:
            return f"circuit half-open, a probe call in flight, after {self._history()}"
        return None

    def admit(self) -> bool:
        """Whether a call may go now; an open breaker past its cool-down turns half-open and
        admits this call as its one probe."""
        if self._state is CircuitState.OPEN:
            if self._clock() < self._until:
                return False
            self._move(CircuitState.HALF_OPEN)
        if self._state is CircuitState.HALF_OPEN:
            if self._probing:
                return False
            self._probing = True
        return True

    def succeeded(self) -> None:
        """The backend answered: close, and forget the failures and the grown cool-down."""
        self._failures = 0
        self._open_s = self._policy.open_s
        self._probing = False
        self._move(CircuitState.CLOSED)

    def failed(self, cause: str, *, retry_after_s: float | None = None) -> None:
        """An outage (`is_outage`); `cause` is a few words for the refusal, `retry_after_s`
        the wait the server asked for, if it did."""
        now = self._clock()
        self._failures += 1
        self._cause = cause
        asked = min(max(retry_after_s or 0.0, 0.0), self._policy.max_open_s)
        if self._state is CircuitState.HALF_OPEN:  # the probe (or a late call) failed
            self._open_s = min(self._open_s * 2, self._policy.max_open_s)
            self._open(now, asked)
        elif self._state is CircuitState.OPEN:
            self._until = max(self._until, now + asked)
        elif self._failures >= self._policy.failures_to_open or asked >= self._open_s:
            self._open(now, asked)

    def probe_abandoned(self) -> None:
        """The probe ended without an outcome (cancelled): the next call may probe."""
        if self._state is CircuitState.HALF_OPEN:
            self._probing = False

    def _open(self, now: float, asked: float) -> None:
        self._until = now + max(self._open_s, asked)
        self._probing = False
        self._move(CircuitState.OPEN)

    def _move(self, state: CircuitState) -> None:
        if state is self._state:
            return
        self._state = state
        if self._on_change is not None:
            self._on_change(state)

    def _history(self) -> str:
        plural = "" if self._failures == 1 else "s"
        return f"{self._failures} failure{plural} ({self._cause})"


def _seconds(wait: float) -> str:
    """A wait rounded up, to the second from 1 s, else to the tenth."""
    return f"{math.ceil(wait)} s" if wait >= 1 else f"{math.ceil(wait * 10) / 10:g} s"
