"""The stack a scenario breaks: worker processes and a bridge process, as deployed, on topics,
a consumer group and a bridge id of the scenario's own (so a fault harms no other run)."""

from __future__ import annotations

import contextlib
import signal
import time
from collections.abc import AsyncIterator
from typing import Any

import grpc

from config import Settings
from contracts._proto import test_data_pb2_grpc as pb_grpc
from embeddings import MiniLMEmbedder
from embeddings.lazy import LazyEmbedder
from testing.stack import (
    BridgeProcess,
    WorkerProcess,
    delete_run_topics,
    free_port,
    isolated_settings,
    wait_for_workers,
)
from testing.weaviate import InspectableStore


def chaos_settings(**overrides: Any) -> Settings:
    """A run's own settings with what the suite measures left at the service's defaults (the
    bridge's 30 s idle timeout, the worker's session timeout), no rate limit (the loads are the
    suite's own) and a free gRPC port for the bridge process."""
    values: dict[str, Any] = {
        "rate_limit_per_s": 0.0,
        "reply_idle_timeout_s": 30.0,
        "reply_pool_size": 8,
        "grpc_port": free_port(),
    }
    values.update(overrides)
    return isolated_settings(**values)


class ChaosStack:
    """Workers and a bridge for one scenario; each may be killed and started again."""

    def __init__(self, settings: Settings) -> None:
        self.settings = settings
        self.workers: list[WorkerProcess] = []
        self.bridge: BridgeProcess | None = None
        self._channel: grpc.aio.Channel | None = None
        self.stub: pb_grpc.TestDataServiceStub | None = None

    async def add_workers(self, count: int = 1, *, timeout: float = 90.0) -> list[WorkerProcess]:
        """`count` more worker processes, once the group holds all the live ones."""
        started = [WorkerProcess(self.settings) for _ in range(count)]
        self.workers.extend(started)
        live = sum(w.process.poll() is None for w in self.workers)
        await wait_for_workers(self.settings, live, timeout)
        return started

    async def start_bridge(self, *, timeout: float = 90.0) -> pb_grpc.TestDataServiceStub:
        """A bridge process, ready (`/readyz` 200), and a client of it."""
        await self.close_channel()
        self.bridge = BridgeProcess(self.settings)
        await self.bridge.wait_ready(timeout)
        self._channel = grpc.aio.insecure_channel(f"127.0.0.1:{self.settings.grpc_port}")
        self.stub = pb_grpc.TestDataServiceStub(self._channel)
        return self.stub

    def client(self) -> pb_grpc.TestDataServiceStub:
        if self.stub is None:
            msg = "the stack has no bridge: start_bridge first"
            raise RuntimeError(msg)
        return self.stub

    def serving(self, request_id: str) -> WorkerProcess | None:
        """The live worker that took `request_id` (its log names every request it receives)."""
        for worker in self.workers:
            if worker.process.poll() is None and request_id in worker.log_path.read_text(
                errors="replace"
            ):
                return worker
        return None

    def kill_bridge(self) -> None:
        """SIGKILL the bridge process, as a crash would."""
        if self.bridge is not None and self.bridge.process.poll() is None:
            self.bridge.process.send_signal(signal.SIGKILL)
            self.bridge.process.wait(10)

    async def close_channel(self) -> None:
        if self._channel is not None:
            await self._channel.close()
            self._channel, self.stub = None, None

    async def close(self) -> None:
        await self.close_channel()
        processes = [*self.workers, *([self.bridge] if self.bridge else [])]
        for process in processes:
            process.stop()
        with contextlib.suppress(Exception):  # a broker a scenario left down: nothing to delete
            await delete_run_topics(self.settings)
        await _delete_collections(self.settings)


@contextlib.asynccontextmanager
async def running(settings: Settings, *, workers: int = 1) -> AsyncIterator[ChaosStack]:
    """`workers` worker processes in one group and a bridge process in front of them; all
    stopped, and the run's topics and collections deleted, on the way out."""
    stack = ChaosStack(settings)
    try:
        await stack.add_workers(workers)
        await stack.start_bridge()
        yield stack
    finally:
        await stack.close()


async def _delete_collections(settings: Settings) -> None:
    """The run's knowledge-base collections, which a worker creates when it first connects to
    Weaviate; a Weaviate that is down (a scenario stopped it) has nothing to delete."""
    store = InspectableStore.from_settings(settings.rag, LazyEmbedder(MiniLMEmbedder.from_package))
    with contextlib.suppress(Exception):
        await store.delete_collections()
    await store.aclose()


def seconds_since(moment: float) -> float:
    return round(time.monotonic() - moment, 2)
