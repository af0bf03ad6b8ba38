"""Building and running the bridge: Kafka clients, the reply-topic pool, gRPC servicers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass
from functools import partial

import grpc
import httpx
import redis.asyncio as aioredis
from grpc_health.v1 import health, health_pb2

from bridge.exchange import RequestExchange
from bridge.grpc_server import build_grpc_server
from bridge.health import redis_probe, weaviate_probe, worker_probe
from bridge.learning_events import LearningEvents
from bridge.message_size import message_limits
from bridge.publishing import EventProducer
from bridge.reply_pool import ReplyTopicPool
from bridge.reply_reader import ReplyReader
from bridge.service import TestDataServicer
from bridge.telemetry import TelemetryInterceptor
from bridge.worker_presence import WorkerPresence
from clients.kafka_admin import KafkaAdmin
from clients.kafka_security import KafkaSecurity
from config import Settings
from config.settings import BridgeSettings, KafkaSettings
from contracts.avro import AvroCodec
from contracts.topics import reply_topic_spec, service_topics
from observability.health import Component, HealthChecker
from observability.http import bind_http, http_app, serving_http

log = logging.getLogger(__name__)

SERVICE_NAME = "testdata.v1.TestDataService"


def reply_topics(kafka: KafkaSettings, bridge: BridgeSettings) -> list[str]:
    return [
        f"{kafka.reply_topic_prefix}{bridge.bridge_id}.{i:03d}"
        for i in range(bridge.reply_pool_size)
    ]


@dataclass(frozen=True, slots=True)
class RunningBridge:
    port: int
    server: grpc.aio.Server
    http_port: int


async def _publish_grpc_health(
    checker: HealthChecker, servicer: health.aio.HealthServicer, every_s: float
) -> None:
    """Keep the standard grpc.health.v1 status in step with our own HealthCheck."""
    while True:
        report = await checker.report()
        status = (
            health_pb2.HealthCheckResponse.NOT_SERVING
            if report.status == "unhealthy"
            else health_pb2.HealthCheckResponse.SERVING
        )
        for name in ("", SERVICE_NAME):
            await servicer.set(name, status)
        await asyncio.sleep(every_s)


@contextlib.asynccontextmanager
async def running_bridge(
    settings: Settings, *, port: int | None = None, http_port: int | None = None
) -> AsyncIterator[RunningBridge]:
    """Start everything the bridge needs, serve gRPC on `port` and HTTP on `http_port` (the
    settings' ports by default; 0 picks a free one), and tear it all down on exit."""
    kafka, bridge, observability = settings.kafka, settings.bridge, settings.observability
    codec = AvroCodec()
    topics = reply_topics(kafka, bridge)
    async with contextlib.AsyncExitStack() as stack:
        admin = await stack.enter_async_context(KafkaAdmin.from_settings(kafka))
        await admin.ensure_topics(
            [*service_topics(kafka), *(reply_topic_spec(kafka, t) for t in topics)]
        )
        limits = await message_limits(
            admin,
            kafka.max_message_bytes,
            [kafka.request_topic, kafka.defects_topic, kafka.feedback_topic],
        )
        producer = EventProducer(kafka)
        await producer.start()
        stack.push_async_callback(producer.stop)
        reader = ReplyReader(
            kafka.kafka_bootstrap_servers,
            tuple(topics),
            codec,
            max_bytes=kafka.max_message_bytes,
            security=KafkaSecurity.from_settings(kafka),
        )
        await reader.start()
        stack.push_async_callback(reader.stop)
        redis_client = aioredis.from_url(
            settings.cache.redis_url, socket_connect_timeout=1.0, socket_timeout=1.0
        )
        stack.push_async_callback(redis_client.aclose)
        http = httpx.AsyncClient(timeout=1.0)
        stack.push_async_callback(http.aclose)

        checker = HealthChecker(
            [
                Component(
                    "kafka", partial(admin.topic_problem, kafka.request_topic), required=True
                ),
                Component("worker", worker_probe(admin, kafka.worker_group), required=True),
                Component("redis", redis_probe(redis_client), required=False),
                Component(
                    "weaviate", weaviate_probe(http, settings.rag.weaviate_url), required=False
                ),
            ],
            cache_s=bridge.health_cache_s,
        )
        exchange = RequestExchange(
            kafka.request_topic,
            bridge.reply_idle_timeout_s,
            codec,
            producer,
            ReplyTopicPool(topics),
            reader,
            WorkerPresence(admin, kafka.worker_group),
            restore_topic=lambda topic: admin.ensure_topics([reply_topic_spec(kafka, topic)]),
            cancellations_topic=kafka.cancellations_topic,
            max_message_bytes=limits[kafka.request_topic],
        )
        grpc_health = health.aio.HealthServicer()
        server, bound = build_grpc_server(
            bridge,
            TestDataServicer(
                settings.generation,
                exchange,
                checker,
                LearningEvents(kafka, codec, producer, limits),
            ),
            grpc_health,
            port=bridge.grpc_port if port is None else port,
            interceptors=[TelemetryInterceptor()],
        )
        await server.start()
        stack.push_async_callback(server.stop, 2.0)
        health_task = asyncio.create_task(
            _publish_grpc_health(checker, grpc_health, max(bridge.health_cache_s, 1.0))
        )
        stack.callback(health_task.cancel)
        bound_http = await stack.enter_async_context(
            serving_http(
                http_app(checker.report, metrics=observability.prometheus_enabled),
                bind_http(
                    observability.http_host,
                    bridge.http_port if http_port is None else http_port,
                    "HTTP_PORT",
                ),
            )
        )
        log.info(
            "bridge serving",
            extra={
                "bridge_id": bridge.bridge_id,
                "grpc": f"{bridge.grpc_host}:{bound}",
                "http": f"{observability.http_host}:{bound_http}",
            },
        )
        yield RunningBridge(bound, server, bound_http)
