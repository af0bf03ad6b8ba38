"""Fast draws from a seeded `random.Random`, for the hot loops.

`rng.choice`, `rng.randint` and `rng.choices` cost most of a microsecond each; one
`rng.random()` plus arithmetic costs a tenth of that. The float has 53 random bits, so the
bias for the spans used here (well under 2**40) is far below anything a test could notice.
"""

from __future__ import annotations

from collections.abc import Sequence
from random import Random
from typing import Generic, TypeVar

T = TypeVar("T")


def pick(rng: Random, values: Sequence[T]) -> T:
    return values[int(rng.random() * len(values))]


def draw_int(rng: Random, low: int, high: int) -> int:
    """Uniform in [low, high], both included."""
    return low + int(rng.random() * (high - low + 1))


class WeightedChoice(Generic[T]):
    """Draws `values[i]` with probability proportional to the integer `weights[i]`.

    Each value appears in a lookup table as often as its weight, so a draw is one `pick`;
    weights are therefore small integers (percentages, say).
    """

    def __init__(self, values: Sequence[T], weights: Sequence[int]) -> None:
        if not values or len(values) != len(weights) or any(w < 0 for w in weights):
            msg = "need one non-negative weight per value and at least one value"
            raise ValueError(msg)
        table = tuple(v for v, w in zip(values, weights, strict=True) for _ in range(w))
        self._table = table or tuple(values)
        self._size = len(self._table)

    @property
    def table(self) -> tuple[T, ...]:
        """The lookup table: `table[int(rng.random() * len(table))]` is one draw, inlined."""
        return self._table

    def __call__(self, rng: Random) -> T:
        return self._table[int(rng.random() * self._size)]  # `pick`, inlined: a hot path
