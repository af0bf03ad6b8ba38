"""A caller that talks to Kafka directly, as an agent does: request events published to the
request topic, and every record of the reply topics read back (duplicates included, which
the bridge would have dropped), as `Answer`s for invariant I."""

from __future__ import annotations

import asyncio
import time
from typing import Any

from chaos.invariant import Answer, Chunk
from config import Settings
from contracts.avro import AvroCodec, Contract
from contracts.requests import request_to_event
from generators.core.request import GenerationRequest
from testing.stack import kafka_producer, kafka_reader


async def publish(settings: Settings, requests: list[GenerationRequest]) -> dict[str, Answer]:
    """Publish every request at once; each one the brokers acknowledge is an `Answer` to fill."""
    codec = AvroCodec()
    started = time.monotonic()
    async with kafka_producer(settings) as producer:
        sent = [
            await producer.send(
                settings.request_topic,
                codec.encode(Contract.GENERATE_REQUESTED, request_to_event(r)),
                key=r.request_id.encode(),
            )
            for r in requests
        ]
        await asyncio.gather(*sent)
    return {r.request_id: Answer(r.request_id, r.count, started=started) for r in requests}


async def read_replies(
    settings: Settings, topics: list[str], answers: dict[str, Answer], *, timeout: float
) -> None:
    """Read `topics` from their start into `answers` until each has its final chunk or the
    timeout passes. Progress records (no value) are skipped, as every reader does."""
    codec = AvroCodec()
    async with kafka_reader(settings, *topics) as consumer:
        waiting = set(answers)
        deadline = time.monotonic() + timeout
        while waiting and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=200)
            for records in batches.values():
                for record in records:
                    if record.value is None:
                        continue
                    chunk = _chunk(codec.decode(Contract.DATA_CHUNK, record.value))
                    answer = answers.get(chunk.request_id)
                    if answer is None:
                        continue
                    answer.chunks.append(chunk)
                    if chunk.is_final:
                        waiting.discard(chunk.request_id)
                        answer.ended = time.monotonic()


def _chunk(event: dict[str, Any]) -> Chunk:
    error = event["error"]
    return Chunk(
        event["request_id"],
        event["chunk_index"],
        event["is_final"],
        event["record_count"],
        event["data"],
        error["code"] if error else "",
    )
