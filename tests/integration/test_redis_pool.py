"""The Redis data-pool store against a real Redis: records round-trip exactly, refills replace
whole pools and expire, and a dead Redis surfaces as `PoolUnavailable`.

Needs the Redis that `make test` starts (services/redis.sh) at `REDIS_URL`. When it cannot be
reached these tests fail: they are never skipped.
"""

from __future__ import annotations

import socket
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable
from typing import Any

import pytest
import redis.asyncio as aioredis

from clients.redis_pool import RedisDataPoolStore
from config import Settings
from generators.core.errors import PoolUnavailable

pytestmark = pytest.mark.integration

Record = dict[str, Any]

RECORDS: list[Record] = [
    {
        "_index": i,
        "_scenario": "default" if i % 2 else "unicode",
        "name": f"Zoë Ñúñez 東京 🛒 #{i}",
        "price": [0.1, 1e-300, 123456.789, -2.5e17, 19.99][i % 5],
        "big": 2**62 + i,
        "flag": i % 3 == 0,
        "missing": None,
        "address": {"city": "Łódź", "lines": ["Straße 1", '\u2013 "quoted" \\ back']},
        "items": [{"sku": f"SKU-{i}", "qty": i, "tags": []}, {}],
    }
    for i in range(7)
]


@pytest.fixture(scope="module")
async def raw(settings: Settings) -> AsyncIterator[aioredis.Redis]:
    client = aioredis.from_url(settings.redis_url, socket_connect_timeout=5, socket_timeout=5)
    try:
        await client.ping()
    except (aioredis.RedisError, OSError) as error:
        await client.aclose()
        pytest.fail(
            f"Redis is not reachable at {settings.redis_url} ({error}). Start it with "
            "`bash services/redis.sh start` (make test does), or set REDIS_URL."
        )
    try:
        yield client
    finally:
        await client.aclose()


@pytest.fixture
async def prefix(raw: aioredis.Redis) -> AsyncIterator[str]:
    """Keys of this test alone, deleted afterwards."""
    prefix = f"tda-test:pool:{uuid.uuid4().hex[:12]}"
    try:
        yield prefix
    finally:
        async for key in raw.scan_iter(match=f"{prefix}*"):
            await raw.delete(key)


@pytest.fixture
async def store(settings: Settings, raw: aioredis.Redis) -> AsyncIterator[RedisDataPoolStore]:
    store = RedisDataPoolStore.from_url(settings.redis_url)
    try:
        yield store
    finally:
        await store.aclose()


async def test_records_round_trip_exactly(store: RedisDataPoolStore, prefix: str) -> None:
    key = f"{prefix}:cart"
    await store.refill(key, RECORDS, ttl_s=60)
    assert await store.size(key) == len(RECORDS)
    everything = await store.draw(key, 0, len(RECORDS))
    assert everything == RECORDS
    assert [repr(r["price"]) for r in everything] == [repr(r["price"]) for r in RECORDS]
    assert await store.draw(key, 2, 3) == RECORDS[2:5]
    assert await store.draw(key, 5, 10) == RECORDS[5:]  # a pool that shrank meanwhile
    assert await store.draw(key, 0, 0) == []


async def test_an_unknown_pool_is_empty(store: RedisDataPoolStore, prefix: str) -> None:
    assert await store.size(f"{prefix}:nothing") == 0
    assert await store.draw(f"{prefix}:nothing", 0, 5) == []


async def test_refill_replaces_the_pool(
    store: RedisDataPoolStore, raw: aioredis.Redis, prefix: str
) -> None:
    key = f"{prefix}:cart"
    await store.refill(key, RECORDS, ttl_s=60)
    await store.refill(key, RECORDS[5:], ttl_s=60)
    assert await store.size(key) == 2
    assert await store.draw(key, 0, 2) == RECORDS[5:]
    assert [k async for k in raw.scan_iter(match=f"{prefix}*")] == [key.encode()]
    await store.refill(key, [], ttl_s=60)
    assert await store.size(key) == 0


async def test_refill_sets_the_ttl(
    store: RedisDataPoolStore, raw: aioredis.Redis, prefix: str
) -> None:
    key = f"{prefix}:cart"
    await raw.rpush(key, b"{}")  # a pool without expiry, as an older writer might leave one
    await store.refill(key, RECORDS, ttl_s=120)
    assert 100 < await raw.ttl(key) <= 120


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
    return port


@pytest.mark.parametrize(
    "call",
    [
        lambda store: store.size("k"),
        lambda store: store.draw("k", 0, 3),
        lambda store: store.refill("k", RECORDS, 60),
    ],
    ids=["size", "draw", "refill"],
)
async def test_a_dead_redis_is_pool_unavailable(
    call: Callable[[RedisDataPoolStore], Awaitable[object]],
) -> None:
    port = closed_port()
    store = RedisDataPoolStore.from_url(f"redis://tda:s3cret@127.0.0.1:{port}/0", timeout_s=0.5)
    try:
        with pytest.raises(PoolUnavailable) as raised:
            await call(store)
    finally:
        await store.aclose()
    message = str(raised.value)
    assert message.startswith(f"redis at redis://tda@127.0.0.1:{port}/0: ")
    assert "s3cret" not in message
