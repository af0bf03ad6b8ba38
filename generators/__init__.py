"""The pure core of generation: no Kafka, no network, no files.

It owns the request model (`request`), entity schemas (`schemas`), request validation and the
scenario-count rule (`validation`), the generator interface and generation paths (`base`,
`traditional`), coherence scoring (`coherence`) and chunk formatting for JSON, CSV and SQL
(`formatters`). The streams worker and the bridge call into it; it calls nothing outside.
"""

from generators.base import GenerationPath, GenerationRun, Generator, PathOutcome, Record
from generators.coherence import CoherenceTracker
from generators.errors import GenerationError, ScenarioPlanError, UnknownSchemaError
from generators.formatters import ChunkFormatter, make_formatter, merge_json_chunks
from generators.request import (
    FieldConstraint,
    FieldSpec,
    FieldType,
    GenerationRequest,
    OutputFormat,
    Scenario,
)
from generators.schemas import EntitySchema, describe_fields, list_schemas, resolve_schema
from generators.traditional import TraditionalGenerator
from generators.validation import DEFAULT_SCENARIO, Problem, plan_scenarios, validate_request

__all__ = [
    "DEFAULT_SCENARIO",
    "ChunkFormatter",
    "CoherenceTracker",
    "EntitySchema",
    "FieldConstraint",
    "FieldSpec",
    "FieldType",
    "GenerationError",
    "GenerationPath",
    "GenerationRequest",
    "GenerationRun",
    "Generator",
    "OutputFormat",
    "PathOutcome",
    "Problem",
    "Record",
    "Scenario",
    "ScenarioPlanError",
    "TraditionalGenerator",
    "UnknownSchemaError",
    "describe_fields",
    "list_schemas",
    "make_formatter",
    "merge_json_chunks",
    "plan_scenarios",
    "resolve_schema",
    "validate_request",
]
