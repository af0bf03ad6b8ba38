"""The answer's metadata and the schema listing as gRPC messages (requests are mapped in
`contracts.requests`)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from contracts._proto import test_data_pb2 as pb
from generators.core.schema import EntitySchema
from generators.entities.registry import describe_fields


def metadata_to_proto(metadata: Mapping[str, Any]) -> pb.GenerationMetadata:
    """The final chunk's metadata (the Avro `GenerationMetadata`) as the proto's: every field the
    proto has, by name (the event's `record_count` travels in the response itself)."""
    names = pb.GenerationMetadata.DESCRIPTOR.fields_by_name
    values = {name: metadata[name] for name in names if name != "llm_batches"}
    batches = [pb.LLMBatch(**batch) for batch in metadata["llm_batches"]]
    return pb.GenerationMetadata(**values, llm_batches=batches)


def schema_info(schema: EntitySchema) -> pb.SchemaInfo:
    return pb.SchemaInfo(
        name=schema.name,
        domain=schema.domain,
        description=schema.description,
        fields=describe_fields(schema),
    )
