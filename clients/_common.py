"""What both backends share: how they call their API (`CallLimits`), one deadline over all
of an SDK's attempts, and the wait a failed call's server asked for (`retry_after`).

The SDKs retry 408/409/429/5xx and connection errors themselves (`max_retries`, exponential
backoff with jitter) and honour `retry-after` / `retry-after-ms` (read in their
`_calculate_retry_timeout`). Their `timeout` applies per attempt, though, and Anthropic's SDK
will wait as long as `retry-after` says; `total_timeout_s` bounds the whole call. Once they give
up, the wait the last answer asked for travels on the `LLMCallError`, for the circuit breaker.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import UTC
from email.utils import parsedate_to_datetime
from typing import TypeVar

from generators.core.errors import LLMTimeoutError

T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CallLimits:
    """How a backend calls its API: output size, sampling, and how long and how often it tries
    (`timeout_s` per attempt, `max_retries` SDK retries, `total_timeout_s` over all of them)."""

    max_tokens: int = 4096
    temperature: float = 0.7
    timeout_s: float = 60.0
    max_retries: int = 2
    total_timeout_s: float = 180.0


DEFAULT_LIMITS = CallLimits()


async def within(deadline_s: float, call: Awaitable[T], what: str) -> T:
    try:
        async with asyncio.timeout(deadline_s):
            return await call
    except TimeoutError as error:
        msg = f"{what}: no answer within {deadline_s:g} s (retries included)"
        raise LLMTimeoutError(msg) from error


def retry_after(
    headers: Mapping[str, str], *, now: Callable[[], float] = time.time
) -> float | None:
    """Seconds an error response asked the client to wait, None when it did not say (or said
    nonsense). `retry-after-ms` (non-standard; OpenAI sends it) is more precise than
    `retry-after`, which holds seconds (a float, though the RFC says an integer) or an HTTP date
    (one in the past is 0): the order the SDKs read them in. `now` is the wall clock, for
    dates."""
    lowered = {name.lower(): value for name, value in headers.items()}
    milliseconds = _number(lowered.get("retry-after-ms"))
    if milliseconds is not None:
        return milliseconds / 1000
    value = lowered.get("retry-after")
    if value is None:
        return None
    seconds = _number(value)
    if seconds is not None:
        return seconds
    try:
        date = parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    if date.tzinfo is None:  # HTTP dates are GMT; `-0000` or no zone at all says nothing else
        date = date.replace(tzinfo=UTC)
    return max(date.timestamp() - now(), 0.0)


def _number(value: str | None) -> float | None:
    """A finite, non-negative number of `value`, else None."""
    if value is None:
        return None
    try:
        number = float(value)
    except ValueError:
        return None
    return number if math.isfinite(number) and number >= 0 else None
