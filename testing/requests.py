"""Requests that tests and the fault suite send as the PRD writes them."""

from __future__ import annotations

from contracts._proto import test_data_pb2 as pb


def req_001(request_id: str = "req-001") -> pb.GenerateRequest:
    """The PRD's "Generate Coherent Cart" example (req-001), which the router sends to the
    model: coherent carts with scenarios."""
    return pb.GenerateRequest(
        request_id=request_id,
        domain="ecommerce",
        entity="cart",
        context=(
            "Generate shopping carts for ApplePay checkout testing. Carts should have 3-5 items "
            "that a real customer would buy together."
        ),
        hints=["realistic", "coherent"],
        count=10,
        scenarios=[
            pb.Scenario(name="happy_path", count=7, description="Normal checkout flow"),
            pb.Scenario(name="high_value", count=2, description="Cart total > $500"),
            pb.Scenario(name="single_item", count=1, description="Cart with only one item"),
        ],
        output_format=pb.JSON,
    )
