"""ReportDefect and SubmitFeedback through the bridge: checked as the worker checks them,
published to the defects and feedback topics as Avro events once Kafka has them, and indexed
by the worker like events any other tool publishes."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import grpc
import pytest
from aiokafka import AIOKafkaConsumer, TopicPartition

from config import Settings
from contracts._proto import test_data_pb2 as pb
from contracts._proto import test_data_pb2_grpc as pb_grpc
from contracts.avro import AvroCodec, Contract
from generators.knowledge.learning import pattern_id
from testing.weaviate import InspectableStore

pytestmark = pytest.mark.e2e


async def test_a_defect_reported_over_grpc_is_acknowledged_then_indexed(
    settings: Settings, knowledge: InspectableStore, stub: pb_grpc.TestDataServiceStub
) -> None:
    tag = uuid.uuid4().hex[:6]
    defect_id = f"DEF-RPC-{tag}"
    discovered = datetime(2026, 3, 1, 12, 30, tzinfo=UTC)
    request = pb.ReportDefectRequest(
        defect_id=defect_id,
        domain="ecommerce",
        entity="cart",
        trigger_data=json.dumps([{"coupon_code": f"ZERO-{tag}"}, {"quantity": 0}]),
        defect_description="A zero-quantity line with a coupon divided by zero",
        severity="HIGH",
    )
    request.discovered_at.FromDatetime(discovered)

    started = time.monotonic()
    accepted = await stub.ReportDefect(request, timeout=10)

    assert accepted.event_id == defect_id
    assert accepted.topic == settings.defects_topic and accepted.offset >= 0
    while (defect := await knowledge.defect(defect_id)) is None:
        assert time.monotonic() - started < 60, "the worker never indexed the defect"
        await asyncio.sleep(0.2)
    assert defect.severity == "high" and defect.entity == "cart"
    assert {"coupon_code": f"ZERO-{tag}"} in [dict(t) for t in defect.triggers]


async def event_at(settings: Settings, accepted: pb.EventAccepted, contract: Contract) -> Any:
    """The event stored where the acknowledgement says, decoded."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers, group_id=None, enable_auto_commit=False
    )
    await consumer.start()
    try:
        partition = TopicPartition(accepted.topic, accepted.partition)
        consumer.assign([partition])
        consumer.seek(partition, accepted.offset)
        record = await asyncio.wait_for(consumer.getone(partition), 30)
    finally:
        await consumer.stop()
    assert record.offset == accepted.offset
    return record.key, AvroCodec().decode(contract, record.value)


async def test_a_defect_without_an_id_gets_one_and_lands_decodable_where_acknowledged(
    settings: Settings, stub: pb_grpc.TestDataServiceStub
) -> None:
    accepted = await stub.ReportDefect(
        pb.ReportDefectRequest(entity="order", trigger_data='{"total": -0.01}'), timeout=10
    )

    key, event = await event_at(settings, accepted, Contract.DEFECT_REPORTED)
    assert accepted.event_id.startswith("defect-") and accepted.topic == settings.defects_topic
    assert key == accepted.event_id.encode() and event["defect_id"] == accepted.event_id
    assert event["severity"] == "medium" and event["entity"] == "order"
    assert abs((datetime.now(UTC) - event["discovered_at"]).total_seconds()) < 60


async def test_feedback_submitted_over_grpc_rates_the_pattern(
    settings: Settings, knowledge: InspectableStore, stub: pb_grpc.TestDataServiceStub
) -> None:
    tag = uuid.uuid4().hex[:6]
    record = {"_index": 3, "rating": 1, "title": f"Broke on day one {tag}"}
    accepted = await stub.SubmitFeedback(
        pb.SubmitFeedbackRequest(
            feedback_id=f"fb-rpc-{tag}",
            request_id="req-7",
            domain="ecommerce",
            entity="review",
            scenario="angry",
            data=json.dumps(record),
            quality_score=0.75,
            comment="found the sentiment bug",
        ),
        timeout=10,
    )

    assert accepted.event_id == f"fb-rpc-{tag}" and accepted.topic == settings.feedback_topic
    started = time.monotonic()
    while (pattern := await knowledge.pattern(pattern_id("ecommerce", "review", record))) is None:
        assert time.monotonic() - started < 60, "the worker never indexed the feedback"
        await asyncio.sleep(0.2)
    assert pattern.scenario == "angry" and dict(pattern.ratings) == {f"fb-rpc-{tag}": 0.75}


@pytest.mark.parametrize(
    ("call", "message", "field"),
    [
        (
            "ReportDefect",
            pb.ReportDefectRequest(entity="cart", trigger_data="{oops"),
            "trigger_data",
        ),
        ("ReportDefect", pb.ReportDefectRequest(trigger_data="{}"), "entity"),
        (
            "ReportDefect",
            pb.ReportDefectRequest(entity="cart", trigger_data='{"a": 1}', severity="meh"),
            "severity",
        ),
        (
            "SubmitFeedback",
            pb.SubmitFeedbackRequest(entity="user", data='{"a": 1}'),
            "quality_score",
        ),
        (
            "SubmitFeedback",
            pb.SubmitFeedbackRequest(entity="user", data='{"a": 1}', quality_score=1.5),
            "quality_score",
        ),
        ("SubmitFeedback", pb.SubmitFeedbackRequest(entity="user", quality_score=0.5), "data"),
    ],
)
async def test_a_bad_event_is_invalid_argument_naming_the_field(
    stub: pb_grpc.TestDataServiceStub, call: str, message: Any, field: str
) -> None:
    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await getattr(stub, call)(message, timeout=10)

    assert refused.value.code() is grpc.StatusCode.INVALID_ARGUMENT
    assert (refused.value.details() or "").startswith(f"{field}:")
