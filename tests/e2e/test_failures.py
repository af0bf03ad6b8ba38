"""What callers see when parts of the stack are missing or die."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator

import grpc
import pytest

from bridge.server import running_bridge
from config import Settings
from contracts._proto import test_data_pb2 as pb
from contracts._proto import test_data_pb2_grpc as pb_grpc
from testing.stack import Stack, WorkerProcess, isolated_settings, running_stack

pytestmark = pytest.mark.e2e


@pytest.fixture
async def own_stack() -> AsyncIterator[Stack]:
    """A worker and bridge of their own, so killing the worker harms no other test."""
    settings = isolated_settings(reply_idle_timeout_s=3.0, chunk_records=20)
    async with running_stack(settings) as stack:
        yield stack


async def test_a_worker_killed_mid_stream_gives_the_caller_an_error_not_a_hang(
    own_stack: Stack,
) -> None:
    worker, stub = own_stack.worker, own_stack.stub
    call = stub.GenerateDataStream(pb.GenerateRequest(entity="cart", count=10_000), timeout=60)
    received = 0

    with pytest.raises(grpc.aio.AioRpcError) as raised:
        async for chunk in call:
            if received == 0:
                worker.kill()
            received += 1
            assert not chunk.is_final, "the worker finished before it could be killed"

    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "no answer from a worker" in (raised.value.details() or "")
    assert received >= 1


async def test_a_group_without_workers_is_unavailable_before_the_callers_deadline(
    own_stack: Stack,
) -> None:
    worker, stub = own_stack.worker, own_stack.stub
    worker.stop()

    with pytest.raises(grpc.aio.AioRpcError) as raised:
        await stub.GenerateData(pb.GenerateRequest(entity="user", count=5), timeout=20.0)

    # The bridge's own answer, from the group's membership, not the deadline running out.
    assert raised.value.code() == grpc.StatusCode.UNAVAILABLE
    assert "no worker is left in consumer group" in (raised.value.details() or "")


async def test_health_is_degraded_without_redis_and_unhealthy_without_workers(
    settings: Settings, worker: WorkerProcess
) -> None:
    no_redis = settings.model_copy(
        update={"redis_url": "redis://127.0.0.1:1/0", "bridge_id": settings.bridge_id + "r"}
    )
    no_workers = settings.model_copy(
        update={
            "worker_group": settings.worker_group + "-empty",
            "bridge_id": settings.bridge_id + "w",
        }
    )

    async with (
        running_bridge(no_redis, port=0, http_port=0) as bridge,
        grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}") as channel,
    ):
        stub = pb_grpc.TestDataServiceStub(channel)
        degraded = await stub.HealthCheck(pb.HealthCheckRequest(), timeout=10)
        answered = await stub.GenerateData(pb.GenerateRequest(entity="user", count=3), timeout=30)
    async with (
        running_bridge(no_workers, port=0, http_port=0) as bridge,
        grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}") as channel,
    ):
        unhealthy = await pb_grpc.TestDataServiceStub(channel).HealthCheck(
            pb.HealthCheckRequest(), timeout=10
        )

    assert degraded.status == "degraded"
    assert degraded.components["redis"].startswith("down")
    assert degraded.components["kafka"] == degraded.components["worker"] == "ok"
    assert len(json.loads(answered.data)) == 3
    assert unhealthy.status == "unhealthy"
    assert unhealthy.components["worker"].startswith("down")
