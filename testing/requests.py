"""Requests that tests, the bench and the fault suite send as the PRD writes them: on the wire
(`pb`) and as the worker sees them (`GenerationRequest`)."""

from __future__ import annotations

from contracts._proto import test_data_pb2 as pb
from generators.core.request import GenerationRequest, Scenario

REQ_001_CONTEXT = (
    "Generate shopping carts for ApplePay checkout testing. Carts should have 3-5 items "
    "that a real customer would buy together."
)


def req_001(request_id: str = "req-001") -> pb.GenerateRequest:
    """The PRD's "Generate Coherent Cart" example (req-001), which the router sends to the
    model: coherent carts with scenarios."""
    return pb.GenerateRequest(
        request_id=request_id,
        domain="ecommerce",
        entity="cart",
        context=REQ_001_CONTEXT,
        hints=["realistic", "coherent"],
        count=10,
        scenarios=[
            pb.Scenario(name="happy_path", count=7, description="Normal checkout flow"),
            pb.Scenario(name="high_value", count=2, description="Cart total > $500"),
            pb.Scenario(name="single_item", count=1, description="Cart with only one item"),
        ],
        output_format=pb.JSON,
    )


def req_001_request(request_id: str = "req-001") -> GenerationRequest:
    """req-001 as the worker decodes it."""
    return GenerationRequest(
        request_id=request_id,
        domain="ecommerce",
        entity="cart",
        context=REQ_001_CONTEXT,
        hints=("realistic", "coherent"),
        count=10,
        scenarios=(
            Scenario("happy_path", 7, description="Normal checkout flow"),
            Scenario("high_value", 2, description="Cart total > $500"),
            Scenario("single_item", 1, description="Cart with only one item"),
        ),
    )
