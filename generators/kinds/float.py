"""FLOAT: numbers within min/max (two decimals where that stays inside), or enum values."""

from __future__ import annotations

import math
from collections.abc import Iterable
from random import Random
from typing import Any

from generators.core.request import FieldConstraint, FieldType
from generators.core.schema import field_name_words
from generators.kinds._numbers import NumberKind, bounds
from generators.kinds.kind import FieldAt, FieldMaking, Scope, SqlType, ValueMaker
from generators.values.rule_values import numeric_enum_values
from generators.values.sampling import pick

_MONEY_WORDS = frozenset(
    {"price", "amount", "cost", "total", "subtotal", "balance", "salary", "fee"}
)


class FloatKind(NumberKind):
    field_type = FieldType.FLOAT
    json_type = "number"
    unbounded = (0.0, 1_000_000.0)
    step = 0.01

    def maker(self, making: FieldMaking, field: FieldAt) -> ValueMaker:
        """A number the field's name makes plausible (money, a rating) where the rule leaves
        freedom."""
        if field.rule.enum_values:
            numbers = numeric_enum_values(field.rule, FieldType.FLOAT)
            return lambda rng, _scope: pick(rng, numbers)
        words = set(field_name_words(field.spec.name))
        default = (
            (1.0, 500.0) if words & _MONEY_WORDS else (1.0, 5.0) if "rating" in words else (0, 1000)
        )
        low, high = bounds(field.rule, default)

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


FLOAT = FloatKind()
