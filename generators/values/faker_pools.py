"""The value pools drawn from Faker, once per worker process.

The Faker instance is seeded with `POOL_SEED`, so every worker process draws identical pools and
a request yields identical records wherever it runs (for a given Faker version: upgrading Faker
may change the pools, and with them the records). Only the worker imports this module: Faker
takes a noticeable share of a process's start and memory.
"""

from __future__ import annotations

from collections.abc import Callable

from faker import Faker

from generators.values.pools import ValuePools

POOL_SEED = 20_251_124
DEFAULT_POOL_SIZE = 500


def _distinct(draw: Callable[[], str], size: int) -> tuple[str, ...]:
    """Up to `size` distinct values (in first-drawn order) from `size` draws."""
    return tuple(dict.fromkeys(draw() for _ in range(size)))


def faker_pools(size: int = DEFAULT_POOL_SIZE, seed: int = POOL_SEED) -> ValuePools:
    """Pools drawn from Faker's en_US provider, seeded, so every process draws the same."""
    fake = Faker("en_US")
    fake.seed_instance(seed)
    return ValuePools(
        first_names=_distinct(fake.first_name, size),
        last_names=_distinct(fake.last_name, size),
        street_names=_distinct(fake.street_name, size),
        cities=_distinct(fake.city, size),
        states=_distinct(
            lambda: fake.state_abbr(
                include_territories=False, include_freely_associated_states=False
            ),
            size,
        ),
        companies=_distinct(fake.company, size),
        colors=_distinct(fake.color_name, size // 5),
        words=_distinct(fake.word, size * 2),
        sentences=_distinct(fake.sentence, size),
    )
