"""Defect and feedback events from gRPC callers onto their Kafka topics.

Each event is checked as the worker's indexer will check it (`generators.knowledge.learning`:
a problem names the field) and against its topic's message size (`bridge.message_size`) before
it is sent, and is acknowledged only once the brokers have it (`acks=all` on the bridge's
producer, within its send timeout: `bridge.publishing`). The worker's indexer takes it from
there, exactly as it does with events other tools publish.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from bridge.message_size import check_message_size
from bridge.publishing import EventProducer, send_event
from config.settings import KafkaSettings
from contracts.avro import AvroCodec, Contract
from generators.knowledge.learning import defect_from_event, feedback_from_event


@dataclass(frozen=True, slots=True)
class Published:
    """Where the brokers stored an event."""

    event_id: str
    topic: str
    partition: int
    offset: int


@dataclass(frozen=True, slots=True)
class _Kind:
    contract: Contract
    id_field: str
    check: Callable[[Mapping[str, Any]], object]


_DEFECT = _Kind(Contract.DEFECT_REPORTED, "defect_id", defect_from_event)
_FEEDBACK = _Kind(Contract.FEEDBACK_SUBMITTED, "feedback_id", feedback_from_event)


class LearningEvents:
    def __init__(
        self,
        kafka: KafkaSettings,
        codec: AvroCodec,
        producer: EventProducer,
        message_limits: Mapping[str, int],
    ) -> None:
        """`message_limits`: the largest event each topic takes (`bridge.message_size`)."""
        self._kafka = kafka
        self._codec = codec
        self._producer = producer
        self._message_limits = message_limits

    async def report_defect(self, event: Mapping[str, Any]) -> Published:
        """Publish a `DefectReported` event; `InvalidLearningEvent` names a bad field."""
        return await self._publish(_DEFECT, self._kafka.defects_topic, event)

    async def submit_feedback(self, event: Mapping[str, Any]) -> Published:
        """Publish a `FeedbackSubmitted` event; `InvalidLearningEvent` names a bad field."""
        return await self._publish(_FEEDBACK, self._kafka.feedback_topic, event)

    async def _publish(self, kind: _Kind, topic: str, event: Mapping[str, Any]) -> Published:
        kind.check(event)
        value = self._codec.encode(kind.contract, event)
        limit = self._message_limits.get(topic, self._kafka.max_message_bytes)
        check_message_size(event, value, limit)
        event_id = str(event[kind.id_field])
        stored = await send_event(self._producer, topic, event_id.encode(), value)
        return Published(event_id, stored.topic, stored.partition, stored.offset)
