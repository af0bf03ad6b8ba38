"""Per-client rate limiting: a token bucket per client identity, in bounded memory.

Each client may spend `burst` calls at once and `rate_per_s` calls a second after that. Pure:
the clock is a parameter, so the arithmetic is tested without sleeping.

Memory is bounded twice. A bucket left alone for `burst / rate_per_s` seconds is full again,
exactly like a new one, so forgetting it changes nothing: idle buckets are dropped as calls
come in (oldest first, a few at a time). And at most `max_clients` buckets are kept: past that
the least recently used one is dropped, which can only give that client a fresh burst.
"""

from __future__ import annotations

import math
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

#: Clients tracked at once; past this the least recently seen is forgotten.
MAX_TRACKED_CLIENTS = 10_000
#: Idle buckets dropped per call at most (keeps every call O(1) amortised).
_EVICT_PER_CALL = 8


@dataclass(slots=True)
class TokenBucket:
    """`tokens` calls may be made now; it refills at `rate_per_s` up to `burst`."""

    rate_per_s: float
    burst: int
    tokens: float
    updated: float

    @classmethod
    def full(cls, rate_per_s: float, burst: int, now: float) -> TokenBucket:
        return cls(rate_per_s, burst, float(burst), now)

    def refill(self, now: float) -> None:
        if now > self.updated:
            self.tokens = min(
                float(self.burst), self.tokens + (now - self.updated) * self.rate_per_s
            )
            self.updated = now

    def take(self, now: float) -> float:
        """Spend one token: 0.0 when one was there, else the seconds until one will be (and
        nothing is spent)."""
        self.refill(now)
        if self.tokens >= 1.0:
            self.tokens -= 1.0
            return 0.0
        return (1.0 - self.tokens) / self.rate_per_s

    def is_full(self, now: float) -> bool:
        return self.tokens + max(now - self.updated, 0.0) * self.rate_per_s >= self.burst


class RateLimiter:
    """One token bucket per client identity; `rate_per_s == 0` turns limiting off."""

    def __init__(
        self,
        rate_per_s: float,
        burst: int,
        *,
        max_clients: int = MAX_TRACKED_CLIENTS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        if rate_per_s < 0 or burst < 1 or max_clients < 1:
            msg = "rate_per_s must be >= 0, burst and max_clients >= 1"
            raise ValueError(msg)
        self.rate_per_s = rate_per_s
        self.burst = burst
        self._max_clients = max_clients
        self._clock = clock
        self._buckets: OrderedDict[str, TokenBucket] = OrderedDict()

    @property
    def enabled(self) -> bool:
        return self.rate_per_s > 0

    @property
    def tracked(self) -> int:
        """How many clients have a bucket now."""
        return len(self._buckets)

    def describe(self) -> str:
        return f"{self.rate_per_s:g} calls/s with bursts of {self.burst}"

    def acquire(self, client: str) -> float:
        """Charge one call to `client`: 0.0 when allowed, else the seconds until it would be."""
        if not self.enabled:
            return 0.0
        now = self._clock()
        bucket = self._buckets.get(client)
        if bucket is None:
            bucket = TokenBucket.full(self.rate_per_s, self.burst, now)
            self._buckets[client] = bucket
        else:
            self._buckets.move_to_end(client)
        wait = bucket.take(now)
        self._evict(now)
        return wait

    def _evict(self, now: float) -> None:
        """Drop a few buckets that are full again (from the least recently used end), then
        whatever is over the cap."""
        for _ in range(_EVICT_PER_CALL):
            oldest = next(iter(self._buckets.values()))
            if len(self._buckets) == 1 or not oldest.is_full(now):
                break
            self._buckets.popitem(last=False)
        while len(self._buckets) > self._max_clients:
            self._buckets.popitem(last=False)


def retry_delay_s(wait_s: float) -> float:
    """A retry delay a client can honour: at least a millisecond, rounded up to one."""
    return max(math.ceil(wait_s * 1000), 1) / 1000
