"""Custom schemas through the bridge: every value valid against its field and constraints."""

from __future__ import annotations

import datetime as dt
import json
import re
import uuid

import grpc
import pytest

from contracts._proto import test_data_pb2 as pb
from contracts._proto import test_data_pb2_grpc as pb_grpc

pytestmark = pytest.mark.e2e

EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[a-z]{2,}$")


def custom_request(count: int) -> pb.GenerateRequest:
    return pb.GenerateRequest(
        domain="loyalty",
        entity="member",
        count=count,
        schema=pb.Schema(
            fields=[
                pb.Field(name="member_id", type=pb.UUID, required=True),
                pb.Field(name="age", type=pb.INTEGER, required=True),
                pb.Field(name="score", type=pb.FLOAT, required=True),
                pb.Field(name="tier", type=pb.ENUM, required=True),
                pb.Field(name="code", type=pb.STRING, required=True),
                pb.Field(name="email", type=pb.EMAIL, required=True),
                pb.Field(name="joined", type=pb.DATE, required=True),
                pb.Field(name="active", type=pb.BOOLEAN, required=True),
                pb.Field(
                    name="contact",
                    type=pb.OBJECT,
                    required=True,
                    nested_fields=[pb.Field(name="phone", type=pb.PHONE, required=True)],
                ),
            ]
        ),
        constraints=pb.Constraints(
            field_constraints={
                "age": pb.FieldConstraint(min=18, max=65),
                "score": pb.FieldConstraint(min=0, max=1),
                "tier": pb.FieldConstraint(enum_values=["bronze", "silver", "gold"]),
                "code": pb.FieldConstraint(regex=r"^[A-Z]{3}-\d{4}$", min_length=8, max_length=8),
            }
        ),
    )


async def test_200_custom_records_are_all_valid_and_diverse(
    stub: pb_grpc.TestDataServiceStub,
) -> None:
    response = await stub.GenerateData(custom_request(200), timeout=30)

    records = json.loads(response.data)
    assert len(records) == 200
    for r in records:
        assert str(uuid.UUID(r["member_id"])) == r["member_id"]
        assert isinstance(r["age"], int) and 18 <= r["age"] <= 65
        assert isinstance(r["score"], float) and 0 <= r["score"] <= 1
        assert r["tier"] in {"bronze", "silver", "gold"}
        assert re.fullmatch(r"[A-Z]{3}-\d{4}", r["code"])
        assert EMAIL.match(r["email"])
        dt.date.fromisoformat(r["joined"])
        assert isinstance(r["active"], bool)
        assert re.search(r"\d{3}", r["contact"]["phone"])
    assert len({r["member_id"] for r in records}) == 200
    assert len({r["age"] for r in records}) > 20
    assert {r["tier"] for r in records} == {"bronze", "silver", "gold"}
    assert len({r["code"] for r in records}) > 150
    assert {r["active"] for r in records} == {True, False}
    assert response.metadata.coherence_score == pytest.approx(1.0)


@pytest.mark.parametrize(
    "pattern", [r"^(a+)+b$", r"^(\w+\s?)*$", r"(x+x+)+y", r"^([a-zA-Z0-9]+)*@example\.com$"]
)
async def test_catastrophic_backtracking_patterns_are_answered_within_seconds(
    stub: pb_grpc.TestDataServiceStub, pattern: str
) -> None:
    request = pb.GenerateRequest(
        entity="probe",
        count=50,
        schema=pb.Schema(fields=[pb.Field(name="value", type=pb.STRING, required=True)]),
        constraints=pb.Constraints(
            field_constraints={"value": pb.FieldConstraint(regex=pattern, max_length=64)}
        ),
    )

    try:
        response = await stub.GenerateData(request, timeout=5)
    except grpc.aio.AioRpcError as error:
        assert error.code() == grpc.StatusCode.INVALID_ARGUMENT
        assert 'constraints["value"]' in (error.details() or "")
    else:
        values = [r["value"] for r in json.loads(response.data)]
        assert all(re.fullmatch(pattern, v) and len(v) <= 64 for v in values)
