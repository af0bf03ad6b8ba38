"""Pure conversions between the gRPC messages and the core's types."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts._proto import test_data_pb2 as pb
from generators.core.request import (
    FieldConstraint,
    FieldSpec,
    FieldType,
    GenerationRequest,
    OutputFormat,
    Scenario,
)
from generators.core.schema import EntitySchema
from generators.entities.registry import describe_fields


def _field(message: pb.Field) -> FieldSpec:
    return FieldSpec(
        name=message.name,
        type=FieldType(pb.FieldType.Name(message.type)),
        required=message.required,
        description=message.description,
        nested_fields=tuple(_field(f) for f in message.nested_fields),
    )


def _optional(message: pb.FieldConstraint, name: str) -> Any:
    return getattr(message, name) if message.HasField(name) else None  # type: ignore[arg-type]


def _constraint(message: pb.FieldConstraint) -> FieldConstraint:
    return FieldConstraint(
        min=_optional(message, "min"),
        max=_optional(message, "max"),
        enum_values=tuple(message.enum_values),
        regex=_optional(message, "regex"),
        min_length=_optional(message, "min_length"),
        max_length=_optional(message, "max_length"),
        format=_optional(message, "format"),
        min_date=_optional(message, "min_date"),
        max_date=_optional(message, "max_date"),
    )


def request_from_proto(
    message: pb.GenerateRequest, *, request_id: str, reply_topic: str
) -> GenerationRequest:
    return GenerationRequest(
        request_id=request_id,
        reply_topic=reply_topic,
        domain=message.domain,
        entity=message.entity,
        fields=tuple(_field(f) for f in message.schema.fields),
        predefined_schema=message.schema.predefined_schema,
        constraints={
            name: _constraint(c) for name, c in message.constraints.field_constraints.items()
        },
        scenarios=tuple(
            Scenario(s.name, s.count, dict(s.overrides), s.description) for s in message.scenarios
        ),
        context=message.context,
        hints=tuple(message.hints),
        output_format=OutputFormat(pb.OutputFormat.Name(message.output_format)),
        count=message.count,
        use_cache=message.use_cache,
        learn_from_history=message.learn_from_history,
        defect_triggering=message.defect_triggering,
        production_like=message.production_like,
        seed=message.seed if message.HasField("seed") else None,
    )


def metadata_to_proto(metadata: Mapping[str, Any]) -> pb.GenerationMetadata:
    return pb.GenerationMetadata(
        generation_path=metadata["generation_path"],
        llm_tokens_used=metadata["llm_tokens_used"],
        generation_time_ms=metadata["generation_time_ms"],
        coherence_score=metadata["coherence_score"],
        scenario_counts=metadata["scenario_counts"],
        routing_reason=metadata["routing_reason"],
        routing_confidence=metadata["routing_confidence"],
        seed=metadata["seed"],
        fallbacks=metadata["fallbacks"],
    )


def schema_info(schema: EntitySchema) -> pb.SchemaInfo:
    return pb.SchemaInfo(
        name=schema.name,
        domain=schema.domain,
        description=schema.description,
        fields=describe_fields(schema),
    )
