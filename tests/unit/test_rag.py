"""The RAG and hybrid paths' pure core: records adapted from retrieved knowledge, over an
in-memory knowledge base (the Weaviate edge has its own integration tests)."""

from __future__ import annotations

import asyncio
import statistics
from collections import Counter
from typing import Any

import pytest

from generators.core.errors import InvalidLearningEvent
from generators.core.knowledge import (
    DefectPattern,
    ProductionSample,
    RetrievedContext,
    TestDataPattern,
)
from generators.core.protocol import GenerationPath, RunContext
from generators.core.record import Record
from generators.core.request import FieldConstraint, GenerationRequest, Scenario
from generators.entities.registry import predefined_schema, resolve_schema
from generators.knowledge.learning import (
    defect_from_event,
    feedback_from_event,
    fold_rating,
    rated_patterns,
)
from generators.knowledge.query import pattern_query, prefer_quality
from generators.paths.llm.record_checks import RecordChecks
from generators.paths.rag.adapter import SOURCE_TAG
from generators.paths.rag.generator import RAGGenerator
from generators.paths.rag.overlay import overlay
from generators.paths.traditional.generator import TraditionalGenerator
from generators.quality.coherence import CoherenceTracker
from testing.knowledge import MemoryKnowledge

UNICODE_NAME = {"first_name": "Zoë‍🦄", "last_name": "Nguyễn-O'Brien"}


def defect(defect_id: str, entity: str, *triggers: Record) -> DefectPattern:
    return DefectPattern(defect_id, "ecommerce", entity, triggers, "a bug", "high")


async def generate(store: MemoryKnowledge, request: GenerationRequest) -> tuple[list[Record], Any]:
    rag = RAGGenerator(store, TraditionalGenerator(), top_k=5)
    schema = rag.output_schema(request, resolve_schema(request))
    run = rag.start(request, schema, RunContext(batch_size=7))
    records = [record async for batch in run for record in batch]
    return records, run.outcome


async def test_defect_triggers_are_carried_by_the_records_with_fresh_unique_ids() -> None:
    store = MemoryKnowledge(
        RetrievedContext(
            defects=(
                defect("DEF-1", "user", {**UNICODE_NAME, "user_id": "USR-0000001"}),
                defect("DEF-2", "user", {"date_of_birth": "2000-02-29"}),
            )
        )
    )
    request = GenerationRequest("r", entity="user", count=20, defect_triggering=True)

    records, outcome = await generate(store, request)

    assert outcome.path_used == GenerationPath.RAG and outcome.fallbacks == ()
    assert [r["_index"] for r in records] == list(range(20))
    assert len({r["user_id"] for r in records}) == 20, "ids stay fresh, not the trigger's"
    named = [r for r in records if r[SOURCE_TAG] == "defect:DEF-1"]
    born = [r for r in records if r[SOURCE_TAG] == "defect:DEF-2"]
    assert len(named) == len(born) == 10
    assert all(r["first_name"] == UNICODE_NAME["first_name"] for r in named)
    assert all(r["date_of_birth"] == "2000-02-29" for r in born)
    checks = RecordChecks(predefined_schema("user"))
    assert [p for r in records for p in checks.problems(r)] == []


async def test_a_pattern_over_a_cart_keeps_the_cart_math_exact() -> None:
    items = [
        {"name": "Tissue Sheets", "quantity": 3, "price": 0.05, "category": "Home"},
        {"name": "Gift Bag", "quantity": 1, "price": 2.5, "category": "Gifts"},
    ]
    store = MemoryKnowledge(
        RetrievedContext(patterns=(TestDataPattern("ecommerce", "cart", "tiny", {"items": items}),))
    )
    request = GenerationRequest("r", entity="cart", count=5, learn_from_history=True)

    records, _ = await generate(store, request)

    tracker = CoherenceTracker(predefined_schema("cart"))
    tracker.add(records)
    assert tracker.violations == Counter()
    assert all([i["name"] for i in r["items"]] == ["Tissue Sheets", "Gift Bag"] for r in records)
    assert all(r["subtotal"] == 2.65 for r in records)


def test_values_outside_the_rules_become_the_nearest_bound_or_are_dropped() -> None:
    schema = predefined_schema("cart")
    base = {
        "_index": 0,
        "_scenario": "default",
        "cart_id": "CRT-2025-0000001",
        "customer_id": "USR-0000001",
        "items": [{"sku": "A", "name": "Mug", "quantity": 2, "price": 9.5, "category": "Home"}],
        "subtotal": 19.0,
        "tax": 0.0,
        "total": 19.0,
        "currency": "USD",
        "created_at": "2025-01-01T00:00:00+00:00",
    }
    patch = {"items": [{"quantity": 0, "price": -3.0}], "currency": "EUR", "cart_id": "X"}

    laid = overlay(base, patch, schema, keep=("cart_id",))

    assert laid is not None
    assert laid["items"][0]["quantity"] == 1 and laid["items"][0]["price"] == 0.01
    assert laid["currency"] == "USD" and laid["cart_id"] == "CRT-2025-0000001"
    checks = RecordChecks(schema)
    assert [p for r in [laid] for p in checks.problems(r)] == []


async def test_production_like_records_follow_the_samples_percentiles() -> None:
    stats: dict[str, dict[str, Any]] = {
        "amount": {"min": 5.0, "p50": 80.0, "p95": 400.0, "max": 2000.0},
        "method": {"frequencies": {"credit_card": 0.7, "paypal": 0.3, "bitcoin": 0.5}},
    }
    sample = ProductionSample("ecommerce", "payment", {}, stats)
    store = MemoryKnowledge(RetrievedContext(samples=(sample,)))
    request = GenerationRequest("r", entity="payment", count=2000, production_like=True)

    records, outcome = await generate(store, request)

    amounts = [r["amount"] for r in records]
    assert outcome.path_used == GenerationPath.RAG
    assert min(amounts) >= 5.0 and max(amounts) <= 2000.0
    assert statistics.median(amounts) == pytest.approx(80.0, rel=0.1)
    assert statistics.quantiles(amounts, n=20)[-1] == pytest.approx(400.0, rel=0.15)
    methods = Counter(r["method"] for r in records)
    assert set(methods) == {"credit_card", "paypal"}, "values outside the enum are never used"
    assert methods["credit_card"] / 2000 == pytest.approx(0.7, abs=0.05)
    checks = RecordChecks(predefined_schema("payment"))
    assert [p for r in records for p in checks.problems(r)] == []


async def test_scenario_overrides_win_over_retrieved_knowledge() -> None:
    store = MemoryKnowledge(
        RetrievedContext(defects=(defect("DEF-9", "payment", {"status": "declined"}),))
    )
    scenario = Scenario("captured_only", 6, overrides={"status": "captured"})
    request = GenerationRequest(
        "r", entity="payment", count=6, scenarios=(scenario,), defect_triggering=True
    )

    records, _ = await generate(store, request)

    assert {r["status"] for r in records} == {"captured"}


async def test_a_dead_knowledge_base_gives_traditional_records_and_says_why() -> None:
    store = MemoryKnowledge(RetrievedContext())
    store.down = True
    request = GenerationRequest("r", entity="order", count=4, defect_triggering=True)

    records, outcome = await generate(store, request)

    assert len(records) == 4 and {r[SOURCE_TAG] for r in records} == {"generated"}
    assert outcome.path_used == GenerationPath.TRADITIONAL
    assert "hybrid search failed" in outcome.fallbacks[0]


async def test_the_path_reports_itself_unavailable_once_a_probe_fails() -> None:
    store = MemoryKnowledge(RetrievedContext())
    rag = RAGGenerator(store, TraditionalGenerator(), top_k=5, recheck_s=0.0)
    await rag.probe()
    assert rag.unavailable_reason is None

    store.down = True
    await rag.probe()
    for _ in range(2):  # the check runs as a task: one turn to start it, one to finish
        await asyncio.sleep(0)

    assert "connection refused" in (rag.unavailable_reason or "")


async def test_nothing_retrieved_is_reported_as_traditional_with_the_reason() -> None:
    request = GenerationRequest("r", entity="review", count=3, learn_from_history=True)

    _, outcome = await generate(MemoryKnowledge(RetrievedContext()), request)

    assert outcome.path_used == GenerationPath.TRADITIONAL
    assert outcome.fallbacks == ("rag: nothing retrieved for 'review'; traditional records",)


def test_the_query_follows_the_request_flags_and_words() -> None:
    request = GenerationRequest(
        "r",
        domain="Ecommerce",
        entity="cart",
        context="rounding of tax",
        scenarios=(Scenario("tiny_cart", 1, description="sub-dollar items"),),
        defect_triggering=True,
    )

    query = pattern_query(request, predefined_schema("cart"), 5)

    assert (query.domain, query.entity, query.defects, query.patterns) == (
        "ecommerce",
        "cart",
        True,
        False,
    )
    assert "rounding of tax" in query.text and "sub-dollar items" in query.text


def test_quality_reorders_equally_relevant_patterns_only() -> None:
    def pattern(name: str, score: float, quality: float) -> TestDataPattern:
        return TestDataPattern("d", "e", name, {}, ratings={"x": quality}, score=score)

    ranked = prefer_quality(
        [pattern("poor", 0.9, 0.1), pattern("good", 0.9, 1.0), pattern("off", 0.1, 1.0)], 3
    )

    assert [p.scenario for p in ranked] == ["good", "poor", "off"]


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"defect_id": " "}, "defect_id"),
        ({"entity": ""}, "entity"),
        ({"trigger_data": "{not json"}, "trigger_data"),
        ({"trigger_data": "[1, 2]"}, "trigger_data"),
        ({"trigger_data": "{}"}, "trigger_data"),
        ({"severity": "apocalyptic"}, "severity"),
    ],
)
def test_a_malformed_defect_names_the_field(change: dict[str, str], field: str) -> None:
    event = {
        "defect_id": "DEF-1",
        "domain": "ecommerce",
        "entity": "cart",
        "trigger_data": '{"currency": "CAD"}',
        "severity": "high",
    }
    with pytest.raises(InvalidLearningEvent) as raised:
        defect_from_event({**event, **change})
    assert raised.value.field == field


@pytest.mark.parametrize("score", [-0.1, 1.5, float("nan"), None])
def test_feedback_outside_zero_to_one_is_refused(score: float | None) -> None:
    event = {"feedback_id": "f", "entity": "cart", "data": "{}", "quality_score": score}
    with pytest.raises(InvalidLearningEvent) as raised:
        feedback_from_event({**event, "data": '{"currency": "USD"}'})
    assert raised.value.field == "quality_score"


def test_verdicts_accumulate_per_feedback_id_and_repeat_harmlessly() -> None:
    def verdict(feedback_id: str, score: float) -> TestDataPattern:
        event = {
            "feedback_id": feedback_id,
            "entity": "cart",
            "data": '[{"_index": 4, "currency": "CAD"}]',
            "quality_score": score,
        }
        return rated_patterns(feedback_from_event(event))[0]

    first = fold_rating(None, verdict("a", 1.0))
    both = fold_rating(first, verdict("b", 0.0))
    again = fold_rating(both, verdict("b", 0.0))

    assert first.data == {"currency": "CAD"}, "tags are not part of the pattern"
    assert (both.usage_count, both.quality_score) == (2, 0.5)
    assert again == both


async def test_the_requests_own_constraints_bound_what_a_trigger_may_set() -> None:
    store = MemoryKnowledge(
        RetrievedContext(
            defects=(defect("DEF-8", "user", {"loyalty_points": 2147483647, "loyalty_tier": "X"}),)
        )
    )
    request = GenerationRequest(
        "r",
        entity="user",
        count=4,
        defect_triggering=True,
        constraints={"loyalty_points": FieldConstraint(min=0, max=500)},
    )

    records, _ = await generate(store, request)

    assert {r["loyalty_points"] for r in records} == {500}, "clamped to the request's max"
    assert all(r["loyalty_tier"] in ("Bronze", "Silver", "Gold", "Platinum") for r in records)
