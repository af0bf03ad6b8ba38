"""Every field type has one kind, and what a kind makes its own checks, JSON Schema and SQL
column accept: the contract a new type's module must meet."""

from __future__ import annotations

import dataclasses
import sqlite3
from typing import Any

import pytest

from generators.core.request import (
    FieldConstraint,
    FieldSpec,
    FieldType,
    GenerationRequest,
    OutputFormat,
)
from generators.entities.registry import resolve_schema
from generators.kinds.registry import kind_of, types_taking
from generators.output.registry import make_formatter
from generators.output.sql import SqlChunkFormatter
from generators.paths.llm.json_schema import field_schema
from generators.quality.coherence import CoherenceTracker
from testing.generation import generate_all

NESTED = (FieldSpec("label", FieldType.STRING), FieldSpec("size", FieldType.INTEGER))
CONSTRAINT_ATTRIBUTES = {f.name for f in dataclasses.fields(FieldConstraint)}


def field_of(kind: FieldType) -> FieldSpec:
    nested = NESTED if kind in (FieldType.OBJECT, FieldType.ARRAY) else ()
    return FieldSpec("value", kind, nested_fields=nested)


def request_for(kind: FieldType, output: OutputFormat = OutputFormat.JSON) -> GenerationRequest:
    constraints = (
        {"value": FieldConstraint(enum_values=("red", "green", "blue"))}
        if kind is FieldType.ENUM
        else {}
    )
    return GenerationRequest(
        request_id=f"kind-{kind}",
        fields=(field_of(kind),),
        constraints=constraints,
        count=40,
        output_format=output,
    )


@pytest.mark.parametrize("kind", list(FieldType))
def test_every_type_has_its_own_kind(kind: FieldType) -> None:
    found = kind_of(kind)

    assert found.field_type is kind
    assert found.constraints <= CONSTRAINT_ATTRIBUTES


def test_each_constraint_attribute_applies_to_some_type() -> None:
    assert all(types_taking(attribute) for attribute in CONSTRAINT_ATTRIBUTES)
    assert types_taking("min_date") == [FieldType.DATE, FieldType.DATETIME]


@pytest.mark.parametrize("kind", list(FieldType))
async def test_what_a_kind_makes_passes_its_own_checks(kind: FieldType) -> None:
    request = request_for(kind)
    schema = resolve_schema(request)
    tracker = CoherenceTracker(schema)

    records = await generate_all(request, schema)
    tracker.add(records)

    assert len(records) == 40
    assert tracker.score == 1.0, tracker.violations
    assert any(record["value"] is not None for record in records)


@pytest.mark.parametrize("kind", list(FieldType))
async def test_what_a_kind_makes_loads_into_its_sql_column(kind: FieldType) -> None:
    request = request_for(kind, OutputFormat.SQL)
    schema = resolve_schema(request)
    formatter = make_formatter(OutputFormat.SQL, schema)
    assert isinstance(formatter, SqlChunkFormatter)

    script = formatter.format(await generate_all(request, schema), first=True)
    with sqlite3.connect(":memory:") as database:
        database.executescript(script)
        rows = database.execute(f"SELECT COUNT(*) FROM {formatter.table}").fetchone()[0]

    assert rows == 40


@pytest.mark.parametrize("kind", list(FieldType))
def test_a_kinds_json_schema_names_a_json_type(kind: FieldType) -> None:
    request = request_for(kind)
    schema = resolve_schema(request)

    described: dict[str, Any] = field_schema(field_of(kind), schema, "value")

    assert described["type"] in ("string", "integer", "number", "boolean", "object", "array")
