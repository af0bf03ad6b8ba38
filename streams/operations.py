"""The worker's HTTP side (`/healthz`, `/readyz`, `/metrics`) and its consumer lag, on Faust's
own event loop.

Ready means a request event published now would be handled: Kafka answers, and this worker has
joined its consumer group and holds its assignment (not in the middle of a rebalance). Redis
and Weaviate down only degrade it. Lag, per partition this worker consumes, is the log end
(the highwater mark the consumer last fetched) minus the next offset to handle, refreshed
every few seconds, so a stuck agent shows as growing lag even while no event completes.
"""

from __future__ import annotations

import asyncio
import socket
from functools import partial
from typing import Any, cast

import faust
from faust.types import TP

from clients.kafka_admin import KafkaAdmin
from config.settings import KafkaSettings, ObservabilitySettings
from observability.health import Component, HealthChecker, Probe
from observability.http import http_app, serving_http
from observability.worker_metrics import CONSUMER_LAG

#: How often the lag gauges are refreshed, in seconds.
LAG_EVERY_S = 5.0


class ConsumerProgress:
    """The next offset to handle in each partition, as the agents finish events; the
    partition's lag is shown at once (and refreshed for every partition every few seconds)."""

    def __init__(self, app: faust.App) -> None:
        self._app = app
        self.next_offsets: dict[tuple[str, int], int] = {}
        #: The partitions whose lag is on show (removed when they are assigned elsewhere)
        self.shown: set[TP] = set()

    def done(self, topic: str, partition: int, offset: int) -> None:
        self.next_offsets[(topic, partition)] = offset + 1
        tp = TP(topic, partition)
        highwater = self._app.consumer.highwater(tp)
        if highwater is not None:
            CONSUMER_LAG.labels(topic, str(partition)).set(max(highwater - offset - 1, 0))
            self.shown.add(tp)


def _consumer_probe(app: faust.App, assigned: asyncio.Event) -> Probe:
    async def probe() -> str | None:
        if not assigned.is_set():
            return "not yet assigned partitions in the consumer group"
        if app.rebalancing:
            return "the consumer group is rebalancing"
        return None

    return probe


async def _refresh_lag(app: faust.App, progress: ConsumerProgress) -> None:
    shown = progress.shown
    consumer = app.consumer
    assignment = consumer.assignment()
    for tp in shown - assignment:
        CONSUMER_LAG.remove(tp.topic, str(tp.partition))
    shown.intersection_update(assignment)
    for tp in assignment:
        highwater = consumer.highwater(tp)
        if highwater is None:
            continue
        position = progress.next_offsets.get((tp.topic, tp.partition))
        if position is None:
            position = await consumer.position(tp)
        if position is None:
            continue
        CONSUMER_LAG.labels(tp.topic, str(tp.partition)).set(max(highwater - position, 0))
        shown.add(tp)


def add_operations(
    app: faust.App,
    kafka: KafkaSettings,
    observability: ObservabilitySettings,
    http_socket: socket.socket,
    progress: ConsumerProgress,
) -> None:
    """Serve the HTTP side on `http_socket` and keep the lag gauges while the worker runs."""
    assigned = asyncio.Event()

    async def on_assigned(_app: Any, *_args: Any, **_kwargs: Any) -> None:
        assigned.set()

    # mode's stubs type receivers as returning None or Awaitable[None] with a `signal`
    # keyword; an async receiver taking **kwargs is what it calls at runtime.
    app.on_partitions_assigned.connect(cast(Any, on_assigned))

    async def serve_http() -> None:
        admin = KafkaAdmin.from_settings(kafka)  # made on the running loop, as aiokafka needs
        checker = HealthChecker(
            [
                Component(
                    "kafka", partial(admin.topic_problem, kafka.request_topic), required=True
                ),
                Component("consumer", _consumer_probe(app, assigned), required=True),
            ],
            cache_s=1.0,
        )
        async with (
            admin,
            serving_http(
                http_app(checker.report, metrics=observability.prometheus_enabled), http_socket
            ),
        ):
            await asyncio.Event().wait()

    async def keep_lag() -> None:
        while True:
            await asyncio.sleep(LAG_EVERY_S)
            await _refresh_lag(app, progress)

    app.task(serve_http)
    app.task(keep_lag)
