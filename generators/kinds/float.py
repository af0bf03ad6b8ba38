"""FLOAT: numbers within min/max (two decimals where that stays inside), or enum values."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
from random import Random
from typing import Any

from generators.core.errors import Problem
from generators.core.request import FieldConstraint, FieldSpec, FieldType
from generators.core.schema import field_name_words
from generators.kinds._edges import boundary_of, number_end, pick_end
from generators.kinds._numbers import bounds, numeric_enum_problems, numeric_schema
from generators.kinds.kind import (
    EdgeKind,
    EdgeMoments,
    FieldKind,
    FieldMaking,
    NestedSchema,
    Scope,
    SqlType,
    ValueMaker,
)
from generators.values.rule_values import numeric_enum_values
from generators.values.sampling import pick

#: Edge values of a float without min or max.
_UNBOUNDED = (0.0, 1_000_000.0)
_MONEY_WORDS = frozenset(
    {"price", "amount", "cost", "total", "subtotal", "balance", "salary", "fee"}
)
_NUMBER_TYPES = (int, float)


class FloatKind(FieldKind):
    field_type = FieldType.FLOAT
    constraints = frozenset({"min", "max", "enum_values"})

    def is_value(self, rule: FieldConstraint) -> Callable[[Any], bool]:
        """An int or float, and not a bool (JSON numbers parse to exactly these types)."""
        return lambda v: type(v) in _NUMBER_TYPES

    def json_schema(
        self, spec: FieldSpec, rule: FieldConstraint, path: str, nested: NestedSchema
    ) -> dict[str, Any]:
        return numeric_schema("number", rule, integral=False)

    def maker(
        self,
        making: FieldMaking,
        spec: FieldSpec,
        path: str,
        rule: FieldConstraint,
        *,
        top_level: bool,
    ) -> ValueMaker:
        if rule.enum_values:
            numbers = numeric_enum_values(rule, FieldType.FLOAT)
            return lambda rng, _scope: pick(rng, numbers)
        words = set(field_name_words(spec.name))
        default = (
            (1.0, 500.0) if words & _MONEY_WORDS else (1.0, 5.0) if "rating" in words else (0, 1000)
        )
        low, high = bounds(rule, default)

        def make(rng: Random, _scope: Scope) -> float:
            value = rng.uniform(low, high)
            rounded = round(value, 2)
            return rounded if low <= rounded <= high else value

        return make

    def sql_type(self, rule: FieldConstraint, overrides: Iterable[str]) -> SqlType:
        return SqlType.DOUBLE

    def convert(self, raw: str) -> Any:
        number = float(raw.strip())
        if not math.isfinite(number):
            msg = "not a finite number"
            raise ValueError(msg)
        return number

    def rule_problems(self, at: str, rule: FieldConstraint, lengths_ok: bool) -> Iterator[Problem]:
        return numeric_enum_problems(f"{at}.enum_values", rule, FieldType.FLOAT)

    def edge(
        self,
        edge: EdgeKind,
        value: Any,
        spec: FieldSpec,
        rule: FieldConstraint,
        index: int,
        moments: EdgeMoments,
    ) -> tuple[bool, Any]:
        boundary = boundary_of(edge)
        if boundary is None:
            return False, value
        low, inside = boundary
        if rule.enum_values:
            numbers = sorted(numeric_enum_values(rule, FieldType.FLOAT))
            return pick_end(numbers, low=low, inside=inside)
        lowest = rule.min if rule.min is not None else _UNBOUNDED[0]
        highest = rule.max if rule.max is not None else _UNBOUNDED[1]
        return number_end(lowest, highest, 0.01, low=low, inside=inside)


FLOAT = FloatKind()
