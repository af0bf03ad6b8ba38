"""The bridge's per-client token buckets: arithmetic, isolation, and bounded memory."""

from __future__ import annotations

import pytest

from bridge.rate_limit import RateLimiter, TokenBucket, retry_delay_s


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_full_bucket_allows_its_burst_then_says_how_long_until_the_next_token() -> None:
    bucket = TokenBucket.full(rate_per_s=2.0, burst=3, now=0.0)

    assert [bucket.take(0.0) for _ in range(3)] == [0.0, 0.0, 0.0]
    assert bucket.take(0.0) == pytest.approx(0.5)
    assert bucket.take(0.2) == pytest.approx(0.3)  # a refused call spends nothing
    assert bucket.take(0.5) == 0.0


def test_a_bucket_refills_at_its_rate_up_to_its_burst_only() -> None:
    bucket = TokenBucket.full(rate_per_s=10.0, burst=5, now=0.0)
    for _ in range(5):
        bucket.take(0.0)

    bucket.refill(0.25)
    assert bucket.tokens == pytest.approx(2.5)
    bucket.refill(60.0)
    assert bucket.tokens == 5.0
    assert bucket.is_full(60.0)


def test_each_client_has_its_own_bucket() -> None:
    clock = Clock()
    limiter = RateLimiter(1.0, 2, clock=clock)

    assert [limiter.acquire("a") for _ in range(3)] == [0.0, 0.0, pytest.approx(1.0)]
    assert limiter.acquire("b") == 0.0
    clock.now += 1.0
    assert limiter.acquire("a") == 0.0


def test_a_rate_of_zero_turns_limiting_off() -> None:
    limiter = RateLimiter(0.0, 1)

    assert not limiter.enabled
    assert all(limiter.acquire("a") == 0.0 for _ in range(1000))
    assert limiter.tracked == 0


def test_buckets_idle_long_enough_to_be_full_again_are_forgotten() -> None:
    clock = Clock()
    limiter = RateLimiter(10.0, 5, clock=clock)  # full again 0.5 s after the last call
    for name in ("a", "b", "c"):
        limiter.acquire(name)
    assert limiter.tracked == 3

    clock.now += 0.6
    limiter.acquire("d")

    assert limiter.tracked == 1


def test_a_client_still_paying_off_its_burst_is_not_forgotten() -> None:
    clock = Clock()
    limiter = RateLimiter(1.0, 2, clock=clock)
    limiter.acquire("a")
    limiter.acquire("a")

    clock.now += 0.5
    limiter.acquire("b")

    assert limiter.tracked == 2
    assert limiter.acquire("a") == pytest.approx(0.5)


def test_no_more_than_max_clients_are_tracked_the_least_recent_goes_first() -> None:
    clock = Clock()
    limiter = RateLimiter(1.0, 1, max_clients=100, clock=clock)
    for i in range(10_000):
        limiter.acquire(f"client-{i}")

    assert limiter.tracked == 100
    assert limiter.acquire("client-9999") > 0  # still known, still empty
    assert limiter.acquire("client-0") == 0.0  # forgotten: a fresh bucket


def test_retry_delays_are_whole_milliseconds_and_never_zero() -> None:
    assert retry_delay_s(0.0000001) == 0.001
    assert retry_delay_s(0.0101) == 0.011
    assert retry_delay_s(2.0) == 2.0


def test_bad_limits_are_refused() -> None:
    with pytest.raises(ValueError, match="rate_per_s"):
        RateLimiter(-1.0, 1)
    with pytest.raises(ValueError, match="burst"):
        RateLimiter(1.0, 0)
