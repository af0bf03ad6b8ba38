"""One request's round trip through Kafka: lease a reply topic, publish the event, read chunks."""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import logging
import time
from collections.abc import AsyncGenerator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

from aiokafka.structs import RecordMetadata

from bridge.message_size import check_message_size
from bridge.publishing import EventProducer, send_event
from bridge.reply_pool import ReplyTopicPool
from bridge.reply_reader import ReplyReader, Subscription
from bridge.worker_presence import WorkerPresence
from contracts.avro import AvroCodec, Contract
from contracts.delivery import deadline_header
from contracts.requests import request_to_event
from generators.core.errors import AgentError, DeadlineExceeded, NoAnswer
from generators.core.request import GenerationRequest

#: The bridge gives up this long before the caller's deadline, so the caller gets its status
#: and a message saying why rather than a bare deadline expiry.
DEADLINE_MARGIN_S = 0.25
#: A waiting call looks at its deadline, its worker's silence and the group this often.
CHECK_EVERY_S = 1.0

log = logging.getLogger(__name__)


class RequestExchange:
    def __init__(
        self,
        request_topic: str,
        idle_timeout_s: float,
        codec: AvroCodec,
        producer: EventProducer,
        pool: ReplyTopicPool,
        reader: ReplyReader,
        presence: WorkerPresence,
        *,
        restore_topic: Callable[[str], Awaitable[object]],
        cancellations_topic: str,
        max_message_bytes: int,
    ) -> None:
        self._request_topic = request_topic
        self._idle_timeout_s = idle_timeout_s
        self._codec = codec
        self._producer = producer
        self._pool = pool
        self._reader = reader
        self._presence = presence
        self._restore_topic = restore_topic
        self._cancellations_topic = cancellations_topic
        self._background: set[asyncio.Task[Any]] = set()
        self._max_message_bytes = max_message_bytes
        # Every request is checked with the longest reply topic name, so it fits with any.
        self._longest_topic = max(pool.topics, key=len)

    def _encode(self, request: GenerationRequest, reply_topic: str) -> bytes:
        """The request's event as it goes to Kafka; `InvalidRequest` (naming the largest field)
        when it is larger than one Kafka message may be."""
        event = request_to_event(dataclasses.replace(request, reply_topic=reply_topic))
        value = self._codec.encode(Contract.GENERATE_REQUESTED, event)
        check_message_size(event, value, self._max_message_bytes)
        return value

    async def chunks(
        self, request: GenerationRequest, deadline: float | None
    ) -> AsyncGenerator[dict[str, Any], None]:
        """Yield the request's chunks in order, ending with the final one.

        `deadline` is in `loop.time()` terms (None: the caller set none); it travels with the
        request (`contracts.delivery`), so the worker stops when nobody waits any more. A caller
        waits while its worker is heard from (chunks, progress) and a worker is in the group; it
        gets UNAVAILABLE when the group is left empty or nothing is heard for the idle timeout,
        DEADLINE_EXCEEDED just before its deadline. A call that ends without the final chunk
        (cancelled, given up) publishes a cancellation, so no worker goes on generating for it.
        """
        loop = asyncio.get_running_loop()
        self._encode(request, self._longest_topic)  # too big: refused before taking a topic
        lease_budget = self._idle_timeout_s
        if deadline is not None:
            lease_budget = min(lease_budget, deadline - loop.time() - DEADLINE_MARGIN_S)
        topic = await self._pool.lease(max(lease_budget, 0.0))
        sent: RecordMetadata | None = None
        finished = False
        why = "the caller cancelled the call"
        try:
            with self._reader.subscribe(request.request_id, topic) as subscription:
                value = self._encode(request, topic)
                headers = []
                if deadline is not None:
                    headers.append(deadline_header(time.time() + deadline - loop.time()))
                key = request.request_id.encode()
                sent = await send_event(
                    self._producer, self._request_topic, key, value, headers=headers
                )
                subscription.heard()
                while True:
                    try:
                        chunk = await self._next(subscription, topic, deadline)
                    except AgentError as exc:
                        why = f"the bridge stopped waiting: {exc}"
                        raise
                    yield chunk
                    if chunk["is_final"]:
                        finished = True
                        return
        finally:
            if sent is not None and not finished:
                self._publish_cancellation(request.request_id, sent, why)
            if not self._reader.has_topic(topic):
                await self._restored(topic)
            await self._pool.release(topic)

    async def _next(
        self, subscription: Subscription, topic: str, deadline: float | None
    ) -> dict[str, Any]:
        """The next chunk; waits in slices of `CHECK_EVERY_S`, checking between them the
        deadline, how long the worker has been silent, whether the reply `topic` still exists
        and whether the group has a worker."""
        loop = asyncio.get_running_loop()
        while True:
            wait = CHECK_EVERY_S
            if deadline is not None:
                left = deadline - loop.time() - DEADLINE_MARGIN_S
                if left <= 0:
                    msg = f"no answer from a worker before the deadline ({_progress(subscription)})"
                    raise DeadlineExceeded(msg)
                wait = min(wait, left)
            with contextlib.suppress(TimeoutError):
                return await subscription.next(wait)
            silent = time.monotonic() - subscription.last_heard
            if silent >= self._idle_timeout_s:
                msg = f"no answer from a worker for {silent:.1f}s ({_progress(subscription)})"
                raise NoAnswer(msg)
            if deadline is not None and deadline - loop.time() <= DEADLINE_MARGIN_S:
                continue
            if not self._reader.has_topic(topic):
                msg = (
                    f"the reply topic {topic!r} was deleted while the answer was on its way "
                    f"({_progress(subscription)}): the request is cancelled; send it again"
                )
                raise NoAnswer(msg)
            if await self._presence.members() == 0:
                msg = (
                    f"no worker is left in consumer group {self._presence.group_id!r} "
                    f"({_progress(subscription)}): the request is cancelled; send it again "
                    "once a worker is up"
                )
                raise NoAnswer(msg)

    async def _restored(self, topic: str) -> None:
        """A reply topic someone deleted, created again before it is leased again: a worker
        still writing to it (it waits for the topic to exist) is freed, and the next request
        on it is answered. Kafka down now: the next call on the topic finds it missing again."""
        try:
            await self._restore_topic(topic)
        except AgentError as exc:
            log.warning("the deleted reply topic %s is not created again yet: %s", topic, exc)
        else:
            self._reader.read_from_start(topic)
            log.warning("the reply topic %s was deleted: created again", topic)

    def _publish_cancellation(self, request_id: str, sent: RecordMetadata, reason: str) -> None:
        """Tell the workers, in the background: the caller is not kept waiting for it."""
        event = {
            "request_id": request_id,
            "request_partition": sent.partition,
            "request_offset": sent.offset,
            "reason": reason,
            "cancelled_at": datetime.now(UTC),
        }
        value = self._codec.encode(Contract.GENERATION_CANCELLED, event)
        task = asyncio.create_task(
            send_event(self._producer, self._cancellations_topic, request_id.encode(), value)
        )
        self._background.add(task)
        task.add_done_callback(self._sent_cancellation)

    def _sent_cancellation(self, task: asyncio.Task[Any]) -> None:
        self._background.discard(task)
        if not task.cancelled() and task.exception() is not None:
            log.warning("a cancellation was not published: %s", task.exception())


def _progress(subscription: Subscription) -> str:
    return f"after {subscription.expected} chunks"
