"""Edge-case records: tagged, cycling over their kinds, still valid and coherent."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import datetime
from typing import Any

import pytest

from generators.core.hints import EDGE_CASE_TAG
from generators.core.request import (
    FieldConstraint,
    FieldSpec,
    FieldType,
    GenerationRequest,
    OutputFormat,
)
from generators.entities.registry import resolve_schema
from generators.output.csv import csv_columns
from generators.output.registry import make_formatter
from generators.paths.traditional.edge_cases import EdgeCaseLayer
from generators.paths.traditional.generator import TraditionalGenerator
from generators.quality.coherence import CoherenceTracker
from generators.quality.validation import validate_request
from generators.values.edge_moments import dst_moments
from testing.generation import generate_all

FIELDS = (
    FieldSpec("id", FieldType.UUID),
    FieldSpec("age", FieldType.INTEGER),
    FieldSpec("score", FieldType.FLOAT),
    FieldSpec("code", FieldType.STRING),
    FieldSpec("name", FieldType.STRING),
    FieldSpec("note", FieldType.STRING, required=False),
    FieldSpec("kind", FieldType.ENUM),
    FieldSpec("born", FieldType.DATE),
    FieldSpec("seen", FieldType.DATETIME),
    FieldSpec("ok", FieldType.BOOLEAN),
    FieldSpec(
        "lines",
        FieldType.ARRAY,
        nested_fields=(FieldSpec("qty", FieldType.INTEGER), FieldSpec("label", FieldType.STRING)),
    ),
)
CONSTRAINTS = {
    "age": FieldConstraint(min=18, max=65),
    "score": FieldConstraint(min=0, max=1),
    "code": FieldConstraint(regex=r"^[A-Z]{3}-\d{4}$", max_length=8),
    "name": FieldConstraint(min_length=2, max_length=20),
    "kind": FieldConstraint(enum_values=("a", "b", "c")),
    "lines": FieldConstraint(min_length=1, max_length=4),
    "lines.qty": FieldConstraint(min=1, max=9),
}
CUSTOM_KINDS = (
    "min_boundary",
    "max_boundary",
    "just_inside_min",
    "just_inside_max",
    "unicode_text",
    "emoji_text",
    "empty_string",
    "max_length_string",
    "leap_day",
    "dst_boundary",
)


@pytest.fixture(scope="module")
def generator() -> TraditionalGenerator:
    return TraditionalGenerator()


def records_of(generator: TraditionalGenerator, request: GenerationRequest) -> list[Any]:
    assert validate_request(request, max_records=10_000, max_context_bytes=65_536) == []
    schema = resolve_schema(request)
    records = asyncio.run(generate_all(request, schema, generator, batch_size=17))
    parsed: list[Any] = json.loads(json.dumps(records))
    tracker = CoherenceTracker(schema)
    tracker.add(parsed)
    assert tracker.score == 1.0, tracker.violations
    return parsed


def test_custom_records_cycle_over_every_kind_and_stay_valid(
    generator: TraditionalGenerator,
) -> None:
    request = GenerationRequest(
        request_id="edge-custom",
        fields=FIELDS,
        constraints=CONSTRAINTS,
        count=40,
        hints=("edge_case",),
    )

    records = records_of(generator, request)

    kinds = [r[EDGE_CASE_TAG] for r in records]
    assert kinds[: len(CUSTOM_KINDS)] == list(CUSTOM_KINDS)
    assert Counter(kinds) == dict.fromkeys(CUSTOM_KINDS, 4)
    by_kind = {r[EDGE_CASE_TAG]: r for r in records}
    assert by_kind["min_boundary"]["age"] == 18
    assert by_kind["max_boundary"]["age"] == 65
    assert by_kind["max_boundary"]["score"] == 1
    assert by_kind["just_inside_min"]["age"] == 19
    assert by_kind["just_inside_max"]["age"] == 64
    assert len(by_kind["min_boundary"]["name"]) == 2
    assert len(by_kind["max_boundary"]["name"]) == 20
    assert len(by_kind["max_boundary"]["lines"]) == 4
    assert any(ord(c) > 0xFFFF for c in by_kind["emoji_text"]["name"])
    assert by_kind["empty_string"]["note"] == ""
    assert by_kind["leap_day"]["born"].endswith("-02-29")
    assert datetime.fromisoformat(by_kind["dst_boundary"]["seen"]).tzinfo is not None


@pytest.mark.parametrize(
    ("entity", "kinds"),
    [
        ("cart", 8),
        ("order", 7),
        ("payment", 5),
        ("user", 6),
        ("review", 6),
    ],
)
def test_predefined_entities_stay_coherent(
    generator: TraditionalGenerator, entity: str, kinds: int
) -> None:
    request = GenerationRequest(
        request_id=f"edge-{entity}", entity=entity, count=60, hints=("defect_triggering",)
    )

    records = records_of(generator, request)

    assert all(isinstance(r[EDGE_CASE_TAG], str) for r in records)
    assert len({r[EDGE_CASE_TAG] for r in records}) == kinds


def test_cart_edge_money_is_exact(generator: TraditionalGenerator) -> None:
    request = GenerationRequest(
        request_id="edge-cart", entity="cart", count=16, hints=("edge_case",)
    )

    records = {r[EDGE_CASE_TAG]: r for r in records_of(generator, request)}

    single = records["single_max_quantity_item"]
    assert [i["quantity"] for i in single["items"]] == [99]
    assert records["max_price_item"]["items"][0]["price"] == 9999.99
    half = records["tax_half_cent"]
    assert round(half["total"] * 100) == round(half["subtotal"] * 100) + round(half["tax"] * 100)
    assert records["leap_day_created_at"]["created_at"].startswith("2024-02-29")
    assert "\u00c9" in records["unicode_item_names"]["items"][0]["name"]


def test_edge_cases_are_deterministic(generator: TraditionalGenerator) -> None:
    request = GenerationRequest(
        request_id="edge-user", entity="user", count=12, hints=("edge_case",)
    )

    assert records_of(generator, request) == records_of(generator, request)


def test_the_resolved_schema_declares_the_tag_for_csv_and_sql() -> None:
    plain = GenerationRequest(request_id="p", entity="cart", count=1)
    edgy = GenerationRequest(request_id="p", entity="cart", count=1, hints=("edge_case",))

    assert EDGE_CASE_TAG not in resolve_schema(plain).tags
    assert EDGE_CASE_TAG in resolve_schema(edgy).tags
    assert EDGE_CASE_TAG in csv_columns(resolve_schema(edgy))
    sql = make_formatter(OutputFormat.SQL, resolve_schema(edgy))
    record = {"_index": 0, "_scenario": "default", EDGE_CASE_TAG: "empty_cart", "items": []}
    assert "empty_cart" in sql.format([record], True)


def test_dst_moments_carry_the_offset_in_force() -> None:
    moments = [m.isoformat() for m in dst_moments(2026)]

    assert moments == [
        "2026-03-08T02:30:00-05:00",
        "2026-03-08T03:00:00-04:00",
        "2026-11-01T01:30:00-04:00",
        "2026-11-01T01:30:00-05:00",
    ]


def test_a_schema_without_anything_to_vary_still_gets_boundaries() -> None:
    request = GenerationRequest(
        request_id="b", fields=(FieldSpec("id", FieldType.UUID),), count=1, hints=("edge_case",)
    )

    assert EdgeCaseLayer(resolve_schema(request), 2026).kinds == ("min_boundary", "max_boundary")
