"""`python -m bench.tracing`: what tracing costs, as ratios measured in one run.

Three stacks of the deployed processes (`python -m streams`, `python -m bridge`) run side by
side on their own topics: one with tracing off (no endpoint: OpenTelemetry's no-op tracer), one
exporting every span to the local Zipkin (TRACE_SAMPLE_RATIO=1.0, the default), one tracing one
request in ten. Rounds of the same load alternate between the plain stack and a traced one,
their order alternating too, so drift of the machine falls on both; a ratio is the median of
the rounds' traced/plain pairs. Zipkin ingests the spans on the same two cores: the worst case.
The cost with tracing off is read from `python -m bench` against the figures before tracing
existed. The bridge's rate limit is off: one client measures capacity here.
"""

from __future__ import annotations

import asyncio
import os
import statistics
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

import grpc

from bench.table import print_rows
from contracts._proto import test_data_pb2 as pb
from contracts._proto import test_data_pb2_grpc as pb_grpc
from testing.stack import (
    BridgeProcess,
    WorkerProcess,
    delete_run_topics,
    free_port,
    isolated_settings,
)

ROUNDS = 12
CALLS_PER_ROUND = 200
IN_FLIGHT = 16
ZIPKIN = os.environ.get("ZIPKIN_URL", "http://127.0.0.1:9411")


@asynccontextmanager
async def stack(env: dict[str, str]) -> AsyncIterator[pb_grpc.TestDataServiceStub]:
    settings = isolated_settings(
        grpc_port=free_port(), reply_pool_size=IN_FLIGHT * 2, rate_limit_per_s=0
    )
    worker, bridge = WorkerProcess(settings, env), BridgeProcess(settings, env)
    try:
        await worker.wait_ready()
        await bridge.wait_ready()
        async with grpc.aio.insecure_channel(f"127.0.0.1:{settings.grpc_port}") as channel:
            yield pb_grpc.TestDataServiceStub(channel)
    finally:
        bridge.stop()
        worker.stop()
        await delete_run_topics(settings)


async def calls_per_s(stub: pb_grpc.TestDataServiceStub, records: int) -> float:
    limit = asyncio.Semaphore(IN_FLIGHT)

    async def call() -> None:
        async with limit:
            await stub.GenerateData(pb.GenerateRequest(entity="user", count=records), timeout=30)

    started = time.perf_counter()
    await asyncio.gather(*(call() for _ in range(CALLS_PER_ROUND)))
    return CALLS_PER_ROUND / (time.perf_counter() - started)


async def _alternating(
    plain: pb_grpc.TestDataServiceStub, traced: pb_grpc.TestDataServiceStub, records: int
) -> tuple[float, float, float]:
    """Median calls/s of each stack and the median of the rounds' traced/plain ratios."""
    for stub in (plain, traced):  # warm both
        await calls_per_s(stub, records)
    off, on = [], []
    for round_ in range(ROUNDS):
        if round_ % 2:
            on.append(await calls_per_s(traced, records))
            off.append(await calls_per_s(plain, records))
        else:
            off.append(await calls_per_s(plain, records))
            on.append(await calls_per_s(traced, records))
    kept = statistics.median(t / p for t, p in zip(on, off, strict=True))
    return statistics.median(off), statistics.median(on), kept


async def measure() -> list[tuple[str, str, str]]:
    endpoint = {"ZIPKIN_ENDPOINT": f"{ZIPKIN}/api/v2/spans"}
    rows = []
    async with (
        stack({"ZIPKIN_ENDPOINT": ""}) as plain,
        stack({**endpoint, "TRACE_SAMPLE_RATIO": "1.0"}) as every,
        stack({**endpoint, "TRACE_SAMPLE_RATIO": "0.1"}) as sampled,
    ):
        for records in (10, 100):
            rate_off, rate_on, kept = await _alternating(plain, every, records)
            _, rate_sampled, kept_sampled = await _alternating(plain, sampled, records)
            rows += [
                (f"{records}-user calls, tracing off", f"{rate_off:.0f} calls/s", ""),
                (f"{records}-user calls, every call traced", f"{rate_on:.0f} calls/s", ""),
                ("  throughput kept, every call", f"{kept:.0%}", ">= 95%"),
                (f"{records}-user calls, 1 in 10 traced", f"{rate_sampled:.0f} calls/s", ""),
                ("  throughput kept, 1 in 10", f"{kept_sampled:.0%}", ">= 95%"),
            ]
    return rows


def main() -> None:
    rows = asyncio.run(measure())
    print_rows(rows)


if __name__ == "__main__":
    main()
