"""The worker's request flow, run against an in-memory publisher instead of a broker."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import orjson

from clients.openai_backend import OpenAICompatibleBackend
from config import Settings
from contracts.avro import AvroCodec, Contract
from contracts.requests import request_to_event
from generators.core.protocol import GenerationRun, Generator, RunContext
from generators.core.record import Record
from generators.core.request import GenerationRequest
from generators.core.schema import EntitySchema
from generators.output.json import merge_json_chunks
from generators.paths.llm.generator import LLMGenerator
from generators.paths.traditional.generator import PlainRun, TraditionalGenerator
from streams.dead_letters import IncomingEvent
from streams.processor import RequestProcessor
from testing.publisher import MemoryPublisher as BasePublisher

CODEC = AvroCodec()
SETTINGS = Settings(_env_file=None)  # type: ignore[call-arg]
CHUNK = 40
REPLY = "testdata.reply.unit.000"


class MemoryPublisher(BasePublisher):
    def chunks(self) -> list[dict[str, Any]]:
        return self.decoded(REPLY, Contract.DATA_CHUNK)

    def letters(self) -> list[dict[str, Any]]:
        return self.decoded(SETTINGS.dead_letter_topic, Contract.DEAD_LETTER)


class BreaksAfterTwoBatches(TraditionalGenerator):
    """The traditional path, except that its runs fail after two batches."""

    def start(
        self, request: GenerationRequest, schema: EntitySchema, context: RunContext
    ) -> GenerationRun:
        return PlainRun(self.name, self._two_batches_then_fail(context.batch_size))

    async def _two_batches_then_fail(self, batch_size: int) -> AsyncIterator[list[Record]]:
        for start in (0, batch_size):
            yield [{"_index": start + i, "_scenario": "default"} for i in range(batch_size)]
        msg = "the pattern store vanished"
        raise RuntimeError(msg)


def event(request: GenerationRequest, offset: int = 7) -> IncomingEvent:
    value = CODEC.encode(Contract.GENERATE_REQUESTED, request_to_event(request))
    return IncomingEvent(SETTINGS.request_topic, 0, offset, request.request_id.encode(), value)


async def run(
    request_or_event: GenerationRequest | IncomingEvent, generator: Generator | None = None
) -> MemoryPublisher:
    publisher = MemoryPublisher()
    path = generator or TraditionalGenerator(batch_size=CHUNK)
    processor = RequestProcessor(SETTINGS.kafka, SETTINGS.generation, CODEC, publisher, [path])
    incoming = (
        request_or_event if isinstance(request_or_event, IncomingEvent) else event(request_or_event)
    )
    await processor.handle(incoming)
    assert publisher.flushed == len(publisher.sent), "returned with unacknowledged sends"
    return publisher


async def test_a_request_is_answered_in_numbered_chunks_ending_with_metadata() -> None:
    publisher = await run(
        GenerationRequest(request_id="r1", entity="user", count=100, reply_topic=REPLY)
    )

    chunks = publisher.chunks()
    assert [c["chunk_index"] for c in chunks] == [0, 1, 2]
    assert [c["is_final"] for c in chunks] == [False, False, True]
    assert [c["record_count"] for c in chunks] == [40, 40, 20]
    records = [r for c in chunks for r in orjson.loads(c["data"])]
    assert [r["_index"] for r in records] == list(range(100))
    metadata = chunks[-1]["metadata"]
    assert metadata["record_count"] == 100
    assert metadata["scenario_counts"] == {"default": 100}
    assert metadata["generation_path"] == "traditional"
    assert all(key == b"r1" for _, key, _ in publisher.sent)


async def test_an_invalid_request_is_dead_lettered_and_gets_an_error_chunk() -> None:
    publisher = await run(
        GenerationRequest(request_id="r2", entity="spaceship", count=5, reply_topic=REPLY)
    )

    (chunk,) = publisher.chunks()
    (letter,) = publisher.letters()
    assert chunk["is_final"] and chunk["error"]["code"] == "INVALID_ARGUMENT"
    assert chunk["error"]["field"] == "entity" and "spaceship" in chunk["error"]["message"]
    assert letter["request_id"] == "r2" and letter["field"] == "entity"
    assert letter["original_key"] == b"r2" and letter["source_offset"] == 7


async def test_a_published_request_with_too_long_a_context_is_refused_naming_it() -> None:
    limit = SETTINGS.max_context_bytes
    publisher = await run(
        GenerationRequest(
            request_id="r2c", entity="user", count=5, context="ü" * limit, reply_topic=REPLY
        )
    )

    (chunk,) = publisher.chunks()
    assert chunk["error"]["code"] == "INVALID_ARGUMENT" and chunk["error"]["field"] == "context"
    assert f"limit of {limit} bytes" in chunk["error"]["message"]
    assert publisher.letters()[0]["field"] == "context"


async def test_a_forbidden_reply_topic_gets_a_dead_letter_and_nothing_else() -> None:
    publisher = await run(
        GenerationRequest(request_id="r3", entity="user", count=5, reply_topic="testdata.requests")
    )

    assert [t for t, _, _ in publisher.sent] == [SETTINGS.dead_letter_topic]
    assert publisher.letters()[0]["field"] == "reply_topic"


async def test_bytes_that_are_not_a_request_are_dead_lettered_unchanged() -> None:
    garbage = IncomingEvent(SETTINGS.request_topic, 1, 99, None, b'{"json": true}')

    publisher = await run(garbage)

    (letter,) = publisher.letters()
    assert letter["original_value"] == b'{"json": true}'
    assert "magic byte" in letter["reason"] and letter["source_partition"] == 1


async def test_a_failure_mid_stream_still_ends_the_answer_with_one_error_chunk() -> None:
    publisher = await run(
        GenerationRequest(request_id="r4", entity="user", count=100, reply_topic=REPLY),
        BreaksAfterTwoBatches(batch_size=CHUNK),
    )

    chunks = publisher.chunks()
    assert [c["chunk_index"] for c in chunks] == [0, 1]
    assert [c["is_final"] for c in chunks] == [False, True]
    assert chunks[-1]["error"]["code"] == "INTERNAL"
    assert "pattern store vanished" in chunks[-1]["error"]["message"]


async def answer(request: GenerationRequest, chunk_records: int) -> tuple[str, dict[str, Any]]:
    publisher = MemoryPublisher()
    path = TraditionalGenerator(batch_size=chunk_records)
    processor = RequestProcessor(SETTINGS.kafka, SETTINGS.generation, CODEC, publisher, [path])
    await processor.handle(event(request))
    chunks = publisher.chunks()
    return merge_json_chunks(c["data"] for c in chunks), chunks[-1]["metadata"]


async def test_the_same_seed_gives_identical_bytes_whatever_the_request_id_and_chunk_size() -> None:
    one, meta_one = await answer(
        GenerationRequest(request_id="a", entity="cart", count=300, reply_topic=REPLY, seed=42), 7
    )
    two, meta_two = await answer(
        GenerationRequest(request_id="b", entity="cart", count=300, reply_topic=REPLY, seed=42), 500
    )
    other, _ = await answer(
        GenerationRequest(request_id="a", entity="cart", count=300, reply_topic=REPLY, seed=43), 7
    )

    assert one == two
    assert meta_one["seed"] == meta_two["seed"] == 42
    assert other != one


async def test_without_a_seed_one_is_derived_from_the_request_id_and_echoed() -> None:
    request = GenerationRequest(request_id="same-id", entity="user", count=20, reply_topic=REPLY)

    first, meta = await answer(request, 5)
    again, _ = await answer(request, 20)
    replayed, _ = await answer(
        GenerationRequest(
            request_id="other-id", entity="user", count=20, reply_topic=REPLY, seed=meta["seed"]
        ),
        20,
    )

    assert first == again == replayed
    assert meta["seed"] == request.effective_seed != 0


async def test_a_path_without_a_key_is_routed_around_and_the_reason_says_why() -> None:
    unconfigured = LLMGenerator(
        [OpenAICompatibleBackend(api_key=None, base_url="http://127.0.0.1:9")],
        TraditionalGenerator(),
    )
    publisher = MemoryPublisher()
    processor = RequestProcessor(
        SETTINGS.kafka,
        SETTINGS.generation,
        CODEC,
        publisher,
        [TraditionalGenerator(), unconfigured],
    )
    request = GenerationRequest(
        request_id="r5", entity="review", count=3, context="angry reviews", reply_topic=REPLY
    )

    await processor.handle(event(request))

    metadata = publisher.chunks()[-1]["metadata"]
    assert metadata["generation_path"] == "traditional"
    assert "wanted llm" in metadata["routing_reason"]
    assert (
        "openai-compatible: no API key configured (set OPENAI_API_KEY)"
        in metadata["routing_reason"]
    )
