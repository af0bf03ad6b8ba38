"""Every process stops soon after SIGTERM, whatever the state of Kafka: one still waiting for an
unreachable broker stops at once (a worker used to ignore SIGTERM for more than 23 s there), one
that serves stops gracefully, leaving its consumer group. With the broker killed under a running
stack, the bound holds too: `make chaos` measures it (scenario stopped-with-broker-down)."""

from __future__ import annotations

import asyncio
import signal
import socket
import time

import pytest

from testing.stack import (
    BridgeProcess,
    ServiceProcess,
    WorkerProcess,
    delete_run_topics,
    free_port,
    isolated_settings,
    wait_for_workers,
)

pytestmark = pytest.mark.e2e

#: What a supervisor waits before it kills (supervisord's stopwaitsecs in scripts/run-stack.sh)
SUPERVISOR_PATIENCE_S = 10


def unreachable_kafka() -> str:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return f"127.0.0.1:{probe.getsockname()[1]}"  # nothing listens there


async def wait_logged(process: ServiceProcess, text: str, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while text not in process.log_path.read_text(errors="replace"):
        assert process.process.poll() is None, process.log_tail()
        assert time.monotonic() < deadline, f"never logged {text!r}: {process.log_tail()}"
        await asyncio.sleep(0.2)


@pytest.mark.parametrize(
    ("kind", "retrying"),
    [(WorkerProcess, "creating the topics again"), (BridgeProcess, "starting the bridge again")],
)
async def test_a_process_waiting_for_kafka_says_so_and_stops_at_once_on_sigterm(
    kind: type[ServiceProcess], retrying: str
) -> None:
    settings = isolated_settings(kafka_bootstrap_servers=unreachable_kafka(), grpc_port=free_port())
    process = kind(settings)
    try:
        await wait_logged(process, retrying)
        process.process.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(process.process.wait, SUPERVISOR_PATIENCE_S)
    finally:
        process.kill()

    assert code == 0, process.log_tail()
    log = process.log_path.read_text(errors="replace")
    assert f"Kafka at {settings.kafka_bootstrap_servers} is unreachable" in log
    assert "stopped before" in log


async def test_a_serving_worker_stops_gracefully_on_sigterm() -> None:
    settings = isolated_settings()
    worker = WorkerProcess(settings)
    try:
        await wait_for_workers(settings)
        worker.process.send_signal(signal.SIGTERM)
        code = await asyncio.to_thread(worker.process.wait, SUPERVISOR_PATIENCE_S)
    finally:
        worker.kill()
        await delete_run_topics(settings)

    assert code == 0, worker.log_tail()  # not the watchdog's 143
    assert "did not stop within" not in worker.log_path.read_text(errors="replace")
