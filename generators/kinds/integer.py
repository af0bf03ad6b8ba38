"""INTEGER: whole numbers within min/max (64-bit), or one of enum values given as numbers."""

from __future__ import annotations

import math
from collections.abc import Callable, Iterable, Iterator
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
    SqlType,
    ValueMaker,
)
from generators.values.rule_values import INT64_RANGE, numeric_enum_values
from generators.values.sampling import draw_int, pick

#: Edge values of an integer without min or max.
_UNBOUNDED = (0, 2**31 - 1)


class IntegerKind(FieldKind):
    field_type = FieldType.INTEGER
    constraints = frozenset({"min", "max", "enum_values"})
    integral = True

    def is_value(self, rule: FieldConstraint) -> Callable[[Any], bool]:
        return lambda v: type(v) is int

    def json_schema(
        self, spec: FieldSpec, rule: FieldConstraint, path: str, nested: NestedSchema
    ) -> dict[str, Any]:
        return numeric_schema("integer", rule, integral=True)

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
            numbers = numeric_enum_values(rule, FieldType.INTEGER)
            return lambda rng, _scope: pick(rng, numbers)
        words = field_name_words(spec.name)
        default = (
            (18, 90) if "age" in words
            else (1, 10) if {"quantity", "qty", "count"} & set(words)
            else (1990, making.year) if "year" in words
            else (1, 5) if {"rating", "stars"} & set(words)
            else (1, 1000)
        )  # fmt: skip
        low, high = bounds(rule, default)
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

    def rule_problems(self, at: str, rule: FieldConstraint, lengths_ok: bool) -> Iterator[Problem]:
        return numeric_enum_problems(f"{at}.enum_values", rule, FieldType.INTEGER)

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
            numbers = sorted(numeric_enum_values(rule, FieldType.INTEGER))
            return pick_end(numbers, low=low, inside=inside)
        lowest = math.ceil(rule.min) if rule.min is not None else _UNBOUNDED[0]
        highest = math.floor(rule.max) if rule.max is not None else _UNBOUNDED[1]
        return number_end(lowest, highest, 1, low=low, inside=inside)


INTEGER = IntegerKind()
