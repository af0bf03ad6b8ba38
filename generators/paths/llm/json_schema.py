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

from generators.core.request import FieldSpec, FieldType
from generators.core.schema import EntitySchema, children

RECORDS_KEY = "records"

_SCALARS: dict[FieldType, dict[str, Any]] = {
    FieldType.STRING: {"type": "string"},
    FieldType.INTEGER: {"type": "integer"},
    FieldType.FLOAT: {"type": "number"},
    FieldType.BOOLEAN: {"type": "boolean"},
    FieldType.DATE: {"type": "string", "format": "date"},
    FieldType.DATETIME: {"type": "string", "format": "date-time"},
    FieldType.EMAIL: {"type": "string", "format": "email"},
    FieldType.PHONE: {"type": "string"},
    FieldType.UUID: {"type": "string", "format": "uuid"},
    FieldType.ENUM: {"type": "string"},
}


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
    rule = schema.rule(path)
    if spec.type in (FieldType.OBJECT, FieldType.ADDRESS):
        result: dict[str, Any] = object_schema(children(spec), schema, f"{path}.")
    elif spec.type is FieldType.ARRAY:
        element = (
            object_schema(spec.nested_fields, schema, f"{path}.")
            if spec.nested_fields
            else {"type": "string"}
        )
        result = {"type": "array", "items": element}
        if rule.min_length is not None:
            result["minItems"] = rule.min_length
        if rule.max_length is not None:
            result["maxItems"] = rule.max_length
    else:
        result = dict(_SCALARS[spec.type])
        if rule.enum_values:
            result["enum"] = list(rule.enum_values)
        if spec.type in (FieldType.INTEGER, FieldType.FLOAT):
            if rule.min is not None:
                result["minimum"] = int(rule.min) if spec.type is FieldType.INTEGER else rule.min
            if rule.max is not None:
                result["maximum"] = int(rule.max) if spec.type is FieldType.INTEGER else rule.max
        if spec.type is FieldType.STRING:
            if rule.min_length is not None:
                result["minLength"] = rule.min_length
            if rule.max_length is not None:
                result["maxLength"] = rule.max_length
            if rule.regex:
                result["pattern"] = rule.regex
    if spec.description:
        result["description"] = spec.description
    if not spec.required:
        result["type"] = [result["type"], "null"]
        if "enum" in result:
            result["enum"] = [*result["enum"], None]
    return result
