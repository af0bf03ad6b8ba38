"""Run the benchmark: `python -m bench` with Kafka and Redis up (`make bench` sees to that)."""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import orjson

from bench.table import print_rows

if TYPE_CHECKING:
    from faker import Faker

    from contracts._proto import test_data_pb2_grpc as pb_grpc

# Heavier imports (the bridge, Kafka helpers, Faker, Mimesis) happen where they are used: each
# in-process contender runs in a fresh interpreter that loads only what it needs (see
# `in_process_rows`).

SEQUENTIAL_CALLS = 300
CONCURRENT_CALLS = 64
IN_FLIGHT = 16
STREAM_RECORDS = 100_000
BIG_STREAM_RECORDS = 1_000_000
IN_PROCESS_RECORDS = 50_000
NAIVE_RECORDS = 5_000
REPEATS = 5


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
    items: list[dict[str, Any]] = [
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


def mimesis_user_maker() -> Callable[[int], dict[str, Any]]:
    """The fastest peer, used the idiomatic fast way: providers built once, one call per field.

    Same shape as `naive_faker_user`; ids and emails are unique like Faker's `unique` ones
    (Mimesis' own `email(unique=True)`; a seen-set for the numeric id, as Faker's does).
    """
    from mimesis import Address, Choice, Datetime, Numeric, Person
    from mimesis.locales import Locale

    person = Person(Locale.EN)
    address = Address(Locale.EN)
    moment = Datetime(Locale.EN)
    numeric = Numeric()
    choice = Choice()
    tiers = ["Bronze", "Silver", "Gold", "Platinum"]
    seen: set[int] = set()

    def user_number() -> int:
        while True:
            number = numeric.integer_number(1_000_000, 9_999_999)
            if number not in seen:
                seen.add(number)
                return number

    def make(index: int) -> dict[str, Any]:
        return {
            "_index": index,
            "_scenario": "default",
            "user_id": f"USR-{user_number()}",
            "first_name": person.first_name(),
            "last_name": person.last_name(),
            "email": person.email(unique=True),
            "phone": person.phone_number(),
            "address": {
                "street": address.address(),
                "city": address.city(),
                "state": address.state(abbr=True),
                "zip": address.postal_code(),
            },
            "loyalty_tier": choice(tiers),
            "created_at": moment.datetime(2020, 2026).isoformat(),
        }

    return make


def mimesis_cart_maker() -> Callable[[int], dict[str, Any]]:
    """`naive_faker_cart`'s shape with Mimesis providers (unique cart ids via a seen-set)."""
    from mimesis import Choice, Datetime, Finance, Numeric, Text
    from mimesis.locales import Locale
    from mimesis.random import Random as MimesisRandom

    rng = MimesisRandom()
    numeric = Numeric()
    finance = Finance(Locale.EN)
    text = Text(Locale.EN)
    moment = Datetime(Locale.EN)
    choice = Choice()
    seen: set[str] = set()

    def cart_code() -> str:
        while True:
            code = rng.generate_string_by_mask("@@@@@@@")
            if code not in seen:
                seen.add(code)
                return code

    def make(index: int) -> dict[str, Any]:
        items: list[dict[str, Any]] = [
            {
                "sku": rng.generate_string_by_mask("SKU-########"),
                "name": text.title(),
                "quantity": numeric.integer_number(1, 5),
                "price": finance.price(0.01, 999.99),
                "category": text.word(),
            }
            for _ in range(numeric.integer_number(1, 5))
        ]
        subtotal = round(sum(i["quantity"] * i["price"] for i in items), 2)
        tax = round(subtotal * 0.08, 2)
        return {
            "_index": index,
            "_scenario": "default",
            "cart_id": f"CRT-2026-{cart_code()}",
            "customer_id": f"USR-{numeric.integer_number(1_000_000, 9_999_999)}",
            "items": items,
            "subtotal": subtotal,
            "tax": tax,
            "total": round(subtotal + tax, 2),
            "currency": choice(["USD", "CAD"]),
            "created_at": moment.datetime(2026, 2026).isoformat(),
            "updated_at": moment.datetime(2026, 2026).isoformat(),
        }

    return make


def best_rate(count: int, prepare: Callable[[], Callable[[], None]]) -> float:
    """Records per second of the fastest of `REPEATS` runs, each on fresh state (timeit's rule:
    the best run is the one least disturbed by the rest of the machine). The garbage collector
    stays on, as in a worker, but starts each run with nothing left over from the previous one."""
    best = 0.0
    for _ in range(REPEATS):
        work = prepare()
        gc.collect()
        started = time.perf_counter()
        work()
        best = max(best, count / (time.perf_counter() - started))
    return best


def naive_faker_rate(count: int, make: Callable[[Faker, int], dict[str, Any]]) -> float:
    from faker import Faker

    def prepare() -> Callable[[], None]:
        fake = Faker("en_US")
        fake.seed_instance(1)
        return lambda: _dump_all(make(fake, i) for i in range(count))

    return best_rate(count, prepare)


def mimesis_rate(count: int, maker: Callable[[], Callable[[int], dict[str, Any]]]) -> float:
    def prepare() -> Callable[[], None]:
        make = maker()
        return lambda: _dump_all(make(i) for i in range(count))

    return best_rate(count, prepare)


def _dump_all(records: Iterable[dict[str, Any]]) -> None:
    for record in records:
        orjson.dumps(record)


def traditional_rate(count: int, entity: str) -> float:
    """What the worker does per chunk, in-process: generate a batch, encode it with orjson."""
    from generators.core.protocol import RunContext
    from generators.core.request import GenerationRequest
    from generators.entities.registry import resolve_schema
    from generators.paths.traditional.generator import TraditionalGenerator

    generator = TraditionalGenerator()  # built once per worker process: pools are not timed
    request = GenerationRequest(request_id=f"bench-{entity}", entity=entity, count=count)
    schema = resolve_schema(request)

    async def run() -> None:
        async for batch in generator.start(request, schema, RunContext(batch_size=1000)):
            orjson.dumps(batch)

    return best_rate(count, lambda: lambda: asyncio.run(run()))


#: The in-process contenders, by name: each returns records per second.
CONTENDERS: dict[str, Callable[[], float]] = {
    "naive-faker-users": lambda: naive_faker_rate(NAIVE_RECORDS, naive_faker_user),
    "naive-faker-carts": lambda: naive_faker_rate(NAIVE_RECORDS, naive_faker_cart),
    "mimesis-users": lambda: mimesis_rate(IN_PROCESS_RECORDS, mimesis_user_maker),
    "mimesis-carts": lambda: mimesis_rate(IN_PROCESS_RECORDS, mimesis_cart_maker),
    "traditional-users": lambda: traditional_rate(IN_PROCESS_RECORDS, "user"),
    "traditional-carts": lambda: traditional_rate(IN_PROCESS_RECORDS, "cart"),
}


def contender_rate(name: str) -> float:
    """`CONTENDERS[name]` measured in a fresh interpreter (as pyperf does): no contender pays
    for another's heap -- the garbage collector's full passes walk every live object, so a
    heap full of someone else's data sets slows the fastest allocator most."""
    done = subprocess.run(
        [sys.executable, "-m", "bench", "--contender", name],
        cwd=Path(__file__).resolve().parents[1],
        capture_output=True,
        text=True,
        check=True,
    )
    return float(done.stdout)


def in_process_rows(e2e_users: float | None = None) -> list[tuple[str, str, str]]:
    """Naive Faker, Mimesis and the traditional generator on the same user and cart shapes;
    with `e2e_users` (a Kafka stream's users/s), that rate against naive Faker too."""
    naive_users = contender_rate("naive-faker-users")
    naive_carts = contender_rate("naive-faker-carts")
    mimesis_users = contender_rate("mimesis-users")
    mimesis_carts = contender_rate("mimesis-carts")
    users = contender_rate("traditional-users")
    carts = contender_rate("traditional-carts")

    def speed(value: float) -> str:
        return f"{value:,.0f} records/s"

    rows = [
        ("naive per-field Faker, users", speed(naive_users), "baseline"),
        ("naive per-field Faker, carts", speed(naive_carts), "baseline"),
        ("Mimesis, users", speed(mimesis_users), f"{mimesis_users / naive_users:.1f}x naive"),
        ("Mimesis, carts", speed(mimesis_carts), f"{mimesis_carts / naive_carts:.1f}x naive"),
        ("traditional generator, users", speed(users), f"{users / naive_users:.1f}x naive"),
        ("traditional generator, carts", speed(carts), f"{carts / naive_carts:.1f}x naive"),
        ("traditional users vs Mimesis", f"{users / mimesis_users:.2f}x", ">= 1.5x"),
        ("traditional users vs naive Faker", f"{users / naive_users:.1f}x", ">= 20x"),
        ("traditional carts vs naive Faker", f"{carts / naive_carts:.1f}x", ">= 20x"),
        ("traditional carts vs Mimesis", f"{carts / mimesis_carts:.2f}x", ""),
    ]
    if e2e_users is not None:
        ratio = f"{e2e_users / naive_users:.1f}x"
        rows.append(("end-to-end stream vs naive Faker", ratio, ">= 10x (100k-user stream)"))
    return rows


async def stream_rate(stub: pb_grpc.TestDataServiceStub, count: int) -> float:
    from contracts._proto import test_data_pb2 as pb

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
    import grpc

    from bridge.server import running_bridge
    from contracts._proto import test_data_pb2 as pb
    from contracts._proto import test_data_pb2_grpc as pb_grpc
    from testing.stack import WorkerProcess, delete_run_topics, isolated_settings, wait_for_workers

    settings = isolated_settings(
        max_records=BIG_STREAM_RECORDS, reply_pool_size=IN_FLIGHT * 2, rate_limit_per_s=0
    )
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

    rows.extend(in_process_rows(e2e_users=e2e))
    rows.append(await llm_token_row())
    return rows


async def llm_token_row() -> tuple[str, str, str]:
    """Tokens of our LLM path against asking for whole records one call per record, both
    through the real Anthropic SDK against a local server that counts tokens."""
    from pydantic import SecretStr

    from bench.tokens import compare_token_usage
    from clients.anthropic_backend import AnthropicBackend
    from generators.core.request import GenerationRequest
    from generators.entities.registry import resolve_schema
    from generators.paths.traditional.generator import TraditionalGenerator
    from testing.llm_servers import StubLLMServer

    request = GenerationRequest(
        request_id="bench-llm", entity="cart", count=20, context="carts for checkout testing"
    )
    async with StubLLMServer("anthropic") as server:
        backend = AnthropicBackend(api_key=SecretStr("bench"), base_url=server.base_url)
        comparison = await compare_token_usage(
            backend, TraditionalGenerator(), request, resolve_schema(request), batch_size=10
        )
        await backend.close()
    return (
        "LLM path tokens vs one call per whole record",
        f"{comparison.ratio:.0%}",
        f"<= 60% ({comparison.batched_tokens:,} vs {comparison.per_record_tokens:,} tokens)",
    )


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__)
    parser.add_argument(
        "--in-process",
        action="store_true",
        help="only the in-process comparison (naive Faker, Mimesis, traditional): no Kafka needed",
    )
    parser.add_argument("--contender", choices=sorted(CONTENDERS), help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.contender:
        print(CONTENDERS[args.contender]())
        return
    rows = in_process_rows() if args.in_process else asyncio.run(measure())
    print_rows(rows)


if __name__ == "__main__":
    main()
