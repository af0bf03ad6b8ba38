"""The RAG starter knowledge base (`generators/knowledge/seed/*.json`) holds to the entity schemas.

Patterns and production samples are complete records that the project's own validator and
coherence rules accept; defect triggers are partial records whose fields exist in the schema
and which, laid over a freshly generated record, still give a valid record; distribution stats
are internally consistent and name real numeric or enum fields.
"""

from __future__ import annotations

import copy
import json
import math
from collections import Counter
from collections.abc import Iterator, Mapping
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from generators.core.request import FieldSpec, FieldType, GenerationRequest
from generators.core.schema import EntitySchema, children
from generators.entities.registry import ENTITIES, predefined_schema
from generators.paths.llm.record_checks import RecordChecks
from generators.paths.traditional.generator import TraditionalGenerator
from generators.quality.coherence import CoherenceTracker
from testing.generation import generate_all

SEED_DIR = Path(__file__).resolve().parents[2] / "generators" / "knowledge" / "seed"
SEVERITIES = {"critical", "high", "medium", "low"}
STAT_KEYS = {"mean", "stdev", "min", "max", "p50", "p95"}
NUMERIC = (FieldType.INTEGER, FieldType.FLOAT)


def load(name: str) -> list[dict[str, Any]]:
    entries = json.loads((SEED_DIR / name).read_text(encoding="utf-8"))
    assert isinstance(entries, list), f"{name} must hold a JSON array"
    assert all(isinstance(e, dict) for e in entries), f"{name} must hold objects"
    return entries


PATTERNS = load("patterns.json")
DEFECTS = load("defects.json")
SAMPLES = load("production_samples.json")


def pattern_id(entry: dict[str, Any]) -> str:
    return f"{entry.get('entity')}-{entry.get('scenario')}"


def sample_id(entry: dict[str, Any]) -> str:
    same = [s for s in SAMPLES if s.get("entity") == entry.get("entity")]
    return f"{entry.get('entity')}-sample{same.index(entry)}"


def defect_id(entry: dict[str, Any]) -> str:
    return str(entry.get("defect_id"))


def triggers(entry: dict[str, Any]) -> list[dict[str, Any]]:
    data = entry["trigger_data"]
    return data if isinstance(data, list) else [data]


def tagged(record: Mapping[str, Any], position: int = 0) -> dict[str, Any]:
    return {"_index": position, "_scenario": "default", **record}


def unknown_paths(
    value: Mapping[str, Any], schema: EntitySchema, prefix: str = ""
) -> Iterator[str]:
    """Dotted paths in `value` that the schema has no field for (descending into objects,
    addresses and arrays of objects)."""
    for key, item in value.items():
        path = f"{prefix}{key}"
        spec = schema.field_at(path)
        if spec is None:
            yield path
            continue
        elements = item if isinstance(item, list) else [item]
        if children(spec):
            for element in elements:
                if isinstance(element, dict):
                    yield from unknown_paths(element, schema, f"{path}.")


def deep_merge(base: Any, overlay: Any) -> Any:
    """`overlay` laid over `base` the way the RAG generator does it: objects key by key,
    arrays of objects element by element with the overlay's length (elements beyond the
    base's are laid over a copy of its first element), anything else replaced."""
    if isinstance(base, dict) and isinstance(overlay, dict):
        merged = copy.deepcopy(base)
        for key, value in overlay.items():
            merged[key] = deep_merge(base.get(key), value)
        return merged
    if isinstance(overlay, list) and overlay and all(isinstance(e, dict) for e in overlay):
        bases = base if isinstance(base, list) else []
        out = []
        for position, element in enumerate(overlay):
            under = bases[position] if position < len(bases) else (bases[0] if bases else {})
            out.append(deep_merge(under if isinstance(under, dict) else {}, element))
        return out
    return copy.deepcopy(overlay)


_GENERATED: dict[str, dict[str, Any]] = {}


async def generated_record(entity: str) -> dict[str, Any]:
    if entity not in _GENERATED:
        request = GenerationRequest("seed-test", entity=entity, count=1)
        records = await generate_all(
            request, predefined_schema(entity), TraditionalGenerator(), batch_size=10
        )
        _GENERATED[entity] = records[0]
    return copy.deepcopy(_GENERATED[entity])


def parses_with_offset(text: Any) -> bool:
    if not isinstance(text, str):
        return False
    try:
        return datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


# --- counts and identity ------------------------------------------------------------------


def test_every_entity_has_at_least_three_patterns_with_distinct_scenarios() -> None:
    per_entity = Counter(p["entity"] for p in PATTERNS)
    assert all(per_entity[e] >= 3 for e in ENTITIES), per_entity
    keys = [(p["entity"], p["scenario"]) for p in PATTERNS]
    assert [k for k, n in Counter(keys).items() if n > 1] == []


def test_at_least_thirty_defects_cover_all_entities_with_unique_ids() -> None:
    assert len(DEFECTS) >= 30
    assert {d["entity"] for d in DEFECTS} == set(ENTITIES)
    ids = [d["defect_id"] for d in DEFECTS]
    assert [i for i, n in Counter(ids).items() if n > 1] == []


def test_every_entity_has_at_least_two_production_samples() -> None:
    per_entity = Counter(s["entity"] for s in SAMPLES)
    assert all(per_entity[e] >= 2 for e in ENTITIES), per_entity


# --- patterns -------------------------------------------------------------------------------


@pytest.mark.parametrize("pattern", PATTERNS, ids=pattern_id)
def test_pattern_is_well_formed(pattern: dict[str, Any]) -> None:
    assert pattern["domain"] == "ecommerce"
    assert pattern["entity"] in ENTITIES
    scenario = pattern["scenario"]
    assert scenario == scenario.lower() and scenario.replace("_", "").isalnum()
    assert isinstance(pattern["description"], str) and pattern["description"].strip()
    score = pattern["quality_score"]
    assert type(score) in (int, float) and 0.5 <= score <= 1.0


@pytest.mark.parametrize("pattern", PATTERNS, ids=pattern_id)
def test_pattern_data_is_a_valid_complete_record(pattern: dict[str, Any]) -> None:
    schema = predefined_schema(pattern["entity"])
    data = pattern["data"]

    assert list(unknown_paths(data, schema)) == []  # also rules out `_` tags
    assert RecordChecks(schema).problems(tagged(data)) == []


@pytest.mark.parametrize("pattern", PATTERNS, ids=pattern_id)
def test_pattern_data_is_coherent(pattern: dict[str, Any]) -> None:
    tracker = CoherenceTracker(predefined_schema(pattern["entity"]))

    tracker.add([tagged(pattern["data"])])

    assert tracker.violations == Counter()


@pytest.mark.parametrize("pattern", PATTERNS, ids=pattern_id)
def test_pattern_data_fits_what_its_scenario_name_promises(pattern: dict[str, Any]) -> None:
    """`single_item` carts hold one item, `high_value` ones add up to more than $500."""
    record = tagged(pattern["data"]) | {"_scenario": pattern["scenario"]}

    assert RecordChecks(predefined_schema(pattern["entity"])).problems(record) == []


# --- defects --------------------------------------------------------------------------------


@pytest.mark.parametrize("defect", DEFECTS, ids=defect_id)
def test_defect_is_well_formed(defect: dict[str, Any]) -> None:
    assert str(defect["defect_id"]).startswith("DEF-")
    assert defect["defect_id"][4:].isdigit()
    assert defect["domain"] == "ecommerce"
    assert defect["entity"] in ENTITIES
    assert defect["severity"] in SEVERITIES
    assert isinstance(defect["defect_description"], str)
    assert len(defect["defect_description"]) > 40
    assert parses_with_offset(defect["discovered_at"])
    assert 2024 <= datetime.fromisoformat(defect["discovered_at"]).year <= 2026
    if isinstance(defect["trigger_data"], list):
        assert 2 <= len(defect["trigger_data"]) <= 3, "a list holds 2-3 variants"
    assert all(isinstance(v, dict) and v for v in triggers(defect))


@pytest.mark.parametrize("defect", DEFECTS, ids=defect_id)
def test_defect_trigger_names_only_schema_fields(defect: dict[str, Any]) -> None:
    schema = predefined_schema(defect["entity"])

    for variant in triggers(defect):
        assert list(unknown_paths(variant, schema)) == []


@pytest.mark.parametrize("defect", DEFECTS, ids=defect_id)
async def test_defect_trigger_over_a_generated_record_is_valid(defect: dict[str, Any]) -> None:
    schema = predefined_schema(defect["entity"])
    base = await generated_record(defect["entity"])
    assert RecordChecks(schema).problems(base) == []

    for position, variant in enumerate(triggers(defect)):
        merged = deep_merge(base, variant)
        merged["_index"] = position

        assert RecordChecks(schema).problems(merged) == []


# --- production samples ---------------------------------------------------------------------


@pytest.mark.parametrize("sample", SAMPLES, ids=sample_id)
def test_sample_is_well_formed(sample: dict[str, Any]) -> None:
    assert sample["domain"] == "ecommerce"
    assert sample["entity"] in ENTITIES
    assert isinstance(sample["description"], str) and sample["description"].strip()
    assert 2024 <= date.fromisoformat(sample["sample_date"]).year <= 2026


@pytest.mark.parametrize("sample", SAMPLES, ids=sample_id)
def test_sample_record_is_valid_and_coherent(sample: dict[str, Any]) -> None:
    schema = predefined_schema(sample["entity"])
    record = tagged(sample["anonymized_data"])
    tracker = CoherenceTracker(schema)

    tracker.add([record])

    assert list(unknown_paths(sample["anonymized_data"], schema)) == []
    assert RecordChecks(schema).problems(record) == []
    assert tracker.violations == Counter()


def stat_field(schema: EntitySchema, key: str) -> tuple[FieldSpec | None, bool]:
    """The field a stats key describes, and whether the key is `<array>.length`."""
    if key.endswith(".length"):
        spec = schema.field_at(key.removesuffix(".length"))
        if spec is not None and spec.type is FieldType.ARRAY:
            return spec, True
    return schema.field_at(key), False


@pytest.mark.parametrize("sample", SAMPLES, ids=sample_id)
def test_sample_stats_name_real_fields_and_are_consistent(sample: dict[str, Any]) -> None:
    schema = predefined_schema(sample["entity"])
    stats = sample["distribution_stats"]
    assert stats

    for key, stat in stats.items():
        spec, is_length = stat_field(schema, key)
        assert spec is not None, f"{key}: no such field"
        if "frequencies" in stat:
            assert spec.type is FieldType.ENUM and not is_length, f"{key}: not an enum"
            shares = stat["frequencies"]
            allowed = set(schema.rule(key).enum_values)
            assert shares and set(shares) <= allowed, f"{key}: {set(shares) - allowed}"
            assert all(type(s) in (int, float) and 0 <= s <= 1 for s in shares.values())
            assert math.isclose(sum(shares.values()), 1.0, abs_tol=0.01), key
            continue
        assert is_length or spec.type in NUMERIC, f"{key}: not numeric"
        assert set(stat) == STAT_KEYS, key
        assert all(type(v) in (int, float) for v in stat.values()), key
        low, high = stat["min"], stat["max"]
        assert low <= stat["p50"] <= stat["p95"] <= high, key
        assert low <= stat["mean"] <= high, key
        assert stat["stdev"] >= 0, key
        rule = schema.rule(key)
        floor = 0 if is_length else rule.min
        assert floor is None or low >= floor, f"{key}: min below the rule's {floor}"
        if not is_length and rule.max is not None:
            assert high <= rule.max, f"{key}: max above the rule's {rule.max}"
