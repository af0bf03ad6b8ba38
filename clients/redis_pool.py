"""The data-pool store (`generators.cache.data_pool.DataPoolStore`) over Redis: a pool is a list
of orjson-encoded records.

A pool is an optimisation, so a dead or slow Redis must cost little: connect and read timeouts
are short, redis-py's default retries (ten, with backoff) are cut to one immediate retry (which
covers a pooled connection that Redis has closed), and every failure surfaces as
`PoolUnavailable`, for the caller to generate instead.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from urllib.parse import urlsplit, urlunsplit

import orjson
import redis.asyncio as aioredis
from redis.asyncio.retry import Retry
from redis.backoff import NoBackoff
from redis.exceptions import RedisError

from generators.core.errors import PoolUnavailable
from generators.core.record import Record


class RedisDataPoolStore:
    def __init__(self, client: aioredis.Redis, *, url: str) -> None:
        """`url` is only for error messages (its password is left out of them)."""
        self._client = client
        self._where = f"redis at {_without_password(url)}"

    @classmethod
    def from_url(cls, url: str, *, timeout_s: float = 1.0) -> RedisDataPoolStore:
        client = aioredis.from_url(
            url,
            socket_connect_timeout=timeout_s,
            socket_timeout=timeout_s,
            retry=Retry(NoBackoff(), 1),
        )
        return cls(client, url=url)

    async def draw(self, key: str, start: int, count: int) -> list[Record]:
        if count <= 0:
            return []  # LRANGE key 0 -1 would read the whole list
        with self._failures():
            raw = await self._client.lrange(key, start, start + count - 1)
        return [self._decode(key, item) for item in raw]

    async def size(self, key: str) -> int:
        with self._failures():
            return int(await self._client.llen(key))

    async def refill(self, key: str, records: Sequence[Record], ttl_s: int) -> None:
        """Writes the records under a temporary key and renames it over `key`, all in one
        MULTI/EXEC transaction: readers see the old pool or the new one, never a part."""
        encoded = [orjson.dumps(record) for record in records]
        with self._failures():
            if not encoded:  # RPUSH needs at least one value
                await self._client.delete(key)
                return
            staging = f"{key}:refill"  # MULTI/EXEC runs alone, so one name is enough
            async with self._client.pipeline(transaction=True) as transaction:
                transaction.delete(staging)
                transaction.rpush(staging, *encoded)
                transaction.expire(staging, ttl_s)
                transaction.rename(staging, key)  # the TTL moves with the list
                await transaction.execute()

    async def aclose(self) -> None:
        await self._client.aclose()

    @contextmanager
    def _failures(self) -> Iterator[None]:
        try:
            yield
        except (RedisError, OSError) as error:  # TimeoutError is an OSError
            msg = f"{self._where}: {error or type(error).__name__}"
            raise PoolUnavailable(msg) from error

    def _decode(self, key: str, item: bytes | str) -> Record:
        try:
            record = orjson.loads(item)
        except orjson.JSONDecodeError as error:
            msg = f"{self._where}: pool {key!r} holds a record that is not JSON ({error})"
            raise PoolUnavailable(msg) from error
        if not isinstance(record, dict):
            msg = f"{self._where}: pool {key!r} holds a {type(record).__name__}, not a record"
            raise PoolUnavailable(msg)
        return record


def _without_password(url: str) -> str:
    """`url` without its password; the query is left out too, as it may carry `password=`."""
    parts = urlsplit(url)
    host = parts.netloc.rpartition("@")[2]
    netloc = f"{parts.username}@{host}" if parts.username else host
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))
