"""An event must fit in one Kafka message: the producer refuses a record larger than
`max_message_bytes`, and the broker one larger than the topic's `max.message.bytes`, which may be
smaller (a topic created before, or by someone else, keeps its own). At start the bridge reads
each topic's limit from the broker (`message_limits`); it checks every encoded event against the
smaller of the two before it leases or sends anything, and blames the field that makes it big.
Pure, but for `message_limits`."""

from __future__ import annotations

import json
import logging
from collections.abc import Mapping
from typing import Any

from clients.kafka_admin import KafkaAdmin
from generators.core.errors import InvalidRequest, Problem

log = logging.getLogger(__name__)


async def message_limits(
    admin: KafkaAdmin, max_message_bytes: int, topics: list[str]
) -> dict[str, int]:
    """Per topic, the largest event it takes: `max_message_bytes`, or the broker's limit for the
    topic when that is smaller (which is logged: an operator may want to raise it)."""
    brokers = await admin.max_message_bytes(topics)
    limits = {}
    for topic in topics:
        broker = brokers.get(topic, max_message_bytes)
        if broker < max_message_bytes:
            log.warning(
                "topic %s takes messages up to %d bytes on the broker (max.message.bytes), less "
                "than MAX_MESSAGE_BYTES=%d: events for it are checked against %d bytes",
                topic,
                broker,
                max_message_bytes,
                broker,
            )
        limits[topic] = min(broker, max_message_bytes)
    return limits


def field_size(value: Any) -> int:
    """Roughly how many bytes `value` takes in an event (UTF-8 text, JSON for the rest)."""
    if isinstance(value, str):
        return len(value.encode("utf-8", errors="surrogatepass"))
    if isinstance(value, bytes):
        return len(value)
    return len(json.dumps(value, default=str, ensure_ascii=False).encode("utf-8", "surrogatepass"))


def check_message_size(event: Mapping[str, Any], encoded: bytes, limit: int) -> None:
    """Raise `InvalidRequest` naming the largest field of `event` when `encoded` (the event as
    it goes to Kafka) is larger than `limit` bytes (the topic's, from `message_limits`)."""
    if len(encoded) <= limit:
        return
    sizes = {name: field_size(value) for name, value in event.items() if value is not None}
    largest = max(sizes, key=lambda name: sizes[name]) if sizes else "request"
    message = (
        f"is {sizes.get(largest, 0)} bytes and makes the request {len(encoded)} bytes, more than "
        f"the limit of {limit} bytes for one Kafka message (max_message_bytes, or the topic's "
        "max.message.bytes on the broker when smaller)"
    )
    raise InvalidRequest([Problem(largest, message)])
