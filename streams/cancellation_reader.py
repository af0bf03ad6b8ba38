"""Reads the cancellations topic into the worker's `Cancellations`.

Not a Faust agent: an agent's partitions are shared out across the group, and every worker must
see every cancellation (the worker that holds the request, and one that takes it over later).
One consumer with no group, assigned the topic's partitions, starting `lookback_s` back, so a
worker that starts, or restarts, learns of the cancellations of requests it may be handed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time

from aiokafka import AIOKafkaConsumer, TopicPartition
from aiokafka.errors import KafkaError

from clients.kafka_security import KafkaSecurity
from config.settings import KafkaSettings
from contracts.avro import AvroCodec, Contract
from generators.core.errors import UndecodableEvent
from streams.cancellations import Cancellations, RequestAt

log = logging.getLogger(__name__)


class CancellationReader:
    def __init__(
        self,
        kafka: KafkaSettings,
        codec: AvroCodec,
        cancellations: Cancellations,
        *,
        lookback_s: float = 900.0,
    ) -> None:
        self._topic = kafka.cancellations_topic
        self._codec = codec
        self._cancellations = cancellations
        self._lookback_s = lookback_s
        self._options = {
            "bootstrap_servers": kafka.kafka_bootstrap_servers,
            **KafkaSecurity.from_settings(kafka).client_options(),
        }

    async def run(self) -> None:
        """Read until cancelled; a broker that is away is waited for, not an error."""
        consumer = await self._started()
        try:
            while True:
                try:
                    batches = await consumer.getmany(timeout_ms=1000)
                except KafkaError:
                    log.exception("reading %s failed; retrying in 1s", self._topic)
                    await asyncio.sleep(1.0)
                    continue
                for records in batches.values():
                    for record in records:
                        self._take(record.value)
        finally:
            with contextlib.suppress(KafkaError):
                await consumer.stop()

    async def _started(self) -> AIOKafkaConsumer:
        while True:
            consumer = AIOKafkaConsumer(
                group_id=None, enable_auto_commit=False, fetch_max_wait_ms=100, **self._options
            )
            try:
                await self._start(consumer)
            except KafkaError as exc:
                await consumer.stop()
                log.warning("cannot read %s yet (%s); retrying in 2s", self._topic, exc)
                await asyncio.sleep(2.0)
            else:
                return consumer

    async def _start(self, consumer: AIOKafkaConsumer) -> None:
        await consumer.start()
        partitions = [
            TopicPartition(self._topic, p)
            for p in sorted(consumer.partitions_for_topic(self._topic) or {0})
        ]
        consumer.assign(partitions)
        since_ms = int((time.time() - self._lookback_s) * 1000)
        found = await consumer.offsets_for_times(dict.fromkeys(partitions, since_ms))
        for partition, at in found.items():
            if at is None:
                await consumer.seek_to_end(partition)
            else:
                consumer.seek(partition, at.offset)

    def _take(self, value: bytes | None) -> None:
        try:
            event = self._codec.decode(Contract.GENERATION_CANCELLED, value)
        except UndecodableEvent as exc:
            log.warning("ignored an undecodable cancellation: %s", exc)
            return
        request = RequestAt(
            event["request_id"], event["request_partition"], event["request_offset"]
        )
        self._cancellations.cancel(request, event["reason"])
