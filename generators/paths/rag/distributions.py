"""Production-like values: numbers and enum values drawn the way production's were.

A sample's stats give, per numeric field, min/p50/p95/max (and mean/stdev), and per enum
field the share of each value. Numbers are drawn by inverse-CDF sampling of the piecewise-
linear distribution through (0, min), (0.5, p50), (0.95, p95), (1, max): the generated
median and 95th percentile then match production's, and every value stays inside production's
range. A field with only mean and stdev is drawn from a normal clipped to [min, max].
Drawn values are then kept inside the field's own rules, and arrays are only ever shortened
to a drawn length (lengthening would invent items).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Mapping
from random import Random
from typing import Any

from generators.core.record import Record
from generators.core.request import FieldConstraint, FieldType
from generators.core.schema import EntitySchema


def shape(
    record: Record, stats: Mapping[str, Mapping[str, Any]], schema: EntitySchema, rng: Random
) -> bool:
    """Re-draw `record`'s fields named in `stats`, in place; True when any field changed."""
    changed = False
    for path, stat in stats.items():
        parts = path.split(".")
        if parts[-1] == "length":
            changed |= _shorten(record, parts[:-1], stat, rng)
            continue
        spec = schema.field_at(path)
        if spec is None:
            continue
        if "frequencies" in stat:
            allowed = set(schema.rule(path).enum_values)
            weights = {
                str(v): float(w)
                for v, w in stat["frequencies"].items()
                if (not allowed or str(v) in allowed) and float(w) > 0
            }
            if weights:
                changed |= _set(record, parts, _EnumDraw(weights, rng))
        elif spec.type in (FieldType.INTEGER, FieldType.FLOAT):
            integral = spec.type is FieldType.INTEGER
            changed |= _set(record, parts, _NumberDraw(stat, schema.rule(path), integral, rng))
    return changed


class _EnumDraw:
    def __init__(self, weights: Mapping[str, float], rng: Random) -> None:
        self._weights, self._rng = weights, rng

    def __call__(self, old: Any) -> Any:
        return _weighted(self._weights, self._rng)


class _NumberDraw:
    """A new value for a numeric field: drawn from the stats, kept inside the field's rule,
    rounded like the old value (integers stay integers, cents stay cents)."""

    def __init__(
        self, stat: Mapping[str, Any], rule: FieldConstraint, integral: bool, rng: Random
    ) -> None:
        self._stat, self._rule, self._integral, self._rng = stat, rule, integral, rng

    def __call__(self, old: Any) -> Any:
        if type(old) not in (int, float):
            return old
        value = _draw(self._stat, self._rng)
        if value is None:
            return old
        if self._rule.min is not None:
            value = max(value, self._rule.min)
        if self._rule.max is not None:
            value = min(value, self._rule.max)
        if self._integral:
            return round(value)
        return round(value, 2) if _decimals(old) <= 2 else value


def _draw(stat: Mapping[str, Any], rng: Random) -> float | None:
    numbers = {k: float(v) for k, v in stat.items() if type(v) in (int, float)}
    low, high = numbers.get("min"), numbers.get("max")
    if low is None or high is None or high < low:
        return None
    knots = [(0.0, low)]
    if "p50" in numbers:
        knots.append((0.5, numbers["p50"]))
    if "p95" in numbers:
        knots.append((0.95, numbers["p95"]))
    knots.append((1.0, high))
    if len(knots) == 2 and "mean" in numbers and "stdev" in numbers:
        return min(max(rng.gauss(numbers["mean"], numbers["stdev"]), low), high)
    u = rng.random()
    for (u0, x0), (u1, x1) in itertools.pairwise(knots):
        if u <= u1:
            return x0 + (x1 - x0) * ((u - u0) / (u1 - u0) if u1 > u0 else 0.0)
    return high


def _weighted(weights: Mapping[str, float], rng: Random) -> str:
    point = rng.random() * sum(weights.values())
    for value, weight in weights.items():
        point -= weight
        if point <= 0:
            return value
    return list(weights)[-1]


def _shorten(record: Record, parts: list[str], stat: Mapping[str, Any], rng: Random) -> bool:
    target: Any = record
    for part in parts:
        target = target.get(part) if isinstance(target, dict) else None
    drawn = _draw(stat, rng)
    if not isinstance(target, list) or drawn is None:
        return False
    length = max(1, round(drawn))
    if length >= len(target):
        return False
    del target[length:]
    return True


def _set(target: Any, parts: list[str], change: Any) -> bool:
    if isinstance(target, list):
        return any([_set(element, parts, change) for element in target])
    if not isinstance(target, dict) or parts[0] not in target:
        return False
    if len(parts) > 1:
        return _set(target[parts[0]], parts[1:], change)
    old = target[parts[0]]
    target[parts[0]] = change(old)
    return True


def _decimals(value: Any) -> int:
    if isinstance(value, int) or not math.isfinite(value):
        return 0
    text = repr(value)
    return len(text.split(".")[1]) if "." in text and "e" not in text else 3
