"""Shared fixtures: one isolated stack per test session (own topics, group and bridge id).

Integration and end-to-end tests need the local Kafka, Redis and Weaviate that `make test`
starts (`scripts/with-services.sh`); unit tests need nothing. The run's Weaviate collections
and Redis pool keys carry the run's id, and are deleted at the end.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest
import redis.asyncio as aioredis

from bridge.server import RunningBridge, running_bridge
from config import Settings
from contracts._proto import test_data_pb2_grpc as pb_grpc
from embeddings import MiniLMEmbedder
from generators.knowledge.starter_set import load_starter_set
from streams.seed import seed
from testing.stack import WorkerProcess, delete_run_topics, isolated_settings, wait_for_workers
from testing.weaviate import InspectableStore


@pytest.fixture(scope="session")
def settings() -> Settings:
    return isolated_settings()


@pytest.fixture(scope="session")
async def worker(settings: Settings) -> AsyncIterator[WorkerProcess]:
    process = WorkerProcess(settings)
    try:
        await wait_for_workers(settings)
        yield process
    finally:
        process.stop()
        await delete_run_topics(settings)


@pytest.fixture(scope="session")
async def bridge(settings: Settings, worker: WorkerProcess) -> AsyncIterator[RunningBridge]:
    async with running_bridge(settings, port=0, http_port=0) as running:
        yield running


@pytest.fixture(scope="session")
async def stub(bridge: RunningBridge) -> AsyncIterator[pb_grpc.TestDataServiceStub]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}") as channel:
        yield pb_grpc.TestDataServiceStub(channel)


@pytest.fixture(scope="session")
def embedder() -> MiniLMEmbedder:
    return MiniLMEmbedder.from_package()


@pytest.fixture(scope="session")
async def knowledge(
    settings: Settings, embedder: MiniLMEmbedder
) -> AsyncIterator[InspectableStore]:
    """The run's knowledge base on the local Weaviate, seeded with the starter set."""
    store = InspectableStore.from_settings(settings.rag, embedder)
    await seed(store, load_starter_set())
    try:
        yield store
    finally:
        await store.delete_collections()
        await store.aclose()


@pytest.fixture(scope="session")
async def data_pools(settings: Settings) -> AsyncIterator[None]:
    """The run's Redis data pools (under its own key prefix), deleted at the end."""
    yield
    client = aioredis.from_url(settings.redis_url)
    async for key in client.scan_iter(f"{settings.cache_key_prefix}:*"):
        await client.delete(key)
    await client.aclose()
