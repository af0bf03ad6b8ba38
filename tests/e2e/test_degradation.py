"""Optional services stopped for real: with Weaviate's process gone, RAG requests are answered
on another path with the reason in the metadata; with Redis's gone, `use_cache` requests are
generated without the cache; HealthCheck says `degraded` for each. A private Weaviate and
Redis are started for this, so the session's services stay up."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from contracts._proto import test_data_pb2 as pb
from embeddings import MiniLMEmbedder
from generators.knowledge.starter_set import load_starter_set
from streams.seed import seed
from testing.stack import PrivateRedis, PrivateWeaviate, isolated_settings, running_stack
from testing.weaviate import InspectableStore

pytestmark = pytest.mark.e2e


@pytest.fixture
async def private_services(tmp_path: Path) -> AsyncIterator[tuple[PrivateWeaviate, PrivateRedis]]:
    weaviate, redis = PrivateWeaviate(tmp_path / "weaviate"), PrivateRedis()
    weaviate.start()
    redis.start()
    try:
        yield weaviate, redis
    finally:
        weaviate.stop()
        redis.stop()


def defect_request(request_id: str, *, use_cache: bool = False) -> pb.GenerateRequest:
    return pb.GenerateRequest(
        request_id=request_id,
        domain="ecommerce",
        entity="user",
        count=8,
        defect_triggering=True,
        use_cache=use_cache,
        context="unicode and emoji in names",
    )


async def test_requests_survive_weaviate_then_redis_being_stopped(
    private_services: tuple[PrivateWeaviate, PrivateRedis], embedder: MiniLMEmbedder
) -> None:
    weaviate, redis = private_services
    settings = isolated_settings(
        weaviate_url=weaviate.url, weaviate_grpc_port=weaviate.grpc_port, redis_url=redis.url
    )
    store = InspectableStore.from_settings(settings.rag, embedder)
    await seed(store, load_starter_set())
    await store.aclose()
    async with running_stack(settings) as stack:
        stub = stack.stub
        healthy = await stub.HealthCheck(pb.HealthCheckRequest(), timeout=10)
        before = await stub.GenerateData(defect_request("d-before"), timeout=30)

        weaviate.stop()
        without_weaviate = await stub.GenerateData(defect_request("d-no-weaviate"), timeout=30)
        degraded = await stub.HealthCheck(pb.HealthCheckRequest(), timeout=10)

        redis.stop()
        without_redis = await stub.GenerateData(
            defect_request("d-no-redis", use_cache=True), timeout=30
        )
        worse = await stub.HealthCheck(pb.HealthCheckRequest(), timeout=10)

    assert healthy.status == "healthy"
    assert before.success and before.metadata.generation_path == "rag"
    assert any(r["_source"].startswith("defect:") for r in json.loads(before.data))

    assert without_weaviate.success and without_weaviate.record_count == 8
    assert without_weaviate.metadata.generation_path == "traditional"
    said = " ".join(
        [without_weaviate.metadata.routing_reason, *without_weaviate.metadata.fallbacks]
    )
    assert "weaviate" in said.lower()
    assert degraded.status == "degraded"
    assert degraded.components["weaviate"].startswith("down")
    assert degraded.components["redis"] == "ok"

    assert without_redis.success and without_redis.record_count == 8
    assert any(f.startswith("cache: redis") for f in without_redis.metadata.fallbacks)
    assert worse.status == "degraded"
    assert worse.components["redis"].startswith("down")
    assert worse.components["kafka"] == worse.components["worker"] == "ok"
