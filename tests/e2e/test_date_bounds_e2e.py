"""min_date/max_date through the bridge: gRPC -> Avro on Kafka -> worker -> reply chunks."""

from __future__ import annotations

import json
from datetime import UTC, date, datetime

import grpc
import pytest

from contracts._proto import test_data_pb2 as pb
from contracts._proto import test_data_pb2_grpc as pb_grpc

pytestmark = pytest.mark.e2e

LOW, HIGH = date(2023, 12, 25), date(2024, 1, 10)
MOMENT_LOW = datetime(2024, 6, 1, 8, 0, tzinfo=UTC)  # 10:00+02:00
MOMENT_HIGH = datetime(2024, 6, 2, 20, 0, tzinfo=UTC)


def bounded_request(count: int, constraints: dict[str, pb.FieldConstraint]) -> pb.GenerateRequest:
    return pb.GenerateRequest(
        entity="membership",
        count=count,
        seed=42,
        schema=pb.Schema(
            fields=[
                pb.Field(name="joined", type=pb.DATE, required=True),
                pb.Field(name="joined_us", type=pb.DATE, required=True),
                pb.Field(name="last_seen", type=pb.DATETIME, required=True),
            ]
        ),
        constraints=pb.Constraints(field_constraints=constraints),
    )


async def test_dates_come_back_within_min_date_and_max_date(
    stub: pb_grpc.TestDataServiceStub,
) -> None:
    request = bounded_request(
        500,
        {
            "joined": pb.FieldConstraint(min_date="2023-12-25", max_date="2024-01-10"),
            "joined_us": pb.FieldConstraint(
                min_date="2023-12-25", max_date="2024-01-10", format="%m/%d/%Y"
            ),
            "last_seen": pb.FieldConstraint(
                min_date="2024-06-01T10:00:00+02:00", max_date="2024-06-02T20:00:00Z"
            ),
        },
    )

    response = await stub.GenerateData(request, timeout=30)

    records = json.loads(response.data)
    assert len(records) == 500
    for r in records:
        assert LOW <= date.fromisoformat(r["joined"]) <= HIGH
        assert LOW <= datetime.strptime(r["joined_us"], "%m/%d/%Y").date() <= HIGH
        seen = datetime.fromisoformat(r["last_seen"])
        assert seen.tzinfo is not None and MOMENT_LOW <= seen <= MOMENT_HIGH
    assert len({r["joined"] for r in records}) == (HIGH - LOW).days + 1  # every day comes up
    assert response.metadata.coherence_score == pytest.approx(1.0)


async def test_min_date_after_max_date_is_invalid_argument_naming_the_field(
    stub: pb_grpc.TestDataServiceStub,
) -> None:
    request = bounded_request(
        10, {"joined": pb.FieldConstraint(min_date="2024-02-01", max_date="2024-01-01")}
    )

    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await stub.GenerateData(request, timeout=10)

    assert raised.value.code() == grpc.StatusCode.INVALID_ARGUMENT
    details = raised.value.details() or ""
    assert 'constraints["joined"].min_date' in details
    assert "min_date 2024-02-01 is after max_date 2024-01-01" in details
