"""INTEGER: whole numbers within min/max (64-bit), or one of enum values given as numbers."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable
from typing import Any

from generators.core.request import FieldConstraint, FieldType
from generators.core.schema import field_name_words
from generators.kinds._numbers import NumberKind, bounds
from generators.kinds.kind import FieldAt, FieldMaking, SqlType, ValueMaker
from generators.values.rule_values import INT64_RANGE, numeric_enum_values
from generators.values.sampling import draw_int, pick


class IntegerKind(NumberKind):
    field_type = FieldType.INTEGER
    integral = True
    json_type = "integer"
    unbounded = (0, 2**31 - 1)
    step = 1

    def is_value(self, rule: FieldConstraint) -> Callable[[Any], bool]:
        return lambda v: type(v) is int

    def maker(self, making: FieldMaking, field: FieldAt) -> ValueMaker:
        """A number the field's name makes plausible (an age, a quantity, a year, a rating)
        where the rule leaves freedom."""
        if field.rule.enum_values:
            numbers = numeric_enum_values(field.rule, FieldType.INTEGER)
            return lambda rng, _scope: pick(rng, numbers)
        words = set(field_name_words(field.spec.name))
        default = (
            (18, 90) if "age" in words
            else (1, 10) if {"quantity", "qty", "count"} & words
            else (1990, making.year) if "year" in words
            else (1, 5) if {"rating", "stars"} & words
            else (1, 1000)
        )  # fmt: skip
        low, high = bounds(field.rule, default)
        low, high = math.ceil(low), math.floor(high)
        return lambda rng, _scope: draw_int(rng, low, high)

    def sql_type(self, rule: FieldConstraint, overrides: Iterable[str]) -> SqlType:
        return SqlType.BIGINT

    def convert(self, raw: str) -> Any:
        integer = int(raw.strip())
        if not INT64_RANGE[0] <= integer <= INT64_RANGE[1]:
            msg = "out of the 64-bit integer range"
            raise ValueError(msg)
        return integer

    def bound_problem(self, bound: float) -> str | None:
        return None if INT64_RANGE[0] <= bound <= INT64_RANGE[1] else "must fit in a 64-bit integer"

    def edge_bounds(self, rule: FieldConstraint) -> tuple[float, float]:
        lowest, highest = super().edge_bounds(rule)
        return math.ceil(lowest), math.floor(highest)


INTEGER = IntegerKind()
