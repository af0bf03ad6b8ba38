"""What INTEGER and FLOAT fields share: min/max and enum values given as numbers, and the same
boundary edge cases."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from typing import Any, ClassVar

from generators.core.errors import Problem
from generators.core.request import FieldConstraint, FieldType
from generators.kinds._edges import boundary_of, number_end, pick_end
from generators.kinds.kind import EdgeAt, EdgeKind, FieldAt, FieldKind, NestedSchema
from generators.values.rule_values import numeric_enum_values


def numeric_enum_problems(at: str, rule: FieldConstraint, kind: FieldType) -> Iterator[Problem]:
    """Enum values of a number field: numbers of the type, within min..max."""
    if not rule.enum_values:
        return
    try:
        values = numeric_enum_values(rule, kind)
    except ValueError as error:
        yield Problem(at, str(error))
        return
    outside = [
        raw
        for raw, value in zip(rule.enum_values, values, strict=True)
        if (rule.min is not None and value < rule.min)
        or (rule.max is not None and value > rule.max)
    ]
    if outside:
        yield Problem(
            at,
            f"{', '.join(map(repr, outside))} outside min {show_bound(rule.min)} .. max "
            f"{show_bound(rule.max)}",
        )


def show_bound(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def bounds(rule: FieldConstraint, default: tuple[float, float]) -> tuple[float, float]:
    """The rule's min/max, the default for a missing side (or the default span, if it must
    move)."""
    low, high = default
    span = high - low
    if rule.min is not None:
        low = rule.min
        high = high if high >= low else low + span
    if rule.max is not None:
        high = rule.max
        low = low if low <= high or rule.min is not None else high - span
    return low, high


def numeric_schema(json_type: str, rule: FieldConstraint, *, integral: bool) -> dict[str, Any]:
    """A number's JSON Schema with the rule's enum values and bounds."""
    result: dict[str, Any] = {"type": json_type}
    if rule.enum_values:
        result["enum"] = list(rule.enum_values)
    if rule.min is not None:
        result["minimum"] = int(rule.min) if integral else rule.min
    if rule.max is not None:
        result["maximum"] = int(rule.max) if integral else rule.max
    return result


class NumberKind(FieldKind):
    """A number field: bounded by min/max, or one of its enum values read as numbers."""

    constraints = frozenset({"min", "max", "enum_values"})
    #: The JSON Schema type, and the ends an unbounded field's edge values sit at.
    json_type: ClassVar[str]
    unbounded: ClassVar[tuple[float, float]]
    #: How far inside a bound the just-inside edge values are.
    step: ClassVar[float]

    def is_value(self, rule: FieldConstraint) -> Callable[[Any], bool]:
        """An int or float, and not a bool (JSON numbers parse to exactly these types)."""
        return lambda v: type(v) in (int, float)

    def json_schema(self, field: FieldAt, nested: NestedSchema) -> dict[str, Any]:
        return numeric_schema(self.json_type, field.rule, integral=self.integral)

    def rule_problems(self, at: str, rule: FieldConstraint, lengths_ok: bool) -> Iterator[Problem]:
        return numeric_enum_problems(f"{at}.enum_values", rule, self.field_type)

    def edge(self, edge: EdgeKind, value: Any, field: FieldAt, at: EdgeAt) -> tuple[bool, Any]:
        """The enum's first and last values (and those just inside), else min and max (and a
        step inside them)."""
        boundary = boundary_of(edge)
        if boundary is None:
            return False, value
        low, inside = boundary
        rule = field.rule
        if rule.enum_values:
            numbers = sorted(numeric_enum_values(rule, self.field_type))
            return pick_end(numbers, low=low, inside=inside)
        lowest, highest = self.edge_bounds(rule)
        return number_end(lowest, highest, self.step, low=low, inside=inside)

    def edge_bounds(self, rule: FieldConstraint) -> tuple[float, float]:
        return (
            rule.min if rule.min is not None else self.unbounded[0],
            rule.max if rule.max is not None else self.unbounded[1],
        )
