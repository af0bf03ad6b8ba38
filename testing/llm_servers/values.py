"""Values valid under a JSON schema, for a stub model's answers.

Scenario names steer cart-like values the way a model reading them would: `single` gives arrays
of one item, `empty` none, `high_value` dear prices. The schema's bounds (`minItems`/`maxItems`,
`minimum`/`maximum`, `enum`, `minLength`/`maxLength`, `format`) always win over the steering.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any


def instance(schema: Mapping[str, Any], key: str, position: int, scenario: str) -> Any:
    """A value for `schema` under property `key`; `position` makes strings of different records
    differ."""
    kind = schema.get("type")
    if isinstance(kind, list):
        kind = next((k for k in kind if k != "null"), "null")
    if "enum" in schema:
        if key == "_scenario" and scenario in schema["enum"]:
            return scenario
        return next(v for v in schema["enum"] if v is not None)
    if kind == "object":
        return {
            name: instance(sub, name, position, scenario)
            for name, sub in schema.get("properties", {}).items()
        }
    if kind == "array":
        return _array(schema, key, position, scenario)
    if kind in ("integer", "number"):
        return _number(schema, kind, scenario)
    if kind == "boolean":
        return True
    return _string(schema, key, position)


def _array(schema: Mapping[str, Any], key: str, position: int, scenario: str) -> list[Any]:
    size = 2
    if "single" in scenario:
        size = 1
    elif "empty" in scenario:
        size = 0
    size = max(int(schema.get("minItems", 0)), min(size, int(schema.get("maxItems", size))))
    item = schema.get("items", {"type": "string"})
    return [instance(item, key, position * 10 + i, scenario) for i in range(size)]


def _number(schema: Mapping[str, Any], kind: str, scenario: str) -> float:
    value: float = 3 if "high_value" in scenario else 1
    if kind == "number":
        value = 249.99 if "high_value" in scenario else 19.99
    value = max(value, schema.get("minimum", value))
    value = min(value, schema.get("maximum", value))
    return int(value) if kind == "integer" else value


def _string(schema: Mapping[str, Any], key: str, position: int) -> str:
    fmt = schema.get("format")
    if fmt == "date-time":
        return "2025-06-01T12:00:00+00:00"
    if fmt == "date":
        return "2025-06-01"
    if fmt == "email":
        return f"shopper{position}@example.com"
    if fmt == "uuid":
        return f"00000000-0000-4000-8000-{position:012d}"
    text = f"{key.strip('_') or 'value'} {position}"
    if "minLength" in schema:
        text = text.ljust(int(schema["minLength"]), "x")
    if "maxLength" in schema:
        text = text[: int(schema["maxLength"])]
    return text
