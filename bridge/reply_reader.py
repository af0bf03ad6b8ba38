"""Reads every reply topic of the pool and hands each chunk to the request waiting for it.

One consumer, assigned (not subscribed: no group, no rebalances) to all pool topics from their
end. Chunks are routed by their Kafka key, the request id, before decoding, so chunks for
requests nobody waits for any more (a caller that gave up, a redelivered request) cost nothing.
A subscription yields chunks in index order exactly once: a redelivered request republishes the
same chunks, and duplicates of a (request_id, chunk_index) pair already seen are dropped. A
worker's progress records (`contracts.delivery`) carry no chunk: they only say when the request's
worker was last heard from.

Because each request has a reply topic to itself, a caller that reads slowly only pauses its
own partition: the bridge holds at most `max_buffered` chunks per request, never a whole stream.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Callable, Iterator
from typing import Any

from aiokafka import AIOKafkaConsumer, ConsumerRecord, TopicPartition
from aiokafka.errors import KafkaError
from opentelemetry.trace import SpanKind

from clients.kafka_security import PLAINTEXT, KafkaSecurity
from contracts.avro import AvroCodec, Contract
from contracts.delivery import is_progress
from generators.core.errors import AlreadyInFlight
from observability.tracing import context_from, messaging_attributes, tracer

log = logging.getLogger(__name__)


class Subscription:
    def __init__(
        self,
        request_id: str,
        *,
        max_buffered: int = 8,
        on_full: Callable[[], None] = lambda: None,
        on_drained: Callable[[], None] = lambda: None,
    ) -> None:
        self.request_id = request_id
        self.expected = 0
        #: `time.monotonic()` when a chunk or progress of this request last arrived (or the
        #: subscription began)
        self.last_heard = time.monotonic()
        self._early: dict[int, dict[str, Any]] = {}
        self._ready: asyncio.Queue[dict[str, Any]] = asyncio.Queue()
        self._max_buffered = max_buffered
        self._on_full = on_full
        self._on_drained = on_drained
        self._full = False

    def heard(self) -> None:
        self.last_heard = time.monotonic()

    def offer(self, chunk: dict[str, Any]) -> None:
        self.heard()
        index = chunk["chunk_index"]
        if index < self.expected or index in self._early:
            return
        self._early[index] = chunk
        while self.expected in self._early:
            self._ready.put_nowait(self._early.pop(self.expected))
            self.expected += 1
        if not self._full and self._ready.qsize() >= self._max_buffered:
            self._full = True
            self._on_full()

    async def next(self, timeout: float) -> dict[str, Any]:
        chunk = await asyncio.wait_for(self._ready.get(), timeout)
        if self._full and self._ready.qsize() <= self._max_buffered // 2:
            self._full = False
            self._on_drained()
        return chunk


class ReplyReader:
    def __init__(
        self,
        bootstrap_servers: str,
        topics: tuple[str, ...],
        codec: AvroCodec,
        *,
        max_bytes: int,
        max_buffered: int = 8,
        security: KafkaSecurity = PLAINTEXT,
    ) -> None:
        self._codec = codec
        self._partitions = [TopicPartition(t, 0) for t in topics]
        self._max_buffered = max_buffered
        self._consumer = AIOKafkaConsumer(
            bootstrap_servers=bootstrap_servers,
            group_id=None,
            enable_auto_commit=False,
            fetch_max_wait_ms=100,
            max_partition_fetch_bytes=max_bytes,
            fetch_max_bytes=max_bytes * 4,
            **security.client_options(),
        )
        self._subscriptions: dict[str, Subscription] = {}
        self._task: asyncio.Task[None] | None = None

    async def start(self) -> None:
        await self._consumer.start()
        self._consumer.assign(self._partitions)
        await self._consumer.seek_to_end(*self._partitions)
        for partition in self._partitions:
            await self._consumer.position(partition)
        self._task = asyncio.create_task(self._run(), name="reply-reader")

    async def stop(self) -> None:
        if self._task is not None:
            self._task.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._task
        await self._consumer.stop()

    def has_topic(self, topic: str) -> bool:
        """Kafka still knows `topic`: a reply topic someone deleted drops out of the reader's
        metadata within a second (its fetches fail and refresh it)."""
        return self._consumer.partitions_for_topic(topic) is not None

    def read_from_start(self, topic: str) -> None:
        """Read `topic` from offset 0: it was created again, and its old position is past the
        new end (left alone, the consumer would reset to the end and could skip a first chunk)."""
        self._consumer.seek(TopicPartition(topic, 0), 0)

    @contextlib.contextmanager
    def subscribe(self, request_id: str, topic: str) -> Iterator[Subscription]:
        """Receive `request_id`'s chunks, which arrive on `topic`, until the block exits."""
        if request_id in self._subscriptions:
            msg = f"request_id {request_id!r} is already in flight on this bridge"
            raise AlreadyInFlight(msg)
        partition = TopicPartition(topic, 0)
        subscription = Subscription(
            request_id,
            max_buffered=self._max_buffered,
            on_full=lambda: self._consumer.pause(partition),
            on_drained=lambda: self._consumer.resume(partition),
        )
        self._subscriptions[request_id] = subscription
        try:
            yield subscription
        finally:
            del self._subscriptions[request_id]
            self._consumer.resume(partition)

    async def _run(self) -> None:
        while True:
            try:
                batches = await self._consumer.getmany(timeout_ms=1000)
            except KafkaError:
                log.exception("reading the reply topics failed; retrying in 1s")
                await asyncio.sleep(1)
                continue
            for records in batches.values():
                for record in records:
                    self._dispatch(record)

    def _dispatch(self, record: ConsumerRecord[bytes, bytes]) -> None:
        """Hand a chunk to its request's subscription, in a `receive` span that continues the
        trace the worker's chunk carries (one trace: gRPC call, generation, answer)."""
        key = record.key
        subscription = self._subscriptions.get(key.decode(errors="replace")) if key else None
        if subscription is None:
            return
        if record.value is None and is_progress(record.headers):
            subscription.heard()
            return
        with tracer.start_as_current_span(
            f"receive {record.topic}",
            context=context_from(record.headers),
            kind=SpanKind.CONSUMER,
            attributes=messaging_attributes(
                "receive", record.topic, partition=record.partition, offset=record.offset, key=key
            ),
        ):
            try:
                chunk = self._codec.decode(Contract.DATA_CHUNK, record.value)
            except Exception:
                log.exception("undecodable reply chunk for %s", subscription.request_id)
                return
            subscription.offer(chunk)
