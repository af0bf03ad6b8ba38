"""Building and running the bridge: Kafka clients, the reply-topic pool, gRPC servicers."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import AsyncIterator
from dataclasses import dataclass

import grpc
import httpx
import redis.asyncio as aioredis
from aiokafka import AIOKafkaProducer
from grpc_health.v1 import health, health_pb2, health_pb2_grpc

from bridge.exchange import RequestExchange
from bridge.health import (
    Component,
    HealthChecker,
    kafka_probe,
    redis_probe,
    weaviate_probe,
    worker_probe,
)
from bridge.reply_pool import ReplyTopicPool
from bridge.reply_reader import ReplyReader
from bridge.service import TestDataServicer
from clients.kafka_admin import KafkaAdmin
from config import Settings
from contracts._proto import test_data_pb2_grpc as pb_grpc
from contracts.avro import AvroCodec
from contracts.topics import reply_topic_spec, service_topics

log = logging.getLogger(__name__)

SERVICE_NAME = "testdata.v1.TestDataService"


def reply_topics(settings: Settings) -> list[str]:
    return [
        f"{settings.reply_topic_prefix}{settings.bridge_id}.{i:03d}"
        for i in range(settings.reply_pool_size)
    ]


@dataclass(frozen=True, slots=True)
class RunningBridge:
    port: int
    server: grpc.aio.Server


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
    settings: Settings, *, port: int | None = None
) -> AsyncIterator[RunningBridge]:
    """Start everything the bridge needs, serve on `port` (settings' port by default; 0 picks a
    free one), and tear it all down on exit."""
    codec = AvroCodec()
    topics = reply_topics(settings)
    async with contextlib.AsyncExitStack() as stack:
        admin = await stack.enter_async_context(KafkaAdmin(settings.kafka_bootstrap_servers))
        await admin.ensure_topics(
            [*service_topics(settings), *(reply_topic_spec(settings, t) for t in topics)]
        )
        producer = AIOKafkaProducer(
            bootstrap_servers=settings.kafka_bootstrap_servers, acks="all", linger_ms=0
        )
        await producer.start()
        stack.push_async_callback(producer.stop)
        reader = ReplyReader(
            settings.kafka_bootstrap_servers,
            tuple(topics),
            codec,
            max_bytes=settings.max_message_bytes,
        )
        await reader.start()
        stack.push_async_callback(reader.stop)
        redis_client = aioredis.from_url(
            settings.redis_url, socket_connect_timeout=1.0, socket_timeout=1.0
        )
        stack.push_async_callback(redis_client.aclose)
        http = httpx.AsyncClient(timeout=1.0)
        stack.push_async_callback(http.aclose)

        checker = HealthChecker(
            [
                Component("kafka", kafka_probe(admin, settings.request_topic), required=True),
                Component("worker", worker_probe(admin, settings.worker_group), required=True),
                Component("redis", redis_probe(redis_client), required=False),
                Component("weaviate", weaviate_probe(http, settings.weaviate_url), required=False),
            ],
            cache_s=settings.health_cache_s,
        )
        exchange = RequestExchange(settings, codec, producer, ReplyTopicPool(topics), reader)
        server = grpc.aio.server()
        pb_grpc.add_TestDataServiceServicer_to_server(
            TestDataServicer(settings, exchange, checker), server
        )
        grpc_health = health.aio.HealthServicer()
        health_pb2_grpc.add_HealthServicer_to_server(grpc_health, server)
        bound = server.add_insecure_port(
            f"{settings.grpc_host}:{settings.grpc_port if port is None else port}"
        )
        await server.start()
        stack.push_async_callback(server.stop, 2.0)
        health_task = asyncio.create_task(
            _publish_grpc_health(checker, grpc_health, max(settings.health_cache_s, 1.0))
        )
        stack.callback(health_task.cancel)
        log.info("bridge %s serving on %s:%d", settings.bridge_id, settings.grpc_host, bound)
        yield RunningBridge(bound, server)
