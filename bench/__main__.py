"""Run the benchmark: `python -m bench` with Kafka and Redis up (`make bench` sees to that)."""

from __future__ import annotations

import asyncio
import statistics
import time
from collections.abc import Callable
from typing import Any

import grpc
import orjson
from faker import Faker

from bridge._proto import test_data_pb2 as pb
from bridge._proto import test_data_pb2_grpc as pb_grpc
from bridge.server import running_bridge
from generators import TraditionalGenerator, resolve_schema
from generators.request import GenerationRequest
from tests.stack import WorkerProcess, delete_run_topics, isolated_settings, wait_for_workers

SEQUENTIAL_CALLS = 300
CONCURRENT_CALLS = 64
IN_FLIGHT = 16
STREAM_RECORDS = 100_000
BIG_STREAM_RECORDS = 1_000_000
IN_PROCESS_RECORDS = 50_000


def naive_faker_user(fake: Faker, index: int) -> dict[str, Any]:
    """The baseline: one Faker call per field, the way most test-data scripts are written."""
    return {
        "_index": index,
        "_scenario": "default",
        "user_id": f"USR-{fake.unique.random_number(digits=7, fix_len=True)}",
        "first_name": fake.first_name(),
        "last_name": fake.last_name(),
        "email": fake.unique.email(),
        "phone": fake.phone_number(),
        "address": {
            "street": fake.street_address(),
            "city": fake.city(),
            "state": fake.state_abbr(),
            "zip": fake.postcode(),
        },
        "loyalty_tier": fake.random_element(["Bronze", "Silver", "Gold", "Platinum"]),
        "created_at": fake.date_time_this_decade().isoformat(),
    }


def naive_faker_cart(fake: Faker, index: int) -> dict[str, Any]:
    items = [
        {
            "sku": fake.bothify("SKU-########"),
            "name": fake.catch_phrase(),
            "quantity": fake.random_int(1, 5),
            "price": float(fake.pydecimal(left_digits=3, right_digits=2, positive=True)),
            "category": fake.word(),
        }
        for _ in range(fake.random_int(1, 5))
    ]
    subtotal = round(sum(i["quantity"] * i["price"] for i in items), 2)
    tax = round(subtotal * 0.08, 2)
    return {
        "_index": index,
        "_scenario": "default",
        "cart_id": f"CRT-2026-{fake.unique.bothify('???????').upper()}",
        "customer_id": f"USR-{fake.random_number(digits=7, fix_len=True)}",
        "items": items,
        "subtotal": subtotal,
        "tax": tax,
        "total": round(subtotal + tax, 2),
        "currency": fake.random_element(["USD", "CAD"]),
        "created_at": fake.date_time_this_year().isoformat(),
        "updated_at": fake.date_time_this_year().isoformat(),
    }


def rate(count: int, work: Callable[[], None]) -> float:
    started = time.perf_counter()
    work()
    return count / (time.perf_counter() - started)


def naive_faker_rate(count: int, make: Callable[[Faker, int], dict[str, Any]]) -> float:
    fake = Faker("en_US")
    Faker.seed(1)
    return rate(count, lambda: [orjson.dumps(make(fake, i)) for i in range(count)])


async def traditional_rate(count: int, entity: str) -> float:
    request = GenerationRequest(request_id=f"bench-{entity}", entity=entity, count=count)
    generator = TraditionalGenerator()
    schema = resolve_schema(request)
    started = time.perf_counter()
    async for batch in generator.generate_stream(request, schema, batch_size=1000):
        orjson.dumps(batch)
    return count / (time.perf_counter() - started)


async def stream_rate(stub: pb_grpc.TestDataServiceStub, count: int) -> float:
    started = time.perf_counter()
    records = 0
    async for chunk in stub.GenerateDataStream(
        pb.GenerateRequest(entity="user", count=count), timeout=600
    ):
        records += chunk.record_count
    assert records == count, f"stream ended after {records} of {count} records"
    return count / (time.perf_counter() - started)


def peak_rss_mb(pid: int) -> float:
    with open(f"/proc/{pid}/status") as status:
        for line in status:
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    return float("nan")


async def measure() -> list[tuple[str, str, str]]:
    settings = isolated_settings(max_records=BIG_STREAM_RECORDS, reply_pool_size=IN_FLIGHT * 2)
    worker = WorkerProcess(settings)
    rows: list[tuple[str, str, str]] = []
    try:
        await wait_for_workers(settings)
        async with (
            running_bridge(settings, port=0) as bridge,
            grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}") as channel,
        ):
            stub = pb_grpc.TestDataServiceStub(channel)
            small = pb.GenerateRequest(entity="user", count=10)
            for _ in range(20):
                await stub.GenerateData(small, timeout=10)
            latencies = []
            for _ in range(SEQUENTIAL_CALLS):
                started = time.perf_counter()
                await stub.GenerateData(small, timeout=10)
                latencies.append((time.perf_counter() - started) * 1000)
            cuts = statistics.quantiles(latencies, n=100)
            rows.append(("GenerateData 10 users, p50", f"{cuts[49]:.1f} ms", "<= 25 ms"))
            rows.append(("GenerateData 10 users, p99", f"{cuts[98]:.1f} ms", "<= 100 ms"))

            limit = asyncio.Semaphore(IN_FLIGHT)

            async def call() -> None:
                async with limit:
                    await stub.GenerateData(
                        pb.GenerateRequest(entity="user", count=100), timeout=60
                    )

            started = time.perf_counter()
            await asyncio.gather(*(call() for _ in range(CONCURRENT_CALLS)))
            calls_per_s = CONCURRENT_CALLS / (time.perf_counter() - started)
            rows.append(
                (
                    f"{CONCURRENT_CALLS} x 100 users, {IN_FLIGHT} in flight",
                    f"{calls_per_s:.0f} calls/s",
                    ">= 100 calls/s",
                )
            )

            e2e = await stream_rate(stub, STREAM_RECORDS)
            rows.append((f"stream of {STREAM_RECORDS:,} users", f"{e2e:,.0f} records/s", ""))
            big = await stream_rate(stub, BIG_STREAM_RECORDS)
            rows.append((f"stream of {BIG_STREAM_RECORDS:,} users", f"{big:,.0f} records/s", ""))
            rows.append(
                ("worker peak RSS", f"{peak_rss_mb(worker.process.pid):.0f} MB", "<= 300 MB")
            )
    finally:
        worker.stop()
        await delete_run_topics(settings)

    naive = naive_faker_rate(IN_PROCESS_RECORDS // 5)
    users = await traditional_rate(IN_PROCESS_RECORDS, "user")
    carts = await traditional_rate(IN_PROCESS_RECORDS, "cart")
    rows.append(("naive per-field Faker, users in-process", f"{naive:,.0f} records/s", "baseline"))
    rows.append(
        (
            "traditional generator, users in-process",
            f"{users:,.0f} records/s",
            f"{users / naive:.1f}x naive Faker",
        )
    )
    rows.append(
        (
            "traditional generator, carts in-process",
            f"{carts:,.0f} records/s",
            f"{carts / naive:.1f}x naive Faker (user-shaped baseline)",
        )
    )
    rows.append(("end-to-end stream vs naive Faker", f"{e2e / naive:.1f}x", "100k-user stream"))
    return rows


def main() -> None:
    rows = asyncio.run(measure())
    width = max(len(r[0]) for r in rows)
    for name, value, note in rows:
        print(f"{name:<{width}}  {value:>18}  {note}")


if __name__ == "__main__":
    main()
