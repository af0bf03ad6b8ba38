"""Publishing one event from the bridge: in a `send` span whose trace context travels in the
event's Kafka headers, the producer's failure mapped to `KafkaUnavailable`."""

from __future__ import annotations

from collections.abc import Sequence

from aiokafka import AIOKafkaProducer
from aiokafka.errors import KafkaError
from aiokafka.structs import RecordMetadata
from opentelemetry.trace import SpanKind

from generators.core.errors import KafkaUnavailable
from observability.tracing import kafka_headers, messaging_attributes, tracer


async def send_event(
    producer: AIOKafkaProducer,
    topic: str,
    key: bytes,
    value: bytes,
    *,
    headers: Sequence[tuple[str, bytes]] = (),
) -> RecordMetadata:
    """Send and wait for the broker's acknowledgement (`acks` as the producer says); `headers`
    go with the trace context's."""
    with tracer.start_as_current_span(
        f"send {topic}",
        kind=SpanKind.PRODUCER,
        attributes=messaging_attributes("send", topic, key=key),
    ):
        try:
            return await producer.send_and_wait(
                topic, value, key=key, headers=[*headers, *kafka_headers()]
            )
        except KafkaError as exc:
            msg = f"Kafka is unavailable: {exc}"
            raise KafkaUnavailable(msg) from exc
