"""Records adapted from retrieved knowledge: a fresh valid record with a pattern laid over it.

The base record comes from the traditional generator, so it is valid, coherent, and has ids
unique within the request. The pattern's fields are laid over it (objects key by key, arrays of
objects element by element with the pattern's length), except identifiers, which stay fresh.
Then the record is made valid again: a number outside its field's bounds is moved to the
nearest bound (a boundary value still exercises the defect's neighbourhood), any other broken
field gets the base value back, and sums are recomputed. If that is not enough, the base
record is used as it is: an adapted record is never invalid.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Iterable, Mapping
from typing import Any

from generators.core.record import Record
from generators.core.request import FieldSpec, FieldType
from generators.core.schema import EntitySchema, children
from generators.entities.lookup import behaviour_of
from generators.quality.coherence import RuleChecker


def overlay(
    base: Record,
    patch: Mapping[str, Any],
    schema: EntitySchema,
    keep: Iterable[str] = (),
    checker: RuleChecker | None = None,
) -> Record | None:
    """`patch` laid over a copy of `base` and made valid; None when it cannot be made valid
    without dropping every field it sets (the caller then serves `base`)."""
    kept = frozenset(keep)
    check = checker or RuleChecker(schema)
    merged = _merge_object(copy.deepcopy(base), patch, schema.fields, "", kept)
    if merged == base:
        return None
    for attempt in range(2):
        broken = check.violations(merged)
        if not broken:
            behaviour_of(schema).repair(merged, base)
            return merged if not check.violations(merged) else None
        if attempt:
            return None
        for path, rule in broken:
            if rule in ("min", "max"):
                _clamp(merged, path.split("."), schema)
            else:
                top = path.split(".")[0]
                merged[top] = copy.deepcopy(base.get(top))
    return None


def _merge_object(
    target: dict[str, Any],
    patch: Mapping[str, Any],
    fields: tuple[FieldSpec, ...],
    prefix: str,
    keep: frozenset[str],
) -> dict[str, Any]:
    by_name = {spec.name: spec for spec in fields}
    for name, value in patch.items():
        spec = by_name.get(name)
        path = f"{prefix}{name}"
        if spec is None or path in keep:
            continue
        nested = children(spec)
        current = target.get(name)
        if nested and isinstance(value, Mapping) and isinstance(current, dict):
            target[name] = _merge_object(current, value, nested, f"{path}.", keep)
        elif nested and isinstance(value, list) and all(isinstance(v, Mapping) for v in value):
            bases = current if isinstance(current, list) else []
            target[name] = [
                _merge_object(copy.deepcopy(_element(bases, i)), element, nested, f"{path}.", keep)
                for i, element in enumerate(value)
            ]
        else:
            target[name] = copy.deepcopy(value)
    return target


def _element(bases: list[Any], position: int) -> dict[str, Any]:
    if position < len(bases) and isinstance(bases[position], dict):
        return dict(bases[position])
    return dict(bases[0]) if bases and isinstance(bases[0], dict) else {}


def _clamp(record: dict[str, Any], path: list[str], schema: EntitySchema) -> None:
    spec = schema.field_at(".".join(path))
    rule = schema.rule(".".join(path))
    if spec is None:
        return
    integral = spec.type is FieldType.INTEGER

    def bound(value: Any) -> Any:
        if type(value) not in (int, float):
            return value
        low = -math.inf if rule.min is None else rule.min
        high = math.inf if rule.max is None else rule.max
        clamped = min(max(value, low), high)
        if integral:
            return int(math.ceil(clamped) if clamped == low else math.floor(clamped))
        return clamped

    _apply(record, path, bound)


def _apply(target: Any, path: list[str], change: Any) -> None:
    if isinstance(target, list):
        for element in target:
            _apply(element, path, change)
        return
    if not isinstance(target, dict) or path[0] not in target:
        return
    if len(path) == 1:
        target[path[0]] = change(target[path[0]])
    else:
        _apply(target[path[0]], path[1:], change)
