"""JSON Schema for structured output, built from an entity's fields and rules.

One schema serves both providers: Anthropic takes it as a tool's `input_schema` (which must be
an object, hence the `{"records": [...]}` wrapper) and OpenAI-compatible servers as
`response_format` `json_schema` in strict mode (vLLM turns it into guided decoding). Strict mode
wants every property listed in `required` and `additionalProperties: false`, so optional fields
are required-but-nullable instead.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from generators.core.request import FieldSpec
from generators.core.schema import EntitySchema
from generators.kinds.kind import FieldAt
from generators.kinds.registry import kind_of

RECORDS_KEY = "records"


def records_json_schema(
    fields: tuple[FieldSpec, ...],
    schema: EntitySchema,
    *,
    count: int,
    scenarios: Sequence[str] = (),
    tags: Sequence[str] = (),
) -> dict[str, Any]:
    """`{"records": [exactly count objects]}` as a JSON Schema object. Each record has a
    `_scenario` (one of `scenarios`, when given), the `fields` and the string `tags`."""
    record = object_schema(fields, schema, "")
    if scenarios:
        record["properties"] = {
            "_scenario": {"type": "string", "enum": list(dict.fromkeys(scenarios))},
            **record["properties"],
        }
        record["required"].insert(0, "_scenario")
    for tag in tags:
        record["properties"][tag] = {"type": "string"}
        record["required"].append(tag)
    return {
        "type": "object",
        "properties": {
            RECORDS_KEY: {"type": "array", "items": record, "minItems": count, "maxItems": count}
        },
        "required": [RECORDS_KEY],
        "additionalProperties": False,
    }


def object_schema(fields: tuple[FieldSpec, ...], schema: EntitySchema, prefix: str) -> Any:
    return {
        "type": "object",
        "properties": {
            spec.name: field_schema(spec, schema, f"{prefix}{spec.name}") for spec in fields
        },
        "required": [spec.name for spec in fields],
        "additionalProperties": False,
    }


def field_schema(spec: FieldSpec, schema: EntitySchema, path: str) -> dict[str, Any]:
    """The field's kind's schema, with its description; optional fields are nullable."""
    rule = schema.rule(path)
    result = kind_of(spec.type).json_schema(
        FieldAt(spec, path, rule), lambda fields, prefix: object_schema(fields, schema, prefix)
    )
    if spec.description:
        result["description"] = spec.description
    if not spec.required:
        result["type"] = [result["type"], "null"]
        if "enum" in result:
            result["enum"] = [*result["enum"], None]
    return result
