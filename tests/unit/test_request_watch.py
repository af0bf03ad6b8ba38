"""A request's generation while its caller waits: progress while it runs, stopped when the caller
cancels or its deadline passes, and redelivered (nothing published) when the worker stops."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from typing import Any

import pytest

from config import Settings
from contracts.avro import AvroCodec, Contract
from contracts.delivery import deadline_header
from contracts.requests import request_to_event
from generators.core.errors import Cancelled, DeadlineExceeded
from generators.core.protocol import GenerationRun, RunContext
from generators.core.record import Record
from generators.core.request import GenerationRequest
from generators.core.schema import EntitySchema
from generators.paths.traditional.generator import PlainRun, TraditionalGenerator
from streams.cancellations import Cancellations, RequestAt
from streams.dead_letters import IncomingEvent
from streams.processor import RequestProcessor
from streams.request_watch import run_watched
from testing.publisher import MemoryPublisher

CODEC = AvroCodec()
SETTINGS = Settings(_env_file=None, progress_interval_s=0.05)  # type: ignore[call-arg]
REPLY = "testdata.reply.unit.000"


class Slow(TraditionalGenerator):
    """The traditional path, taking `pause_s` before each of its batches of 5 (a slow model)."""

    def __init__(self, pause_s: float, batches: int = 2) -> None:
        super().__init__(batch_size=5)
        self.pause_s = pause_s
        self.batches = batches
        self.batches_started = 0

    def start(
        self, request: GenerationRequest, schema: EntitySchema, context: RunContext
    ) -> GenerationRun:
        return PlainRun(self.name, self._slow_batches())

    async def _slow_batches(self) -> AsyncIterator[list[Record]]:
        for start in range(0, 5 * self.batches, 5):
            self.batches_started += 1
            await asyncio.sleep(self.pause_s)
            yield [{"_index": start + i, "_scenario": "default"} for i in range(5)]


def incoming(request_id: str, *, deadline_in_s: float | None = None) -> IncomingEvent:
    request = GenerationRequest(request_id, entity="user", count=10, reply_topic=REPLY)
    value = CODEC.encode(Contract.GENERATE_REQUESTED, request_to_event(request))
    headers = [] if deadline_in_s is None else [deadline_header(time.time() + deadline_in_s)]
    return IncomingEvent(SETTINGS.request_topic, 0, 1, request_id.encode(), value, headers)


def processor(
    publisher: MemoryPublisher, path: Slow, cancellations: Cancellations
) -> RequestProcessor:
    return RequestProcessor(
        SETTINGS.kafka, SETTINGS.generation, CODEC, publisher, [path], None, cancellations
    )


def chunks(publisher: MemoryPublisher) -> list[dict[str, Any]]:
    return publisher.decoded(REPLY, Contract.DATA_CHUNK)


async def test_a_slow_generation_shows_progress_outside_the_chunk_numbering() -> None:
    publisher = MemoryPublisher()
    await processor(publisher, Slow(0.2), Cancellations()).handle(incoming("slow"))

    answer = chunks(publisher)
    assert [c["chunk_index"] for c in answer] == [0, 1]
    assert answer[-1]["is_final"] and answer[-1]["error"] is None
    progress = publisher.progress(REPLY)
    assert len(progress) >= 4, "a worker busy for 0.4 s said nothing every 0.05 s"
    assert progress[0] == 0 and max(progress) <= 5, progress


async def test_a_cancelled_request_stops_generating_and_ends_with_one_cancelled_chunk() -> None:
    publisher = MemoryPublisher()
    cancellations = Cancellations()
    path = Slow(0.3, batches=4)
    handling = asyncio.create_task(
        processor(publisher, path, cancellations).handle(incoming("gone"))
    )
    await asyncio.sleep(0.1)
    cancellations.cancel(RequestAt("gone", 0, 1), "the caller cancelled the call")
    await asyncio.wait_for(handling, 1.0)

    (final,) = chunks(publisher)
    assert final["is_final"] and final["chunk_index"] == 0
    assert final["error"]["code"] == "CANCELLED"
    assert "the caller cancelled the call" in final["error"]["message"]
    await asyncio.sleep(0.4)
    assert path.batches_started == 1, "generation went on for a caller who had gone"


async def test_a_request_cancelled_before_it_starts_is_not_generated() -> None:
    publisher = MemoryPublisher()
    cancellations = Cancellations()
    cancellations.cancel(RequestAt("early", 0, 1), "the bridge stopped waiting")
    path = Slow(0.0)
    await processor(publisher, path, cancellations).handle(incoming("early"))

    (final,) = chunks(publisher)
    assert final["error"]["code"] == "CANCELLED"
    assert path.batches_started == 0


async def test_the_callers_deadline_stops_generation_with_deadline_exceeded() -> None:
    publisher = MemoryPublisher()
    path = Slow(0.3, batches=4)
    await processor(publisher, path, Cancellations()).handle(incoming("late", deadline_in_s=0.4))

    (final,) = chunks(publisher)  # the batch held back for the final chunk is never sent
    assert final["chunk_index"] == 0
    assert final["error"]["code"] == "DEADLINE_EXCEEDED"
    await asyncio.sleep(0.4)
    assert path.batches_started == 2, "generation went on past the deadline"


async def test_a_deadline_already_past_is_answered_without_generating() -> None:
    publisher = MemoryPublisher()
    path = Slow(0.0)
    await processor(publisher, path, Cancellations()).handle(incoming("stale", deadline_in_s=-1.0))

    (final,) = chunks(publisher)
    assert final["error"]["code"] == "DEADLINE_EXCEEDED"
    assert "before generation began" in final["error"]["message"]
    assert path.batches_started == 0


async def test_a_stopping_worker_publishes_nothing_more_so_the_request_is_redelivered() -> None:
    publisher = MemoryPublisher()
    path = Slow(0.3, batches=4)
    handling = asyncio.create_task(
        processor(publisher, path, Cancellations()).handle(incoming("moving"))
    )
    await asyncio.sleep(0.1)
    handling.cancel()
    with pytest.raises(asyncio.CancelledError):
        await handling

    assert chunks(publisher) == [], "a final chunk would end the request for its next worker"
    await asyncio.sleep(0.4)
    assert path.batches_started == 1


async def test_run_watched_returns_the_works_result_and_raises_its_failure() -> None:
    async def work() -> int:
        await asyncio.sleep(0.01)
        return 42

    async def broken() -> int:
        msg = "no"
        raise ValueError(msg)

    async def progress() -> None:
        return None

    options: dict[str, Any] = {
        "request": RequestAt("r", 0, 1),
        "cancellations": Cancellations(),
        "deadline_epoch_s": None,
        "progress": progress,
        "interval_s": 1.0,
    }
    assert await run_watched(work, **options) == 42
    with pytest.raises(ValueError, match="no"):
        await run_watched(broken, **options)
    with pytest.raises(DeadlineExceeded):
        await run_watched(work, **{**options, "deadline_epoch_s": time.time() - 1})
    cancelled = Cancellations()
    cancelled.cancel(RequestAt("r", 0, 1), "bye")
    with pytest.raises(Cancelled, match="bye"):
        await run_watched(work, **{**options, "cancellations": cancelled})


def test_cancellations_remember_a_bounded_number_of_requests() -> None:
    cancellations = Cancellations(remember=2)
    for request_id in ("a", "b", "c"):
        cancellations.cancel(RequestAt(request_id, 0, 1), f"{request_id} left")
    assert cancellations.reason(RequestAt("a", 0, 1)) is None
    assert cancellations.reason(RequestAt("c", 0, 1)) == "c left"


def test_the_same_request_id_sent_again_is_a_new_request() -> None:
    cancellations = Cancellations()
    cancellations.cancel(RequestAt("req-001", 2, 40), "the caller cancelled the call")
    assert cancellations.reason(RequestAt("req-001", 2, 41)) is None
