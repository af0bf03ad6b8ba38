"""Shared fixtures: one isolated stack per test session (own topics, group and bridge id).

Integration and end-to-end tests need the local Kafka and Redis that `make test` starts
(`scripts/with-services.sh`); unit tests need nothing.
"""

from __future__ import annotations

from collections.abc import AsyncIterator

import grpc
import pytest

from bridge._proto import test_data_pb2_grpc as pb_grpc
from bridge.server import RunningBridge, running_bridge
from config import Settings
from tests.stack import WorkerProcess, delete_run_topics, isolated_settings, wait_for_workers


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
    async with running_bridge(settings, port=0) as running:
        yield running


@pytest.fixture(scope="session")
async def stub(bridge: RunningBridge) -> AsyncIterator[pb_grpc.TestDataServiceStub]:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}") as channel:
        yield pb_grpc.TestDataServiceStub(channel)
