"""The Faust app, built by a factory from settings: nothing is bound at import time.

Three thin agents: requests are generated and answered; defects and feedback are written to
the knowledge base. Each agent has its own publisher, so one agent's flush never waits on
another's messages, and each topic its own consumer position, so a knowledge base that is down
holds up learning but not requests.
"""

from __future__ import annotations

import logging
import socket
from collections.abc import AsyncIterator, Awaitable, Callable, Mapping
from typing import Any, cast

import faust

from clients.kafka_security import KafkaSecurity
from clients.redis_pool import RedisDataPoolStore
from config import Settings
from contracts.avro import AvroCodec
from generators.cache.data_pool import PoolPolicy
from generators.entities.lookup import load_behaviours
from streams.cache import DataPoolCache
from streams.cancellation_reader import CancellationReader
from streams.cancellations import Cancellations
from streams.dead_letters import DeadLetters, IncomingEvent
from streams.faust_publisher import FaustPublisher
from streams.indexer import LearningIndexer
from streams.kafka_credentials import broker_credentials
from streams.operations import ConsumerProgress, add_operations
from streams.processor import RequestProcessor
from streams.wiring import build_paths, knowledge_store, llm_backends

log = logging.getLogger(__name__)


def create_app(settings: Settings, http_socket: socket.socket | None = None) -> faust.App:
    """The worker: its clients and paths from their settings groups, and its three agents;
    with `http_socket`, its HTTP side (health, metrics) served there."""
    load_behaviours()  # an entity registered without its behaviour fails here, not mid-request
    kafka, cache_settings = settings.kafka, settings.cache
    app = faust.App(
        kafka.worker_group,
        broker=f"kafka://{kafka.kafka_bootstrap_servers}",
        broker_credentials=broker_credentials(KafkaSecurity.from_settings(kafka)),
        key_serializer="raw",
        value_serializer="raw",
        web_enabled=False,
        datadir=str(kafka.worker_data_dir),
        topic_disable_leader=True,
        topic_allow_declare=False,
        consumer_auto_offset_reset="earliest",
        # A worker killed without leaving the group holds its partitions until its session
        # times out: then they, and its unfinished requests, go to another worker.
        broker_session_timeout=kafka.worker_session_timeout_s,
        broker_heartbeat_interval=kafka.worker_session_timeout_s / 4,
        producer_acks=-1,
        producer_linger=0.0,
        producer_max_request_size=kafka.max_message_bytes,
        # A request up to `max_message_bytes` reaches the worker whole (Faust's default: 1 MiB)
        consumer_max_fetch_size=kafka.max_message_bytes,
        loghandlers=[],
    )
    codec = AvroCodec()
    store = knowledge_store(settings.rag)
    pools = RedisDataPoolStore.from_url(cache_settings.redis_url)
    backends = llm_backends(settings.llm)
    cache = DataPoolCache(
        pools,
        PoolPolicy(
            ttl_s=cache_settings.cache_ttl_seconds, max_records=cache_settings.cache_pool_records
        ),
        prefix=cache_settings.cache_key_prefix,
    )
    cancellations = Cancellations()
    processor = RequestProcessor(
        kafka,
        settings.generation,
        codec,
        FaustPublisher(app),
        build_paths(
            settings.generation, settings.llm, settings.rag, store=store, backends=backends
        ),
        cache,
        cancellations,
    )
    app.task(CancellationReader(kafka, codec, cancellations).run)
    indexer = LearningIndexer(
        codec, DeadLetters(kafka.dead_letter_topic, codec, FaustPublisher(app)), store
    )
    progress = ConsumerProgress(app)
    _agent(app, kafka.request_topic, "generate", processor.handle, progress)
    _agent(app, kafka.defects_topic, "index-defects", indexer.handle_defect, progress)
    _agent(app, kafka.feedback_topic, "index-feedback", indexer.handle_feedback, progress)
    if http_socket is not None:
        add_operations(app, kafka, settings.observability, http_socket, progress)

    async def close_clients(_app: Any, *_args: Any, **_kwargs: Any) -> None:
        """Once the consumer has stopped: close the edge clients' connections."""
        await store.aclose()
        await pools.aclose()
        for backend in backends:
            await backend.close()
        log.info("closed the Weaviate, Redis and LLM clients")

    # mode's stubs type receivers as returning None or Awaitable[None] with a `signal`
    # keyword; an async receiver taking **kwargs is what it calls at runtime.
    app.on_before_shutdown.connect(cast(Any, close_clients))

    return app


def _agent(
    app: faust.App,
    topic: str,
    name: str,
    handle: Callable[[IncomingEvent], Awaitable[None]],
    progress: ConsumerProgress,
) -> None:
    """One agent per topic, concurrency 1 (faust #606): it hands each raw event to `handle`."""
    source = app.topic(topic, key_serializer="raw", value_serializer="raw")

    async def consume(stream: faust.StreamT[bytes]) -> AsyncIterator[None]:
        async for event in stream.events():
            message = event.message
            await handle(
                IncomingEvent(
                    message.topic,
                    message.partition,
                    message.offset,
                    message.key,
                    message.value,
                    _headers(message.headers),
                )
            )
            progress.done(message.topic, message.partition, message.offset)
            yield None

    app.agent(source, name=name)(consume)


def _headers(headers: Any) -> list[tuple[str, bytes]]:
    """Faust gives a message's headers as a list of pairs or a mapping; the flows take pairs."""
    if not headers:
        return []
    items = headers.items() if isinstance(headers, Mapping) else headers
    return [(str(name), bytes(value)) for name, value in items]
