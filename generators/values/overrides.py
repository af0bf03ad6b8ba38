"""Scenario overrides: string values from the request, converted to the field's type and set on
every record of the scenario (on every element, when the path runs through an array).

Overrides are not checked against the field's rules: they exist to break them on purpose (an
out-of-range amount, an unknown status), and the coherence score then reports the breakage.
"""

from __future__ import annotations

import copy
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import orjson

from generators.core.request import FieldSpec, FieldType, Scenario
from generators.core.schema import EntitySchema

#: Integers must fit a signed 64-bit column (SQL BIGINT) and JSON encoders.
INT64_RANGE = (-(2**63), 2**63 - 1)
_TRUE = frozenset({"true", "1", "yes", "y", "t"})
_FALSE = frozenset({"false", "0", "no", "n", "f"})
_JSON_TYPES: Mapping[FieldType, type] = {
    FieldType.OBJECT: dict,
    FieldType.ADDRESS: dict,
    FieldType.ARRAY: list,
}


def convert_override(spec: FieldSpec, raw: str) -> Any:
    """`raw` as a value of `spec`'s type. Raises ValueError saying what was expected."""
    kind = spec.type
    try:
        if kind is FieldType.INTEGER:
            integer = int(raw.strip())
            if not INT64_RANGE[0] <= integer <= INT64_RANGE[1]:
                msg = "out of the 64-bit integer range"
                raise ValueError(msg)
            return integer
        if kind is FieldType.FLOAT:
            number = float(raw.strip())
            if not math.isfinite(number):
                msg = "not a finite number"
                raise ValueError(msg)
            return number
        if kind is FieldType.BOOLEAN:
            word = raw.strip().lower()
            if word in _TRUE | _FALSE:
                return word in _TRUE
            msg = "expected true or false"
            raise ValueError(msg)
        if kind in _JSON_TYPES:
            value = orjson.loads(raw)
            if not isinstance(value, _JSON_TYPES[kind]):
                msg = f"expected a JSON {'array' if kind is FieldType.ARRAY else 'object'}"
                raise ValueError(msg)
            return value
    except ValueError as error:  # orjson.JSONDecodeError is a ValueError too
        msg = f"{raw!r} is not a valid {kind.value} value: {error}"
        raise ValueError(msg) from error
    return raw


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
