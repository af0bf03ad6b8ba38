"""The data-pool cache around generation, over an in-memory pool store."""

from __future__ import annotations

from prometheus_client import REGISTRY

from generators.cache.data_pool import PoolPolicy
from generators.core.record import Record
from generators.core.request import GenerationRequest
from generators.entities.registry import resolve_schema
from streams.cache import DataPoolCache
from testing.data_pools import MemoryPools


def counted() -> tuple[float, float]:
    hits = REGISTRY.get_sample_value("testdata_cache_hits_total")
    misses = REGISTRY.get_sample_value("testdata_cache_misses_total")
    return hits or 0.0, misses or 0.0


def request(count: int, request_id: str = "a") -> GenerationRequest:
    return GenerationRequest(request_id, entity="payment", count=count, use_cache=True)


def pooled_payments(count: int) -> list[Record]:
    return [
        {"_index": i, "_scenario": "default", "payment_id": f"PAY-2025-{i:08d}", "amount": 1.0}
        for i in range(count)
    ]


async def test_a_miss_then_a_hit_with_fresh_indexes_and_ids() -> None:
    pools = MemoryPools()
    cache = DataPoolCache(pools, PoolPolicy(ttl_s=60, max_records=100), prefix="p")
    schema = resolve_schema(request(5))
    hits, misses = counted()

    miss = await cache.lookup(request(5), schema)
    assert miss.records is None and miss.key is not None and miss.problem is None
    await cache.refill(miss.key, pooled_payments(30))
    hit = await cache.lookup(request(5, "b"), schema)

    assert hit.records is not None and [r["_index"] for r in hit.records] == list(range(5))
    ids = {r["payment_id"] for r in hit.records}
    assert len(ids) == 5 and not ids & {r["payment_id"] for r in pooled_payments(30)}
    assert counted() == (hits + 1, misses + 1)


async def test_redis_down_means_no_cache_and_a_reason() -> None:
    pools = MemoryPools()
    pools.down = True
    cache = DataPoolCache(pools, PoolPolicy(ttl_s=60, max_records=100), prefix="p")

    lookup = await cache.lookup(request(5), resolve_schema(request(5)))

    assert lookup.records is None and lookup.key is None
    assert lookup.problem is not None and lookup.problem.startswith("cache: redis at")
    assert await cache.refill("p:any", pooled_payments(1)) is not None


async def test_a_request_larger_than_a_pool_can_be_is_not_cached() -> None:
    cache = DataPoolCache(MemoryPools(), PoolPolicy(ttl_s=60, max_records=10), prefix="p")

    lookup = await cache.lookup(request(11), resolve_schema(request(11)))

    assert lookup.key is None and lookup.problem == "cache: pools hold at most 10 records"
