"""The learning loop and the cache through the real stack: a defect published to Kafka is
indexed by the worker into Weaviate and comes back in a defect-triggering answer; a repeated
`use_cache` request is served from its Redis pool."""

from __future__ import annotations

import asyncio
import json
import time
import uuid
from datetime import UTC, datetime
from typing import Any

import pytest

from config import Settings
from contracts._proto import test_data_pb2 as pb
from contracts._proto import test_data_pb2_grpc as pb_grpc
from contracts.avro import AvroCodec, Contract
from generators.knowledge.learning import pattern_id
from testing.stack import WorkerProcess, kafka_producer, read_topic
from testing.weaviate import InspectableStore

pytestmark = pytest.mark.e2e


async def publish(settings: Settings, topic: str, key: str, value: bytes) -> None:
    async with kafka_producer(settings) as producer:
        await producer.send_and_wait(topic, value, key=key.encode())


async def test_a_published_defect_comes_back_in_a_defect_triggering_answer(
    settings: Settings,
    knowledge: InspectableStore,
    stub: pb_grpc.TestDataServiceStub,
) -> None:
    tag = uuid.uuid4().hex[:6]
    defect_id = f"DEF-E2E-{tag}"
    trigger = f"Ångström-Ⅻ-{tag}"
    event = {
        "defect_id": defect_id,
        "domain": "ecommerce",
        "entity": "user",
        "trigger_data": json.dumps({"last_name": trigger}),
        "defect_description": "A last name with a Roman numeral glyph crashed the badge printer",
        "severity": "critical",
        "discovered_at": datetime.now(UTC),
    }
    published = time.monotonic()
    await publish(
        settings,
        settings.defects_topic,
        defect_id,
        AvroCodec().encode(Contract.DEFECT_REPORTED, event),
    )
    while await knowledge.defect(defect_id) is None:
        assert time.monotonic() - published < 60, "the worker never indexed the defect"
        await asyncio.sleep(0.2)
    print(f"defect-to-retrieval lag: {time.monotonic() - published:.2f}s")

    response = await stub.GenerateData(
        pb.GenerateRequest(
            request_id=f"dt-{tag}",
            domain="ecommerce",
            entity="user",
            count=10,
            defect_triggering=True,
            context="badge printer crash on a Roman numeral glyph in the last name",
        ),
        timeout=30,
    )

    records: list[dict[str, Any]] = json.loads(response.data)
    carrying = [r for r in records if r["last_name"] == trigger]
    assert response.success, response.error
    assert response.metadata.generation_path in ("rag", "hybrid")
    assert "defect_triggering" in response.metadata.routing_reason
    assert carrying and all(r["_source"] == f"defect:{defect_id}" for r in carrying)
    assert len({r["user_id"] for r in records}) == 10


async def test_published_feedback_rates_the_pattern_once_even_when_sent_twice(
    settings: Settings, knowledge: InspectableStore
) -> None:
    tag = uuid.uuid4().hex[:6]
    record = {"_index": 0, "_scenario": "gift", "rating": 5, "title": f"Lovely {tag}"}
    event = {
        "feedback_id": f"fb-{tag}",
        "request_id": "req-42",
        "domain": "ecommerce",
        "entity": "review",
        "data": json.dumps([record]),
        "quality_score": 0.9,
        "submitted_at": datetime.now(UTC),
    }
    # A marker after the two copies, on the same key (so the same partition): once it is
    # indexed, both copies have been.
    marker = {**record, "title": f"Marker {tag}"}
    codec = AvroCodec()
    for value in (
        event,
        event,
        {**event, "feedback_id": f"fb-{tag}-m", "data": json.dumps([marker])},
    ):
        encoded = codec.encode(Contract.FEEDBACK_SUBMITTED, value)
        await publish(settings, settings.feedback_topic, f"fb-{tag}", encoded)
    started = time.monotonic()
    while await knowledge.pattern(pattern_id("ecommerce", "review", marker)) is None:
        assert time.monotonic() - started < 60, "the worker never indexed the feedback"
        await asyncio.sleep(0.2)

    pattern = await knowledge.pattern(pattern_id("ecommerce", "review", record))
    assert pattern is not None and pattern.scenario == "gift"
    assert dict(pattern.ratings) == {f"fb-{tag}": 0.9} and pattern.usage_count == 1


async def test_a_malformed_defect_goes_to_the_dead_letter_topic(settings: Settings) -> None:
    key = f"bad-{uuid.uuid4().hex[:6]}"
    event = {
        "defect_id": key,
        "domain": "ecommerce",
        "entity": "cart",
        "trigger_data": "not json at all",
        "discovered_at": datetime.now(UTC),
    }
    await publish(
        settings, settings.defects_topic, key, AvroCodec().encode(Contract.DEFECT_REPORTED, event)
    )
    await publish(settings, settings.feedback_topic, key, b"\x00garbage")

    def both(letters: list[dict[str, Any]]) -> bool:
        return len([le for le in letters if le["original_key"] == key.encode()]) >= 2

    letters = await read_topic(
        settings, settings.dead_letter_topic, Contract.DEAD_LETTER, until=both, timeout=60
    )
    mine = {le["source_topic"]: le for le in letters if le["original_key"] == key.encode()}
    assert mine[settings.defects_topic]["field"] == "trigger_data"
    assert "not JSON" in mine[settings.defects_topic]["reason"]
    assert mine[settings.feedback_topic]["original_value"] == b"\x00garbage"


def cache_hits(worker: WorkerProcess) -> float:
    _status, text = worker.http("/metrics")
    line = next(ln for ln in text.splitlines() if ln.startswith("testdata_cache_hits_total "))
    return float(line.split()[1])


@pytest.mark.usefixtures("data_pools")
async def test_a_repeated_use_cache_request_is_served_from_the_pool_with_fresh_ids(
    worker: WorkerProcess, stub: pb_grpc.TestDataServiceStub
) -> None:
    shape: dict[str, Any] = {
        "entity": "order",
        "count": 20,
        "use_cache": True,
        "context": uuid.uuid4().hex,
    }
    hits_before = cache_hits(worker)

    first = await stub.GenerateData(pb.GenerateRequest(request_id="c1", **shape), timeout=30)
    second = await stub.GenerateData(pb.GenerateRequest(request_id="c2", **shape), timeout=30)

    one, two = json.loads(first.data), json.loads(second.data)
    assert "data-pool cache" not in first.metadata.routing_reason
    assert "served from the data-pool cache" in second.metadata.routing_reason
    assert [r["_index"] for r in two] == list(range(20))
    assert not {r["order_id"] for r in one} & {r["order_id"] for r in two}
    assert {r["shipping_method"] for r in two} <= {"standard", "express", "same_day", "bopis"}
    assert cache_hits(worker) == hits_before + 1
