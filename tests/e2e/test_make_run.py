"""`make run` as a user runs it (scripts/run-stack.sh): it says "ready" only when a request
sent then is answered, and tells where the health, metrics and traces are."""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import time
from pathlib import Path

import grpc
import pytest

from contracts._proto import test_data_pb2 as pb
from contracts._proto import test_data_pb2_grpc as pb_grpc
from embeddings import MiniLMEmbedder
from testing.stack import delete_run_topics, free_port, isolated_settings, settings_env
from testing.weaviate import InspectableStore

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


async def test_run_says_ready_only_when_a_request_is_answered(tmp_path: Path) -> None:
    settings = isolated_settings(grpc_port=free_port())
    env = settings_env(settings)
    env["HOME"] = os.environ.get("HOME", "/root")
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        run = await asyncio.create_subprocess_exec(
            "scripts/run-stack.sh", cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT
        )
    try:
        deadline = time.monotonic() + 150
        while "ready:" not in log.read_text(errors="replace"):
            assert run.returncode is None, log.read_text(errors="replace")[-3000:]
            assert time.monotonic() < deadline, "never said ready"
            await asyncio.sleep(0.2)
        async with grpc.aio.insecure_channel(f"127.0.0.1:{settings.grpc_port}") as channel:
            stub = pb_grpc.TestDataServiceStub(channel)
            health = await stub.HealthCheck(pb.HealthCheckRequest(), timeout=10)
            reply = await stub.GenerateData(pb.GenerateRequest(entity="cart", count=2), timeout=30)
        said = log.read_text(errors="replace")
    finally:
        run.send_signal(signal.SIGINT)
        await asyncio.wait_for(run.wait(), 30)
        store = InspectableStore.from_settings(settings.rag, MiniLMEmbedder.from_package())
        await store.delete_collections()
        await store.aclose()
        await delete_run_topics(settings)

    assert health.status != "unhealthy", dict(health.components)
    assert reply.record_count == 2
    assert f"http://127.0.0.1:{settings.http_port}" in said
    assert "traces: http://127.0.0.1:9411/zipkin/" in said
