"""The worker against real Kafka, spoken to with a plain Kafka client and fastavro only."""

from __future__ import annotations

import uuid
from typing import Any

import pytest

from config import Settings
from contracts.avro import AvroCodec, Contract
from contracts.requests import request_to_event
from generators.core.request import GenerationRequest
from testing.stack import WorkerProcess, create_topics, kafka_producer, read_topic

pytestmark = pytest.mark.integration

CODEC = AvroCodec()


def finals(events: list[dict[str, Any]]) -> int:
    return sum(1 for e in events if e["is_final"])


async def publish(settings: Settings, value: bytes, key: bytes = b"k") -> None:
    async with kafka_producer(settings) as producer:
        await producer.send_and_wait(settings.request_topic, value, key=key)


def reply_topic(settings: Settings) -> str:
    return f"{settings.reply_topic_prefix}{settings.bridge_id}.it-{uuid.uuid4().hex[:6]}"


async def test_a_request_delivered_twice_yields_the_same_chunks(
    settings: Settings, worker: WorkerProcess
) -> None:
    topic = reply_topic(settings)
    await create_topics(settings, topic)
    request = GenerationRequest(request_id="twice", entity="cart", count=2500, reply_topic=topic)
    event = CODEC.encode(Contract.GENERATE_REQUESTED, request_to_event(request))

    await publish(settings, event, b"twice")
    await publish(settings, event, b"twice")
    chunks = await read_topic(
        settings, topic, Contract.DATA_CHUNK, until=lambda evs: finals(evs) == 2
    )

    first, second = chunks[: len(chunks) // 2], chunks[len(chunks) // 2 :]
    assert len(first) > 1 and finals(first) == finals(second) == 1
    for one, two in zip(first, second, strict=True):
        assert (one["chunk_index"], one["data"], one["record_count"]) == (
            two["chunk_index"],
            two["data"],
            two["record_count"],
        )
    meta_one, meta_two = first[-1]["metadata"], second[-1]["metadata"]
    assert meta_one["scenario_counts"] == meta_two["scenario_counts"] == {"default": 2500}


async def test_undecodable_bytes_go_to_the_dead_letter_topic_with_the_reason(
    settings: Settings, worker: WorkerProcess
) -> None:
    garbage = b"\x07not avro at all " + uuid.uuid4().bytes

    await publish(settings, garbage, b"garbage")
    letters = await read_topic(
        settings,
        settings.dead_letter_topic,
        Contract.DEAD_LETTER,
        until=lambda evs: any(e["original_value"] == garbage for e in evs),
    )

    letter = next(e for e in letters if e["original_value"] == garbage)
    assert "magic byte" in letter["reason"]
    assert letter["source_topic"] == settings.request_topic
    assert letter["original_key"] == b"garbage"


@pytest.mark.parametrize(
    "bad_topic",
    ["testdata.requests", "__consumer_offsets", "someone-elses.topic", "testdata.reply."],
)
async def test_a_reply_topic_outside_the_prefix_is_refused_to_the_dead_letter_topic(
    settings: Settings, worker: WorkerProcess, bad_topic: str
) -> None:
    request_id = f"evil-{uuid.uuid4().hex[:6]}"
    request = GenerationRequest(
        request_id=request_id, entity="user", count=1, reply_topic=bad_topic
    )

    await publish(settings, CODEC.encode(Contract.GENERATE_REQUESTED, request_to_event(request)))
    letters = await read_topic(
        settings,
        settings.dead_letter_topic,
        Contract.DEAD_LETTER,
        until=lambda evs: any(e["request_id"] == request_id for e in evs),
    )

    letter = next(e for e in letters if e["request_id"] == request_id)
    assert letter["field"] == "reply_topic"
    assert bad_topic in letter["reason"] or "prefix" in letter["reason"]


async def test_an_invalid_request_is_dead_lettered_and_answered_with_an_error_chunk(
    settings: Settings, worker: WorkerProcess
) -> None:
    topic = reply_topic(settings)
    await create_topics(settings, topic)
    request = GenerationRequest(
        request_id="invalid-count", entity="user", count=0, reply_topic=topic
    )

    await publish(settings, CODEC.encode(Contract.GENERATE_REQUESTED, request_to_event(request)))
    chunks = await read_topic(settings, topic, Contract.DATA_CHUNK, until=lambda evs: finals(evs))
    letters = await read_topic(
        settings,
        settings.dead_letter_topic,
        Contract.DEAD_LETTER,
        until=lambda evs: any(e["request_id"] == "invalid-count" for e in evs),
    )

    assert len(chunks) == 1 and chunks[0]["is_final"]
    assert chunks[0]["error"]["code"] == "INVALID_ARGUMENT"
    assert chunks[0]["error"]["field"] == "count"
    assert any(e["request_id"] == "invalid-count" and e["field"] == "count" for e in letters)
