"""What both backends share: how they call their API (`CallLimits`), and one deadline over all
of an SDK's attempts.

The SDKs retry 408/409/429/5xx and connection errors themselves (`max_retries`, exponential
backoff with jitter) and honour `retry-after` / `retry-after-ms` (read in their
`_calculate_retry_timeout`). Their `timeout` applies per attempt, though, and Anthropic's SDK
will wait as long as `retry-after` says; `total_timeout_s` bounds the whole call.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable
from dataclasses import dataclass
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
