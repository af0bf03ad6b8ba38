"""Pools of values (names, streets, cities...) that records sample with a per-request RNG.

Sampling a tuple costs a fraction of a microsecond where a Faker call per field costs tens; the
pools are drawn once per worker process (`generators.values.faker_pools`).
"""

from __future__ import annotations

from dataclasses import dataclass


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
