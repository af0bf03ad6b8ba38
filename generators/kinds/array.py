"""ARRAY: a list of objects of the field's nested_fields; min/max (or min_length/max_length)
bound its length, 1 to 3 elements by default, at most 100."""

from __future__ import annotations

import copy
from collections.abc import Callable
from typing import Any

from generators.core.request import FieldConstraint, FieldType
from generators.kinds._edges import boundary_of, length_target
from generators.kinds._json import json_of
from generators.kinds.kind import (
    MAX_ARRAY_LENGTH,
    EdgeAt,
    EdgeKind,
    FieldAt,
    FieldKind,
    FieldMaking,
    NestedSchema,
    ValueMaker,
)
from generators.kinds.object import OBJECT
from generators.values.sampling import draw_int

DEFAULT_ARRAY_LENGTH = (1, 3)


class ArrayKind(FieldKind):
    field_type = FieldType.ARRAY
    constraints = frozenset({"min", "max", "min_length", "max_length"})
    nests = True
    longest = MAX_ARRAY_LENGTH

    def is_value(self, rule: FieldConstraint) -> Callable[[Any], bool]:
        return lambda v: isinstance(v, list)

    def json_schema(self, field: FieldAt, nested: NestedSchema) -> dict[str, Any]:
        spec, rule = field.spec, field.rule
        items = (
            nested(spec.nested_fields, f"{field.path}.")
            if spec.nested_fields
            else {"type": "string"}
        )
        result: dict[str, Any] = {"type": "array", "items": items}
        if rule.min_length is not None:
            result["minItems"] = rule.min_length
        if rule.max_length is not None:
            result["maxItems"] = rule.max_length
        return result

    def maker(self, making: FieldMaking, field: FieldAt) -> ValueMaker:
        element = OBJECT.maker(making, field)
        rule = field.rule
        low = rule.min_length if rule.min_length is not None else DEFAULT_ARRAY_LENGTH[0]
        high = rule.max_length if rule.max_length is not None else max(low, DEFAULT_ARRAY_LENGTH[1])
        return lambda rng, scope: [element(rng, scope) for _ in range(draw_int(rng, low, high))]

    def convert(self, raw: str) -> Any:
        return json_of(raw, list, "array")

    def bound_problem(self, bound: float) -> str | None:
        if float(bound).is_integer() and 0 <= bound <= MAX_ARRAY_LENGTH:
            return None
        return f"bounds the array's length: a whole number from 0 to {MAX_ARRAY_LENGTH}"

    def edge(self, edge: EdgeKind, value: Any, field: FieldAt, at: EdgeAt) -> tuple[bool, Any]:
        """As few or as many elements as the length bounds allow (copies of the ones built)."""
        boundary = boundary_of(edge)
        if boundary is None or not isinstance(value, list) or not value:
            return False, value
        rule = field.rule
        low = rule.min_length if rule.min_length is not None else 0
        target = length_target(low, rule.max_length, low_side=boundary[0], inside=boundary[1])
        if target is None:
            return False, value
        return True, [copy.deepcopy(value[i % len(value)]) for i in range(target)]


ARRAY = ArrayKind()
