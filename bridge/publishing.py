"""Publishing one event from the bridge: in a `send` span whose trace context travels in the
event's Kafka headers, acknowledged by the brokers within `KAFKA_SEND_TIMEOUT_S` or failed with
what the failure means (`clients.kafka_errors`).

aiokafka's `send` waits for the topic's metadata when it has none, then for the acknowledgement,
each for up to the producer's `request_timeout_ms` (40 s by default): with the broker stopped,
GenerateData answered UNAVAILABLE only after 40 s, although HealthCheck already knew. Here the
whole send is bounded by `kafka_send_timeout_s` (1.5 s by default, so a call fails within 2 s:
measured 2.01 s with a bound of 2.0), and the producer's `request_timeout_ms` is the same bound,
so aiokafka gives up on a record about when its caller is told it failed (its batch expires)
rather than holding it for 40 s.
"""

from __future__ import annotations

import asyncio
import math
from collections.abc import Sequence

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from aiokafka.structs import RecordMetadata
from opentelemetry.trace import SpanKind

from clients.kafka_errors import kafka_error
from clients.kafka_security import KafkaSecurity
from config.settings import KafkaSettings
from generators.core.errors import KafkaUnavailable
from observability.tracing import kafka_headers, messaging_attributes, tracer


class EventProducer:
    """The bridge's one producer: `acks=all`, no linger, records up to `max_message_bytes`,
    every send bounded by `kafka_send_timeout_s`."""

    def __init__(self, kafka: KafkaSettings) -> None:
        self.bootstrap_servers = kafka.kafka_bootstrap_servers
        self.send_timeout_s = kafka.kafka_send_timeout_s
        self.producer = AIOKafkaProducer(
            bootstrap_servers=kafka.kafka_bootstrap_servers,
            acks="all",
            linger_ms=0,
            max_request_size=kafka.max_message_bytes,
            request_timeout_ms=math.ceil(kafka.kafka_send_timeout_s * 1000),
            **KafkaSecurity.from_settings(kafka).client_options(),
        )

    async def start(self) -> None:
        try:
            await self.producer.start()
        except KafkaError as exc:
            raise kafka_error(exc, bootstrap_servers=self.bootstrap_servers) from exc

    async def stop(self) -> None:
        """Flush and close; a record Kafka cannot take is given up after the send timeout."""
        await self.producer.stop()


async def send_event(
    producer: EventProducer,
    topic: str,
    key: bytes,
    value: bytes,
    *,
    headers: Sequence[tuple[str, bytes]] = (),
) -> RecordMetadata:
    """Send and wait for the brokers' acknowledgement, at most `producer.send_timeout_s`;
    `headers` go with the trace context's. Kafka's refusal of the record's size is the caller's
    `InvalidRequest`; anything else, and no acknowledgement in time, `KafkaUnavailable`."""
    with tracer.start_as_current_span(
        f"send {topic}",
        kind=SpanKind.PRODUCER,
        attributes=messaging_attributes("send", topic, key=key),
    ):
        try:
            async with asyncio.timeout(producer.send_timeout_s):
                return await producer.producer.send_and_wait(
                    topic, value, key=key, headers=[*headers, *kafka_headers()]
                )
        except TimeoutError as exc:
            msg = (
                f"Kafka did not acknowledge the request within {producer.send_timeout_s}s "
                f"(bootstrap {producer.bootstrap_servers}): nothing answered for topic "
                f"{topic!r}; the brokers are down, unreachable or overloaded"
            )
            raise KafkaUnavailable(msg) from exc
        except KafkaError as exc:
            raise kafka_error(
                exc, bootstrap_servers=producer.bootstrap_servers, topic=topic, size=len(value)
            ) from exc
