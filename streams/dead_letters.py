"""The dead-letter topic: where an event that cannot be processed goes, with the reason.

The original key and bytes travel untouched, with where they came from, so an operator can fix
and replay them; `field` names the part of the event at fault when there is one.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Sequence
from dataclasses import dataclass

from contracts.avro import AvroCodec, Contract
from observability.tracing import kafka_headers
from streams.publisher import Publisher

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class IncomingEvent:
    """A consumed Kafka message, as bytes, with where it came from (kept for the dead letter)."""

    topic: str
    partition: int
    offset: int
    key: bytes | None
    value: bytes | None
    #: Kafka headers, where a trace context travels (`observability.tracing`)
    headers: Sequence[tuple[str, bytes]] = ()


class DeadLetters:
    def __init__(self, topic: str, codec: AvroCodec, publisher: Publisher) -> None:
        self._topic = topic
        self._codec = codec
        self._publisher = publisher

    async def send(
        self, event: IncomingEvent, reason: str, *, field: str = "", request_id: str = ""
    ) -> None:
        log.warning(
            "dead-lettering %s[%d]@%d: %s", event.topic, event.partition, event.offset, reason
        )
        letter = {
            "source_topic": event.topic,
            "source_partition": event.partition,
            "source_offset": event.offset,
            "original_key": event.key,
            "original_value": event.value,
            "reason": reason,
            "field": field,
            "request_id": request_id,
            "failed_at": int(time.time() * 1000),
        }
        await self._publisher.publish(
            self._topic,
            event.key or b"",
            self._codec.encode(Contract.DEAD_LETTER, letter),
            kafka_headers(),
        )
        await self._publisher.flush()
