"""Scenario overrides: string values from the request, converted to the field's type and set on
every record of the scenario (on every element, when the path runs through an array).

Overrides are not checked against the field's rules: they exist to break them on purpose (an
out-of-range amount, an unknown status), and the coherence score then reports the breakage.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass
from typing import Any

from generators.core.request import FieldSpec, Scenario
from generators.core.schema import EntitySchema
from generators.kinds.registry import kind_of


def convert_override(spec: FieldSpec, raw: str) -> Any:
    """`raw` as a value of `spec`'s type (its kind's `convert`). Raises ValueError saying what
    was expected."""
    try:
        return kind_of(spec.type).convert(raw)
    except ValueError as error:  # orjson.JSONDecodeError is a ValueError too
        msg = f"{raw!r} is not a valid {spec.type.value} value: {error}"
        raise ValueError(msg) from error


@dataclass(frozen=True, slots=True)
class Override:
    path: tuple[str, ...]
    value: Any


def compile_overrides(schema: EntitySchema, scenario: Scenario) -> tuple[Override, ...]:
    """The scenario's overrides, converted. Raises ValueError for fields the schema lacks."""
    compiled = []
    for path, raw in scenario.overrides.items():
        spec = schema.field_at(path)
        if spec is None:
            msg = f"override names no field of schema {schema.name!r}: {path!r}"
            raise ValueError(msg)
        compiled.append(Override(tuple(path.split(".")), convert_override(spec, raw)))
    return tuple(compiled)


def apply_overrides(record: dict[str, Any], overrides: tuple[Override, ...]) -> None:
    for override in overrides:
        _assign(record, override.path, override.value)


def _assign(target: Any, path: tuple[str, ...], value: Any) -> None:
    if isinstance(target, list):
        for element in target:
            _assign(element, path, value)
        return
    if not isinstance(target, dict):
        return
    head, rest = path[0], path[1:]
    if not rest:
        target[head] = copy.deepcopy(value) if isinstance(value, dict | list) else value
        return
    child = target.get(head)
    if child is None:
        child = target[head] = {}
    _assign(child, rest, value)
