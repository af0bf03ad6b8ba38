"""`python -m bench.scaleout`: stream throughput with one worker, then two in the same group.

Scale-out is Kafka's: requests are keyed by request id over the request topic's partitions, and
a second worker process takes half of them. The figure is aggregate records/s over concurrent
streams; the ratio is two workers against one, measured in the same run.
"""

from __future__ import annotations

import asyncio
import time

import grpc

from bridge.server import running_bridge
from contracts._proto import test_data_pb2 as pb
from contracts._proto import test_data_pb2_grpc as pb_grpc
from testing.stack import WorkerProcess, delete_run_topics, isolated_settings, wait_for_workers

STREAMS = 24
RECORDS_PER_STREAM = 10_000
IN_FLIGHT = 8


async def aggregate_rate(stub: pb_grpc.TestDataServiceStub) -> float:
    limit = asyncio.Semaphore(IN_FLIGHT)

    async def one(i: int) -> int:
        async with limit:
            request = pb.GenerateRequest(entity="user", count=RECORDS_PER_STREAM)
            return sum(
                [c.record_count async for c in stub.GenerateDataStream(request, timeout=300)]
            )

    started = time.perf_counter()
    counts = await asyncio.gather(*(one(i) for i in range(STREAMS)))
    assert sum(counts) == STREAMS * RECORDS_PER_STREAM
    return sum(counts) / (time.perf_counter() - started)


async def measure() -> tuple[float, float]:
    settings = isolated_settings(
        request_topic_partitions=6, reply_pool_size=IN_FLIGHT * 2, rate_limit_per_s=0
    )
    workers = [WorkerProcess(settings)]
    try:
        await wait_for_workers(settings, 1)
        async with (
            running_bridge(settings, port=0) as bridge,
            grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}") as channel,
        ):
            stub = pb_grpc.TestDataServiceStub(channel)
            one = await aggregate_rate(stub)
            workers.append(WorkerProcess(settings))
            await wait_for_workers(settings, 2)
            await asyncio.sleep(3)  # let the rebalance settle before measuring
            two = await aggregate_rate(stub)
    finally:
        for worker in workers:
            worker.stop()
        await delete_run_topics(settings)
    return one, two


def main() -> None:
    one, two = asyncio.run(measure())
    print(f"{STREAMS} streams x {RECORDS_PER_STREAM:,} users, {IN_FLIGHT} in flight:")
    print(f"  one worker   {one:>10,.0f} records/s")
    print(f"  two workers  {two:>10,.0f} records/s  ({two / one:.2f}x one worker)")


if __name__ == "__main__":
    main()
