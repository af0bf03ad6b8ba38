"""Through the gRPC bridge, over real Kafka, answered by a real worker process."""

from __future__ import annotations

import asyncio
import csv
import io
import json
import re
from decimal import Decimal
from typing import Any

import grpc
import pytest

from contracts._proto import test_data_pb2 as pb
from contracts._proto import test_data_pb2_grpc as pb_grpc
from testing.requests import req_001

pytestmark = pytest.mark.e2e

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")


def money(value: float) -> Decimal:
    return Decimal(str(value))


async def test_prd_cart_example_has_exact_scenarios_and_cart_math(
    stub: pb_grpc.TestDataServiceStub,
) -> None:
    response = await stub.GenerateData(req_001(), timeout=30)

    records: list[dict[str, Any]] = json.loads(response.data)
    assert response.success and response.request_id == "req-001"
    assert response.record_count == 10 == len(records)
    assert [r["_index"] for r in records] == list(range(10))
    by_scenario = {
        name: [r for r in records if r["_scenario"] == name]
        for name in ("happy_path", "high_value", "single_item")
    }
    assert {k: len(v) for k, v in by_scenario.items()} == {
        "happy_path": 7,
        "high_value": 2,
        "single_item": 1,
    }
    assert dict(response.metadata.scenario_counts) == {
        "happy_path": 7,
        "high_value": 2,
        "single_item": 1,
    }
    assert len(by_scenario["single_item"][0]["items"]) == 1
    assert all(money(r["total"]) > 500 for r in by_scenario["high_value"])
    for cart in records:
        assert re.fullmatch(r"CRT-\d{4}-\w{7}", cart["cart_id"])
        subtotal = sum(money(i["price"]) * i["quantity"] for i in cart["items"])
        assert money(cart["subtotal"]) == subtotal
        assert money(cart["total"]) == money(cart["subtotal"]) + money(cart["tax"])
        assert cart["created_at"] <= (cart.get("updated_at") or cart["created_at"])
    assert response.metadata.generation_path == "traditional"
    assert "llm" in response.metadata.routing_reason
    assert response.metadata.coherence_score == pytest.approx(1.0)
    assert response.metadata.generation_time_ms > 0


async def test_fast_users_have_unique_ids_and_valid_emails(
    stub: pb_grpc.TestDataServiceStub,
) -> None:
    request = pb.GenerateRequest(domain="ecommerce", entity="user", hints=["fast"], count=50)
    response = await stub.GenerateData(request, timeout=30)

    users = json.loads(response.data)
    assert len(users) == 50
    assert len({u["user_id"] for u in users}) == 50
    assert len({u["email"] for u in users}) == 50
    assert all(EMAIL.match(u["email"]) for u in users)
    assert response.metadata.generation_path == "traditional"


async def test_csv_output_parses_with_a_header_and_one_row_per_record(
    stub: pb_grpc.TestDataServiceStub,
) -> None:
    request = pb.GenerateRequest(entity="order", count=25, output_format=pb.CSV)
    response = await stub.GenerateData(request, timeout=30)

    rows = list(csv.DictReader(io.StringIO(response.data)))
    assert len(rows) == 25
    assert [int(r["_index"]) for r in rows] == list(range(25))
    assert "order_id" in rows[0]


async def test_a_5000_record_stream_arrives_complete_in_order_with_one_final_chunk(
    stub: pb_grpc.TestDataServiceStub,
) -> None:
    request = pb.GenerateRequest(entity="payment", count=5000)
    chunks = [c async for c in stub.GenerateDataStream(request, timeout=60)]

    assert [c.chunk_index for c in chunks] == list(range(len(chunks)))
    assert [c.is_final for c in chunks].count(True) == 1 and chunks[-1].is_final
    indexes = [r["_index"] for c in chunks for r in json.loads(c.data)]
    assert indexes == list(range(5000))
    assert sum(c.record_count for c in chunks) == 5000
    assert chunks[-1].metadata.scenario_counts["default"] == 5000


async def test_schemas_lists_the_five_entities_with_fields_and_filters_by_domain(
    stub: pb_grpc.TestDataServiceStub,
) -> None:
    everything = await stub.GetSchemas(pb.GetSchemasRequest(), timeout=10)
    ecommerce = await stub.GetSchemas(pb.GetSchemasRequest(domain="ecommerce"), timeout=10)
    other = await stub.GetSchemas(pb.GetSchemasRequest(domain="supply_chain"), timeout=10)

    names = {s.name for s in everything.schemas}
    assert {"cart", "order", "payment", "user", "review"} <= names
    assert all(s.fields for s in everything.schemas)
    assert "items.price" in next(s for s in everything.schemas if s.name == "cart").fields
    assert {s.name for s in ecommerce.schemas} == names
    assert all(s.domain == "supply_chain" for s in other.schemas)


async def test_health_is_healthy_with_every_component_up(
    stub: pb_grpc.TestDataServiceStub,
) -> None:
    response = await stub.HealthCheck(pb.HealthCheckRequest(), timeout=10)

    assert response.status == "healthy"
    assert dict(response.components) == {
        "kafka": "ok",
        "worker": "ok",
        "redis": "ok",
        "weaviate": "ok",
    }


async def test_64_concurrent_calls_are_all_answered(stub: pb_grpc.TestDataServiceStub) -> None:
    limit = asyncio.Semaphore(16)

    async def call(i: int) -> int:
        async with limit:
            request = pb.GenerateRequest(request_id=f"conc-{i}", entity="user", count=100)
            response = await stub.GenerateData(request, timeout=60)
            return len(json.loads(response.data))

    counts = await asyncio.gather(*(call(i) for i in range(64)))
    assert counts == [100] * 64


@pytest.mark.parametrize(
    ("rpc", "bad", "field", "words"),
    [
        ("GenerateData", pb.GenerateRequest(entity="user", count=0), "count", "at least 1"),
        ("GenerateData", pb.GenerateRequest(entity="user", count=-5), "count", "at least 1"),
        (
            "GenerateData",
            pb.GenerateRequest(entity="user", count=1001),
            "count",
            "GenerateDataStream",
        ),
        ("GenerateDataStream", pb.GenerateRequest(entity="user", count=10_001), "count", "10000"),
        ("GenerateData", pb.GenerateRequest(entity="spaceship", count=5), "entity", "cart"),
        (
            "GenerateData",
            pb.GenerateRequest(
                entity="user",
                count=5,
                schema=pb.Schema(fields=[pb.Field(name="age", type=pb.INTEGER)]),
                constraints=pb.Constraints(
                    field_constraints={"age": pb.FieldConstraint(min=9, max=1)}
                ),
            ),
            'constraints["age"]',
            "min",
        ),
        (
            "GenerateData",
            pb.GenerateRequest(
                entity="user",
                count=5,
                schema=pb.Schema(fields=[pb.Field(name="code", type=pb.STRING)]),
                constraints=pb.Constraints(
                    field_constraints={"code": pb.FieldConstraint(regex="([A-Z]")}
                ),
            ),
            'constraints["code"].regex',
            "regex",
        ),
    ],
    ids=[
        "zero",
        "negative",
        "sync-limit",
        "hard-limit",
        "unknown-entity",
        "min-gt-max",
        "bad-regex",
    ],
)
async def test_bad_requests_are_invalid_argument_naming_the_field(
    stub: pb_grpc.TestDataServiceStub,
    rpc: str,
    bad: pb.GenerateRequest,
    field: str,
    words: str,
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as raised:
        call = getattr(stub, rpc)(bad, timeout=10)
        if rpc == "GenerateDataStream":
            _ = [c async for c in call]
        else:
            await call

    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = raised.value.details() or ""
    assert field in details
    assert words in details


async def test_the_same_request_and_seed_give_identical_bytes_through_the_bridge(
    stub: pb_grpc.TestDataServiceStub,
) -> None:
    request = pb.GenerateRequest(entity="order", count=40, seed=20261124, output_format=pb.CSV)

    first = await stub.GenerateData(request, timeout=30)
    second = await stub.GenerateData(request, timeout=30)
    unseeded = await stub.GenerateData(pb.GenerateRequest(entity="order", count=40), timeout=30)

    assert first.request_id != second.request_id
    assert first.data == second.data
    assert first.metadata.seed == second.metadata.seed == 20261124
    assert unseeded.metadata.seed != 0
