"""What an operator sees: health and readiness over HTTP, the Prometheus series on the bridge
and the worker, and one trace across both processes in Zipkin."""

from __future__ import annotations

import asyncio
import json
import os
import secrets
import time
import urllib.error
import urllib.request
from collections.abc import Iterator

import grpc
import pytest
from prometheus_client.parser import text_string_to_metric_families
from prometheus_client.samples import Sample

from bridge.server import RunningBridge, running_bridge
from contracts._proto import test_data_pb2 as pb
from contracts._proto import test_data_pb2_grpc as pb_grpc
from testing.stack import (
    BridgeProcess,
    WorkerProcess,
    delete_run_topics,
    free_port,
    isolated_settings,
)

pytestmark = pytest.mark.e2e

ZIPKIN = os.environ.get("ZIPKIN_URL", "http://127.0.0.1:9411")
SIX_SERIES = {
    "testdata_requests",
    "testdata_generation_duration_seconds",
    "testdata_llm_tokens_used",
    "testdata_records_generated",
    "testdata_cache_hits",
    "testdata_coherence_score",
}


async def get(url: str) -> tuple[int, str]:
    """GET in a thread: the in-process bridge serves on this test's event loop."""
    return await asyncio.to_thread(_get, url)


def _get(url: str) -> tuple[int, str]:
    try:
        with urllib.request.urlopen(url, timeout=5) as response:
            return response.status, response.read().decode()
    except urllib.error.HTTPError as error:
        return error.code, error.read().decode()


def samples(page: str) -> Iterator[tuple[str, Sample]]:
    for family in text_string_to_metric_families(page):
        for sample in family.samples:
            yield family.name, sample


def value(page: str, name: str, **labels: str) -> float:
    """The sample `name` with exactly these labels (0 when absent)."""
    for _family, sample in samples(page):
        if sample.name == name and sample.labels == labels:
            return sample.value
    return 0.0


async def test_both_processes_answer_liveness_and_readiness(
    worker: WorkerProcess, bridge: RunningBridge
) -> None:
    for status, body in (
        worker.http("/healthz"),
        worker.http("/readyz"),
        await get(f"http://127.0.0.1:{bridge.http_port}/healthz"),
        await get(f"http://127.0.0.1:{bridge.http_port}/readyz"),
    ):
        assert status == 200, body
    readiness = json.loads((await get(f"http://127.0.0.1:{bridge.http_port}/readyz"))[1])
    assert readiness["components"]["worker"] == "ok"


async def test_a_bridge_without_a_worker_is_alive_but_not_ready() -> None:
    lonely = isolated_settings()
    async with running_bridge(lonely, port=0, http_port=0) as running:
        status, body = await get(f"http://127.0.0.1:{running.http_port}/readyz")
        assert (await get(f"http://127.0.0.1:{running.http_port}/healthz"))[0] == 200
    assert status == 503
    assert "no worker in consumer group" in json.loads(body)["components"]["worker"]
    await delete_run_topics(lonely)


async def test_one_request_is_counted_in_the_six_series_of_the_worker_and_the_bridge(
    worker: WorkerProcess, bridge: RunningBridge, stub: pb_grpc.TestDataServiceStub
) -> None:
    bridge_metrics = f"http://127.0.0.1:{bridge.http_port}/metrics"
    before_worker, before_bridge = worker.http("/metrics")[1], (await get(bridge_metrics))[1]

    reply = await stub.GenerateData(pb.GenerateRequest(entity="user", count=7), timeout=30)

    after_worker, after_bridge = worker.http("/metrics")[1], (await get(bridge_metrics))[1]
    assert {family for family, _ in samples(after_worker)} >= SIX_SERIES
    path = reply.metadata.generation_path
    for name, labels, grown_by in (
        ("testdata_requests_total", {"path": path, "domain": "ecommerce", "status": "ok"}, 1),
        ("testdata_records_generated_total", {"domain": "ecommerce", "entity": "user"}, 7),
        ("testdata_generation_duration_seconds_count", {"path": path}, 1),
        ("testdata_coherence_score_count", {"domain": "ecommerce"}, 1),
    ):
        grown = value(after_worker, name, **labels) - value(before_worker, name, **labels)
        assert grown == grown_by, name
    call = {"method": "GenerateData", "status": "OK"}
    grown = value(after_bridge, "testdata_grpc_call_duration_seconds_count", **call) - value(
        before_bridge, "testdata_grpc_call_duration_seconds_count", **call
    )
    assert grown == 1
    assert value(after_worker, "testdata_requests_in_flight") == 0
    lag = [s for family, s in samples(after_worker) if family == "testdata_consumer_lag"]
    assert all("request_id" not in s.labels for _, s in samples(after_worker))
    assert lag, "the worker shows its consumer lag per partition"


async def test_one_trace_covers_the_call_in_the_bridge_and_the_generation_in_the_worker() -> None:
    settings = isolated_settings(grpc_port=free_port())
    tracing = {
        "ZIPKIN_ENDPOINT": f"{ZIPKIN}/api/v2/spans",
        "OTEL_BSP_SCHEDULE_DELAY": "100",
        "LOG_FORMAT": "json",
    }
    worker = WorkerProcess(settings, tracing)
    bridge = BridgeProcess(settings, tracing)
    trace_id = secrets.token_hex(16)
    try:
        await worker.wait_ready()
        await bridge.wait_ready()
        async with grpc.aio.insecure_channel(f"127.0.0.1:{settings.grpc_port}") as channel:
            await pb_grpc.TestDataServiceStub(channel).GenerateData(
                pb.GenerateRequest(entity="order", count=3),
                timeout=30,
                metadata=(("traceparent", f"00-{trace_id}-{secrets.token_hex(8)}-01"),),
            )
        topic = settings.request_topic
        expected = {
            "test-data-agent-bridge": {
                "testdata.v1.testdataservice/generatedata",
                f"send {topic}",
                f"receive {settings.reply_topic_prefix}{settings.bridge_id}",
            },
            "test-data-agent-worker": {
                f"process {topic}",
                "validate request",
                "route",
                "generate",
            },
        }
        seen = await _trace(trace_id, expected)
        bridge_page = bridge.http("/metrics")[1]
    finally:
        bridge.stop()
        worker.stop()
        await delete_run_topics(settings)

    for service, names in expected.items():
        assert names <= seen[service], service
    bridge_series = {family for family, _ in samples(bridge_page)}
    assert "testdata_grpc_call_duration_seconds" in bridge_series
    assert not bridge_series & SIX_SERIES, "the bridge shows only the series it counts"
    lines = worker.log_path.read_text().splitlines()
    assert [line for line in lines if not line.startswith("{")] == [], "one JSON object a line"
    worker_lines = [json.loads(line) for line in lines]
    received = [line for line in worker_lines if line.get("event") == "request received"]
    assert received and received[-1]["trace_id"] == trace_id
    assert received[-1]["request_id"]


async def _trace(
    trace_id: str, expected: dict[str, set[str]], timeout: float = 30.0
) -> dict[str, set[str]]:
    """The span names of the trace in Zipkin's query API, by service, once they include
    `expected` (a reply topic's `receive` matched by prefix), or whatever came by the timeout."""
    deadline = time.monotonic() + timeout
    seen: dict[str, set[str]] = {}
    while time.monotonic() < deadline:
        status, body = await get(f"{ZIPKIN}/api/v2/trace/{trace_id}")
        seen = {}
        for span in json.loads(body) if status == 200 else []:
            name = span["name"]
            if name.startswith("receive "):
                name = name.rsplit(".", 1)[0]
            seen.setdefault(span["localEndpoint"]["serviceName"], set()).add(name)
        if all(names <= seen.get(service, set()) for service, names in expected.items()):
            break
        await asyncio.sleep(0.5)
    return seen
