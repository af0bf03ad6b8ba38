"""What INTEGER and FLOAT fields share: enum values that are numbers, bounds, boundary values."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from generators.core.errors import Problem
from generators.core.request import FieldConstraint, FieldType
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
