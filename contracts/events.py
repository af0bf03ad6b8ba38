"""Conversions between decoded Avro events (plain dicts) and the pure core's types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from generators.core.request import (
    FieldConstraint,
    FieldSpec,
    FieldType,
    GenerationRequest,
    OutputFormat,
    Scenario,
)


def _field_from_event(raw: Mapping[str, Any]) -> FieldSpec:
    return FieldSpec(
        name=raw["name"],
        type=FieldType(raw["type"]),
        required=raw["required"],
        description=raw["description"],
        nested_fields=tuple(_field_from_event(f) for f in raw["nested_fields"]),
    )


def _constraint_to_event(c: FieldConstraint) -> dict[str, Any]:
    return {
        "min": c.min,
        "max": c.max,
        "enum_values": list(c.enum_values),
        "regex": c.regex,
        "min_length": c.min_length,
        "max_length": c.max_length,
        "format": c.format,
        "min_date": c.min_date,
        "max_date": c.max_date,
    }


def request_from_event(event: Mapping[str, Any]) -> GenerationRequest:
    """Build the core request from a decoded `GenerateRequested` event."""
    schema = event["schema"] or {"fields": [], "predefined_schema": ""}
    return GenerationRequest(
        request_id=event["request_id"],
        reply_topic=event["reply_topic"],
        domain=event["domain"],
        entity=event["entity"],
        fields=tuple(_field_from_event(f) for f in schema["fields"]),
        predefined_schema=schema["predefined_schema"],
        constraints={
            name: FieldConstraint(
                min=c["min"],
                max=c["max"],
                enum_values=tuple(c["enum_values"]),
                regex=c["regex"],
                min_length=c["min_length"],
                max_length=c["max_length"],
                format=c["format"],
                min_date=c.get("min_date"),
                max_date=c.get("max_date"),
            )
            for name, c in event["constraints"].items()
        },
        scenarios=tuple(
            Scenario(
                name=s["name"],
                count=s["count"],
                overrides=dict(s["overrides"]),
                description=s["description"],
            )
            for s in event["scenarios"]
        ),
        context=event["context"],
        hints=tuple(event["hints"]),
        output_format=OutputFormat(event["output_format"]),
        count=event["count"],
        use_cache=event["use_cache"],
        learn_from_history=event["learn_from_history"],
        defect_triggering=event["defect_triggering"],
        production_like=event["production_like"],
        seed=event["seed"],
    )


def request_to_event(request: GenerationRequest) -> dict[str, Any]:
    """The `GenerateRequested` event for `request` (the inverse of `request_from_event`)."""
    has_schema = bool(request.fields or request.predefined_schema)
    return {
        "request_id": request.request_id,
        "reply_topic": request.reply_topic,
        "domain": request.domain,
        "entity": request.entity,
        "schema": {
            "fields": [f.as_dict() for f in request.fields],
            "predefined_schema": request.predefined_schema,
        }
        if has_schema
        else None,
        "constraints": {n: _constraint_to_event(c) for n, c in request.constraints.items()},
        "scenarios": [
            {
                "name": s.name,
                "count": s.count,
                "overrides": dict(s.overrides),
                "description": s.description,
            }
            for s in request.scenarios
        ],
        "context": request.context,
        "hints": list(request.hints),
        "output_format": request.output_format.value,
        "count": request.count,
        "use_cache": request.use_cache,
        "learn_from_history": request.learn_from_history,
        "defect_triggering": request.defect_triggering,
        "production_like": request.production_like,
        "seed": request.seed,
    }
