"""The LLM backends' circuit breaker on a fake clock: every transition, `Retry-After`, the one
half-open probe, which errors count; the guarded backend around a scripted fake; and the
`retry-after` headers the clients read."""

from __future__ import annotations

import asyncio
import contextlib
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import pytest

from clients._common import retry_after
from generators.core.errors import (
    FallbackReason,
    LLMCallError,
    LLMCircuitOpenError,
    LLMError,
    LLMOutputError,
    LLMRefusalError,
    LLMTimeoutError,
    LLMUnavailableError,
)
from generators.paths.llm.backend import LLMCall, LLMReply
from generators.paths.llm.breaker import BreakerPolicy, CircuitBreaker, CircuitState, is_outage
from generators.paths.llm.fallback import FallbackChain
from generators.paths.llm.guarded import GuardedBackend
from generators.paths.llm.report import LLMReport

CALL = LLMCall("system", "stable", "batch", {"type": "object"}, 100)
OUTAGE = "api_error: HTTP 503 after retries"


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def breaker(clock: Clock, seen: list[CircuitState] | None = None, **policy: Any) -> CircuitBreaker:
    on_change = seen.append if seen is not None else None
    return CircuitBreaker(BreakerPolicy(**policy), clock=clock, on_change=on_change)


def state(b: CircuitBreaker) -> CircuitState:
    """Read through a call, so mypy does not carry a narrowed state across transitions."""
    return b.state


def opened(clock: Clock, **policy: Any) -> CircuitBreaker:
    """A breaker just opened by three outages (the default threshold)."""
    b = breaker(clock, **policy)
    for _ in range(3):
        assert b.admit()
        b.failed(OUTAGE)
    return b


# --- the breaker ---------------------------------------------------------------------------


def test_three_outages_in_a_row_open_it_and_it_refuses_until_the_cool_down_passes() -> None:
    clock, seen = Clock(), list[CircuitState]()
    b = breaker(clock, seen)
    for _ in range(2):
        assert b.admit()
        b.failed(OUTAGE)
    assert state(b) is CircuitState.CLOSED and b.refusal is None
    assert b.admit()
    b.failed("timeout: no answer within 60 s (retries included)")
    assert state(b) is CircuitState.OPEN and seen == [CircuitState.OPEN]
    assert not b.admit()
    assert b.refusal == (
        "circuit open after 3 failures (timeout: no answer within 60 s (retries included)), "
        "retry in 15 s"
    )
    clock.now += 14.5
    assert not b.admit() and b.refusal is not None and b.refusal.endswith("retry in 0.5 s")


def test_a_success_between_outages_resets_the_count() -> None:
    b = breaker(Clock())
    for _ in range(5):
        b.failed(OUTAGE)
        b.failed(OUTAGE)
        b.succeeded()
    assert state(b) is CircuitState.CLOSED and b.admit()


def test_after_the_cool_down_exactly_one_probe_goes_and_its_success_closes_it() -> None:
    clock, seen = Clock(), list[CircuitState]()
    b = breaker(clock, seen)
    for _ in range(3):
        b.failed(OUTAGE)
    clock.now += 15
    assert b.refusal is None and b.refusal is None  # reading takes no probe
    assert state(b) is CircuitState.OPEN
    assert b.admit()
    assert state(b) is CircuitState.HALF_OPEN
    assert not b.admit() and not b.admit()
    assert b.refusal == (f"circuit half-open, a probe call in flight, after 3 failures ({OUTAGE})")
    b.succeeded()
    assert state(b) is CircuitState.CLOSED and b.refusal is None and b.admit()
    assert seen == [CircuitState.OPEN, CircuitState.HALF_OPEN, CircuitState.CLOSED]


def test_a_failed_probe_doubles_the_cool_down_up_to_the_maximum_and_success_resets_it() -> None:
    clock, seen = Clock(), list[CircuitState]()
    b = breaker(clock, seen, open_s=15, max_open_s=50)
    for _ in range(3):
        b.failed(OUTAGE)
    for cool_down in (30, 50, 50):
        clock.now += 100
        assert b.admit()
        b.failed(OUTAGE)
        assert state(b) is CircuitState.OPEN
        clock.now += cool_down - 0.01
        assert not b.admit()
        clock.now += 0.01
        assert b.refusal is None
    assert seen.count(CircuitState.OPEN) == 4  # the first opening and each failed probe
    assert b.admit()
    b.succeeded()
    for _ in range(3):
        b.failed(OUTAGE)
    clock.now += 15
    assert b.admit()  # back to the first cool-down


def test_a_cancelled_probe_gives_the_slot_back() -> None:
    clock = Clock()
    b = opened(clock)
    clock.now += 15
    assert b.admit() and not b.admit()
    b.probe_abandoned()
    assert state(b) is CircuitState.HALF_OPEN and b.refusal is None
    assert b.admit() and not b.admit()


def test_a_retry_after_at_least_the_cool_down_opens_it_at_once_and_holds_it_that_long() -> None:
    clock = Clock()
    b = breaker(clock)
    b.failed("api_error: HTTP 429 after retries", retry_after_s=30)
    assert state(b) is CircuitState.OPEN
    assert b.refusal == (
        "circuit open after 1 failure (api_error: HTTP 429 after retries), retry in 30 s"
    )
    clock.now += 29
    assert not b.admit()
    clock.now += 1
    assert b.admit()


def test_a_short_retry_after_counts_like_any_outage_and_the_longest_wait_wins() -> None:
    clock = Clock()
    b = breaker(clock, open_s=15)
    b.failed(OUTAGE, retry_after_s=2)
    assert state(b) is CircuitState.CLOSED
    b.failed(OUTAGE)
    b.failed(OUTAGE, retry_after_s=10)
    assert state(b) is CircuitState.OPEN
    clock.now += 15
    assert b.admit()  # the cool-down outlasted the 10 s asked for


def test_a_retry_after_is_capped_at_the_longest_cool_down() -> None:
    clock = Clock()
    b = breaker(clock, max_open_s=120)
    b.failed(OUTAGE, retry_after_s=86_400)
    assert b.refusal is not None and b.refusal.endswith("retry in 120 s")
    clock.now += 120
    assert b.admit()


def test_a_late_failure_while_open_extends_only_an_asked_for_wait() -> None:
    clock = Clock()
    b = opened(clock)
    b.failed(OUTAGE)
    assert b.refusal is not None and "after 4 failures" in b.refusal
    assert b.refusal.endswith("retry in 15 s")
    b.failed(OUTAGE, retry_after_s=40)
    clock.now += 39
    assert not b.admit()
    clock.now += 1
    assert b.admit()


def test_a_late_success_closes_an_open_breaker() -> None:
    b = opened(Clock())
    b.succeeded()
    assert state(b) is CircuitState.CLOSED and b.admit()


@pytest.mark.parametrize(
    "policy",
    [{"failures_to_open": 0}, {"open_s": 0}, {"open_s": 30, "max_open_s": 20}],
)
def test_a_policy_that_cannot_work_is_refused(policy: dict[str, Any]) -> None:
    with pytest.raises(ValueError, match=r"must be|need"):
        BreakerPolicy(**policy)


@pytest.mark.parametrize(
    ("error", "counts"),
    [
        (LLMTimeoutError("claude: timed out"), True),
        (LLMCallError("claude: APIConnectionError"), True),
        *[(LLMCallError("x", status=s), True) for s in (408, 409, 429, 500, 502, 503, 529)],
        *[(LLMCallError("x", status=s), False) for s in (400, 401, 403, 404, 422)],
        (LLMOutputError("unparseable"), False),
        (LLMRefusalError("declined"), False),
        (LLMUnavailableError("no key"), False),
        (LLMCircuitOpenError("open"), False),
    ],
)
def test_which_errors_are_outages(error: LLMError, counts: bool) -> None:
    assert is_outage(error) is counts


def test_an_open_circuit_has_its_own_fallback_reason() -> None:
    error = LLMCircuitOpenError("claude: circuit open")
    assert isinstance(error, LLMUnavailableError)
    assert error.reason is FallbackReason.CIRCUIT_OPEN is not LLMUnavailableError.reason


# --- the guarded backend -------------------------------------------------------------------


class FakeBackend:
    """Answers each call from `outcomes` (an exception is raised, a reply returned)."""

    name = "claude"

    def __init__(self, *outcomes: LLMReply | BaseException, key: bool = True) -> None:
        self.outcomes = list(outcomes)
        self.calls = 0
        self.closed = False
        self.key = key
        self.gate: asyncio.Event | None = None

    @property
    def available(self) -> bool:
        return self.key

    @property
    def unavailable_detail(self) -> str | None:
        return None if self.key else "no API key configured (set ANTHROPIC_API_KEY)"

    async def complete(self, call: LLMCall) -> LLMReply:
        self.calls += 1
        if self.gate is not None:
            await self.gate.wait()
        outcome = self.outcomes.pop(0) if self.outcomes else LLMReply(text="{}")
        if isinstance(outcome, BaseException):
            raise outcome
        return outcome

    async def close(self) -> None:
        self.closed = True


def http(status: int, retry_after_s: float | None = None) -> LLMCallError:
    return LLMCallError(
        f"claude: HTTP {status} after retries", status=status, retry_after_s=retry_after_s
    )


async def test_guarded_outages_open_the_circuit_and_then_it_refuses_without_calling() -> None:
    clock = Clock()
    inner = FakeBackend(*[http(503)] * 3)
    guarded = GuardedBackend(inner, breaker(clock))
    for _ in range(3):
        with pytest.raises(LLMCallError):
            await guarded.complete(CALL)
    assert not guarded.available
    assert guarded.unavailable_detail == (
        "circuit open after 3 failures (api_error: HTTP 503 after retries), retry in 15 s"
    )
    with pytest.raises(LLMCircuitOpenError, match=r"^claude: circuit open after 3 failures"):
        await guarded.complete(CALL)
    assert inner.calls == 3
    clock.now += 15
    assert guarded.available and guarded.available  # asking twice takes no probe
    assert await guarded.complete(CALL) == LLMReply(text="{}")
    assert inner.calls == 4 and guarded.unavailable_detail is None


@pytest.mark.parametrize(
    "answer",
    [http(400), http(401), http(404), LLMReply(text="not json")],
)
async def test_guarded_answers_that_are_not_outages_reset_the_count(
    answer: LLMReply | LLMCallError,
) -> None:
    inner = FakeBackend(http(500), http(500), answer, http(500), http(500))
    guarded = GuardedBackend(inner, breaker(Clock()))
    for _ in range(5):
        with contextlib.suppress(LLMCallError):
            await guarded.complete(CALL)
    assert guarded.available


async def test_guarded_without_a_key_says_so_and_never_calls() -> None:
    inner = FakeBackend(key=False)
    guarded = GuardedBackend(inner, breaker(Clock()))
    assert guarded.unavailable_detail == "no API key configured (set ANTHROPIC_API_KEY)"
    with pytest.raises(LLMUnavailableError) as raised:
        await guarded.complete(CALL)
    assert raised.value.reason is FallbackReason.MISSING_KEY and inner.calls == 0


async def probing() -> tuple[FakeBackend, GuardedBackend, asyncio.Task[LLMReply]]:
    """A guarded backend opened by three timeouts, past its cool-down, with its half-open
    probe call in flight (held at the fake's gate)."""
    clock = Clock()
    inner = FakeBackend(*[LLMTimeoutError("claude: no answer within 1 s")] * 3)
    guarded = GuardedBackend(inner, breaker(clock))
    for _ in range(3):
        with pytest.raises(LLMTimeoutError):
            await guarded.complete(CALL)
    clock.now += 15
    inner.gate = asyncio.Event()
    probe = asyncio.create_task(guarded.complete(CALL))
    await asyncio.sleep(0)
    return inner, guarded, probe


async def test_guarded_probe_is_exclusive_and_a_cancelled_one_frees_the_slot() -> None:
    inner, guarded, probe = await probing()
    assert inner.calls == 4
    assert guarded.unavailable_detail == (
        "circuit half-open, a probe call in flight, after 3 failures "
        "(timeout: no answer within 1 s)"
    )
    with pytest.raises(LLMCircuitOpenError, match="half-open"):
        await guarded.complete(CALL)
    probe.cancel()
    with pytest.raises(asyncio.CancelledError):
        await probe
    assert guarded.available
    inner.gate = None
    await guarded.complete(CALL)
    assert guarded.unavailable_detail is None and inner.calls == 5


async def test_guarded_429_with_retry_after_opens_at_once() -> None:
    clock = Clock()
    guarded = GuardedBackend(FakeBackend(http(429, retry_after_s=30)), breaker(clock))
    with pytest.raises(LLMCallError):
        await guarded.complete(CALL)
    assert guarded.unavailable_detail == (
        "circuit open after 1 failure (api_error: HTTP 429 after retries), retry in 30 s"
    )


async def test_guarded_forwards_close_and_names() -> None:
    inner = FakeBackend()
    guarded = GuardedBackend(inner, breaker(Clock()))
    await guarded.close()
    assert inner.closed and guarded.name == "claude"
    assert repr(guarded).endswith("circuit closed)")


# --- retry-after headers -------------------------------------------------------------------

NOW = datetime(2025, 1, 1, 12, 0, 0, tzinfo=UTC).timestamp()


def at_noon() -> float:
    return NOW


@pytest.mark.parametrize(
    ("headers", "seconds"),
    [
        ({}, None),
        ({"retry-after": "30"}, 30.0),
        ({"Retry-After": "1.5"}, 1.5),
        ({"retry-after-ms": "250", "retry-after": "30"}, 0.25),
        ({"retry-after-ms": "soon", "retry-after": "3"}, 3.0),
        ({"retry-after": "Wed, 01 Jan 2025 12:00:45 GMT"}, 45.0),
        ({"retry-after": "Wed, 01 Jan 2025 12:00:45 -0000"}, 45.0),
        ({"retry-after": "Wed, 01 Jan 2025 11:00:00 GMT"}, 0.0),
        ({"retry-after": "later"}, None),
        ({"retry-after": "-5"}, None),
        ({"retry-after": "inf"}, None),
        ({"retry-after": "nan"}, None),
    ],
)
def test_retry_after_headers(headers: dict[str, str], seconds: float | None) -> None:
    assert retry_after(headers, now=at_noon) == seconds


def test_retry_after_reads_an_http_date_against_the_wall_clock() -> None:
    later = format_datetime(datetime.fromtimestamp(NOW + 90, UTC), usegmt=True)
    assert retry_after({"retry-after": later}, now=at_noon) == 90.0


async def test_a_batch_refused_while_another_probes_keeps_the_backend_for_the_next() -> None:
    """Refused only because another call holds the half-open probe, the backend stays in the
    request's chain: the probe may close its breaker before the next batch."""
    inner, guarded, probe = await probing()
    report = LLMReport(("claude",))
    chain = FallbackChain([guarded], report, "r")

    async def fill(backend: Any) -> None:
        await backend.complete(CALL)

    assert await chain.run(0, fill) is False  # refused: the probe is in flight
    assert report.steps[0].reason is FallbackReason.CIRCUIT_OPEN
    assert inner.gate is not None
    inner.gate.set()
    await probe
    assert await chain.run(10, fill) is True  # the probe closed the breaker: called again
    assert inner.calls == 5
