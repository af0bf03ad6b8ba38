"""Routing decisions for the PRD's examples and rule sets, with today's single backend."""

from __future__ import annotations

import pytest

from generators.core.protocol import GenerationPath, Routing
from generators.core.request import FieldSpec, FieldType, GenerationRequest
from generators.paths.hybrid.generator import HYBRID_ROUTING
from generators.paths.llm.routing import LLM_ROUTING
from generators.paths.rag.routing import RAG_ROUTING
from generators.paths.traditional.routing import TRADITIONAL_ROUTING
from router.intelligence import route
from testing.requests import req_001_request

TRADITIONAL_ONLY = frozenset({GenerationPath.TRADITIONAL})
EVERYTHING = frozenset(GenerationPath)
#: The built-in paths as the worker lists them (`streams.wiring.build_paths`).
PATHS: dict[str, Routing] = {
    GenerationPath.TRADITIONAL: TRADITIONAL_ROUTING,
    GenerationPath.LLM: LLM_ROUTING,
    GenerationPath.RAG: RAG_ROUTING,
    GenerationPath.HYBRID: HYBRID_ROUTING,
}

PRD_CART = req_001_request()
PRD_EDGE_PAYMENTS = GenerationRequest(
    request_id="req-002",
    domain="ecommerce",
    entity="payment",
    context="Generate payment records that test edge cases in payment processing",
    hints=("edge_case",),
    defect_triggering=True,
    count=20,
)


def test_prd_coherent_cart_wants_llm_and_falls_back_to_traditional_saying_why() -> None:
    decision = route(PRD_CART, PATHS, TRADITIONAL_ONLY)

    assert decision.path == GenerationPath.TRADITIONAL
    assert decision.reason.startswith("wanted llm")
    for signal in ("context given", '"realistic"', '"coherent"', '"cart"', "unavailable"):
        assert signal in decision.reason
    assert 0.0 <= decision.confidence < 0.5


def test_prd_coherent_cart_goes_to_llm_when_llm_is_available() -> None:
    decision = route(PRD_CART, PATHS, EVERYTHING)

    assert decision.path == GenerationPath.LLM
    assert decision.confidence > 0.8


def test_defect_triggering_wants_rag_and_falls_back_to_traditional() -> None:
    decision = route(PRD_EDGE_PAYMENTS, PATHS, TRADITIONAL_ONLY)

    assert decision.path == GenerationPath.TRADITIONAL
    assert "wanted rag" in decision.reason
    assert "defect_triggering" in decision.reason
    assert "unavailable" in decision.reason
    assert route(PRD_EDGE_PAYMENTS, PATHS, EVERYTHING).path == GenerationPath.RAG


def test_fast_bulk_users_go_traditional_with_high_confidence() -> None:
    request = GenerationRequest(request_id="r", entity="user", hints=("fast",), count=5000)

    decision = route(request, PATHS, EVERYTHING)

    assert decision.path == GenerationPath.TRADITIONAL
    assert 'hint "fast"' in decision.reason
    assert "5000 records" in decision.reason
    assert decision.confidence == 1.0


@pytest.mark.parametrize(
    ("flag", "request_"),
    [
        ("learn_from_history", GenerationRequest("r", entity="user", learn_from_history=True)),
        ("defect_triggering", GenerationRequest("r", entity="user", defect_triggering=True)),
        ("production_like", GenerationRequest("r", entity="user", production_like=True)),
    ],
)
def test_each_rag_flag_routes_to_rag(flag: str, request_: GenerationRequest) -> None:
    decision = route(request_, PATHS, EVERYTHING)

    assert decision.path == GenerationPath.RAG
    assert flag in decision.reason


def test_similar_to_in_hints_routes_to_rag() -> None:
    request = GenerationRequest(
        request_id="r", entity="order", count=10, hints=("similar to last sprint's orders",)
    )

    assert route(request, PATHS, EVERYTHING).path == GenerationPath.RAG


def test_defect_triggering_with_realistic_text_is_hybrid() -> None:
    request = GenerationRequest(
        request_id="r", entity="review", count=10, defect_triggering=True, hints=("realistic",)
    )

    assert route(request, PATHS, EVERYTHING).path == GenerationPath.HYBRID


@pytest.mark.parametrize(
    ("available", "expected"),
    [
        ({GenerationPath.LLM}, GenerationPath.LLM),
        ({GenerationPath.RAG}, GenerationPath.RAG),
        (set(), GenerationPath.TRADITIONAL),
    ],
)
def test_hybrid_falls_back_to_llm_then_rag_then_traditional(
    available: set[GenerationPath], expected: GenerationPath
) -> None:
    request = GenerationRequest(
        request_id="r", entity="review", count=10, defect_triggering=True, hints=("realistic",)
    )

    decision = route(request, PATHS, frozenset(available | {GenerationPath.TRADITIONAL}))

    assert decision.path == expected
    assert decision.reason.startswith("wanted hybrid")
    assert f"falling back to {expected}" in decision.reason


def test_free_text_fields_in_a_custom_schema_want_llm() -> None:
    request = GenerationRequest(
        request_id="r",
        entity="ticket",
        count=10,
        fields=(
            FieldSpec("ticket_id", FieldType.UUID),
            FieldSpec("description", FieldType.STRING),
        ),
    )

    decision = route(request, PATHS, EVERYTHING)

    assert decision.path == GenerationPath.LLM
    assert "description" in decision.reason
    assert "ticket_id" not in decision.reason


def test_structured_fields_without_context_stay_traditional() -> None:
    request = GenerationRequest(
        request_id="r",
        entity="device",
        count=10,
        fields=(FieldSpec("id", FieldType.UUID), FieldSpec("email", FieldType.EMAIL)),
    )

    decision = route(request, PATHS, EVERYTHING)

    assert decision.path == GenerationPath.TRADITIONAL
    assert "structured fields only" in decision.reason


def test_a_bare_request_takes_the_cheapest_path() -> None:
    request = GenerationRequest(request_id="r", entity="nonsense", count=1)

    decision = route(request, PATHS, EVERYTHING)

    assert decision.path == GenerationPath.TRADITIONAL
    assert decision.reason.startswith("traditional: no context")


def test_confidence_always_lies_between_zero_and_one() -> None:
    for request in (PRD_CART, PRD_EDGE_PAYMENTS):
        for available in (TRADITIONAL_ONLY, EVERYTHING):
            assert 0.0 <= route(request, PATHS, available).confidence <= 1.0


def test_a_fallback_chain_ends_in_traditional_even_when_nothing_else_serves() -> None:
    decision = route(PRD_EDGE_PAYMENTS, PATHS, frozenset({GenerationPath.LLM}))

    assert decision.path == GenerationPath.TRADITIONAL
    assert "wanted rag" in decision.reason


def test_path_values_are_the_proto_metadata_strings() -> None:
    assert [p.value for p in GenerationPath] == ["traditional", "llm", "rag", "hybrid"]
