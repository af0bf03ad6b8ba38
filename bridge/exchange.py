"""One request's round trip through Kafka: lease a reply topic, publish the event, read chunks."""

from __future__ import annotations

import asyncio
import dataclasses
from collections.abc import AsyncGenerator
from typing import Any

from aiokafka import AIOKafkaProducer

from bridge.message_size import check_message_size
from bridge.publishing import send_event
from bridge.reply_pool import ReplyTopicPool
from bridge.reply_reader import ReplyReader
from contracts.avro import AvroCodec, Contract
from contracts.requests import request_to_event
from generators.core.errors import DeadlineExceeded, NoAnswer
from generators.core.request import GenerationRequest

#: The bridge gives up this long before the caller's deadline, so the caller gets its status
#: and a message saying why rather than a bare deadline expiry.
DEADLINE_MARGIN_S = 0.25


class RequestExchange:
    def __init__(
        self,
        request_topic: str,
        idle_timeout_s: float,
        codec: AvroCodec,
        producer: AIOKafkaProducer,
        pool: ReplyTopicPool,
        reader: ReplyReader,
        *,
        max_message_bytes: int,
    ) -> None:
        self._request_topic = request_topic
        self._idle_timeout_s = idle_timeout_s
        self._codec = codec
        self._producer = producer
        self._pool = pool
        self._reader = reader
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

        `deadline` is in `loop.time()` terms (None: the caller set none). Waits at most the idle
        timeout between chunks, and never past the deadline, so a dead worker is an error.
        """
        loop = asyncio.get_running_loop()
        idle = self._idle_timeout_s

        def wait_budget() -> tuple[float, bool]:
            if deadline is None:
                return idle, False
            remaining = deadline - loop.time() - DEADLINE_MARGIN_S
            return (remaining, True) if remaining < idle else (idle, False)

        self._encode(request, self._longest_topic)  # too big: refused before taking a topic
        topic = await self._pool.lease(max(wait_budget()[0], 0.0))
        try:
            with self._reader.subscribe(request.request_id, topic) as subscription:
                value = self._encode(request, topic)
                await send_event(
                    self._producer, self._request_topic, request.request_id.encode(), value
                )
                while True:
                    budget, by_deadline = wait_budget()
                    try:
                        chunk = await subscription.next(max(budget, 0.0))
                    except TimeoutError as exc:
                        received = subscription.expected
                        why = "before the deadline" if by_deadline else f"for {idle:.1f}s"
                        msg = f"no answer from a worker {why} (after {received} chunks)"
                        if by_deadline:
                            raise DeadlineExceeded(msg) from exc
                        raise NoAnswer(msg) from exc
                    yield chunk
                    if chunk["is_final"]:
                        return
        finally:
            await self._pool.release(topic)
