"""Pools of Faker values, drawn once per generator and then sampled with a per-request RNG.

Calling Faker per field per record costs tens of microseconds a call; sampling a tuple costs a
fraction of one. The pools come from a Faker instance seeded with `POOL_SEED`, so every worker
process builds identical pools and a request yields identical records wherever it runs (for a
given Faker version: upgrading Faker may change the pools, and with them the records).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from faker import Faker

POOL_SEED = 20_251_124
DEFAULT_POOL_SIZE = 500


def _distinct(draw: Callable[[], str], size: int) -> tuple[str, ...]:
    """Up to `size` distinct values (in first-drawn order) from `size` draws."""
    return tuple(dict.fromkeys(draw() for _ in range(size)))


@dataclass(frozen=True, slots=True)
class ValuePools:
    first_names: tuple[str, ...]
    last_names: tuple[str, ...]
    street_names: tuple[str, ...]
    cities: tuple[str, ...]
    states: tuple[str, ...]
    companies: tuple[str, ...]
    colors: tuple[str, ...]
    words: tuple[str, ...]
    sentences: tuple[str, ...]

    @classmethod
    def build(cls, size: int = DEFAULT_POOL_SIZE, seed: int = POOL_SEED) -> ValuePools:
        fake = Faker("en_US")
        fake.seed_instance(seed)
        return cls(
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
