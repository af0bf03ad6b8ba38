"""The data-pool cache around generation, for requests with `use_cache`.

A hit serves `count` records from the pool of the request's shape, with fresh `_index` and ids;
the answer's generation path is the one the router chose, and the routing reason says the
records came from the pool. A miss generates as usual and refills the pool with what was
generated (up to the policy's size) once the answer is out. Redis being down is not an error:
the request is generated without the cache and the metadata says why.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field

from generators.cache.data_pool import DataPoolStore, PoolPolicy, plan_draw, pool_key, serve
from generators.core.errors import PoolUnavailable
from generators.core.protocol import GenerationRun, PathOutcome
from generators.core.record import Record
from generators.core.request import GenerationRequest
from generators.core.schema import EntitySchema
from observability.worker_metrics import CACHE_HITS, CACHE_MISSES

log = logging.getLogger(__name__)


@dataclass(slots=True)
class CachedRun:
    """A request's run with the cache around it: `note` ends the routing reason on a hit,
    `problem` (Redis down, too many records) leads the fallbacks, and `after_answer` refills
    the pool on a miss."""

    run: GenerationRun
    note: str = ""
    problem: str | None = None
    refill: Callable[[], Awaitable[object]] | None = None

    @property
    def outcome(self) -> PathOutcome:
        outcome = self.run.outcome
        if self.problem is None:
            return outcome
        return dataclasses.replace(outcome, fallbacks=(self.problem, *outcome.fallbacks))

    async def after_answer(self) -> None:
        if self.refill is not None:
            await self.refill()


@dataclass(slots=True)
class CacheLookup:
    """A lookup's result: `records` on a hit; on a miss, `key` to refill (None when Redis is
    down) and `problem` saying why the cache was not used, for the metadata."""

    key: str | None
    records: list[Record] | None = None
    pool_size: int = 0
    problem: str | None = None


class PooledRun:
    """A hit, as a run: the pooled records in batches, reported as the routed path."""

    def __init__(self, path: str, records: list[Record], batch_size: int) -> None:
        self.outcome = PathOutcome(path)
        self._records = records
        self._batch_size = batch_size

    def __aiter__(self) -> AsyncIterator[list[Record]]:
        return self._batches()

    async def _batches(self) -> AsyncIterator[list[Record]]:
        for start in range(0, len(self._records), self._batch_size):
            yield self._records[start : start + self._batch_size]


@dataclass(slots=True)
class CollectingRun:
    """A miss, as a run: passes the batches through, keeping up to `limit` records to refill
    the pool with."""

    run: GenerationRun
    limit: int
    kept: list[Record] = field(default_factory=list)

    @property
    def outcome(self) -> PathOutcome:
        return self.run.outcome

    def __aiter__(self) -> AsyncIterator[list[Record]]:
        return self._batches()

    async def _batches(self) -> AsyncIterator[list[Record]]:
        async for batch in self.run:
            room = self.limit - len(self.kept)
            if room > 0:
                self.kept.extend(batch[:room])
            yield batch


class DataPoolCache:
    def __init__(self, store: DataPoolStore, policy: PoolPolicy, *, prefix: str) -> None:
        self._store = store
        self._policy = policy
        self._prefix = prefix

    async def lookup(self, request: GenerationRequest, schema: EntitySchema) -> CacheLookup:
        key = pool_key(request, schema, prefix=self._prefix)
        if request.count > self._policy.max_records:
            CACHE_MISSES.inc()
            cap = self._policy.max_records
            return CacheLookup(key=None, problem=f"cache: pools hold at most {cap} records")
        try:
            size = await self._store.size(key)
            window = plan_draw(size, request.count, request.effective_seed)
            if window is None:
                CACHE_MISSES.inc()
                return CacheLookup(key=key, pool_size=size)
            pooled = await self._store.draw(key, *window)
        except PoolUnavailable as exc:
            CACHE_MISSES.inc()
            log.warning("request %s: cache skipped: %s", request.request_id, exc)
            return CacheLookup(key=None, problem=f"cache: {exc}; generated without it")
        if len(pooled) < request.count:  # the pool expired between LLEN and LRANGE
            CACHE_MISSES.inc()
            return CacheLookup(key=key, pool_size=len(pooled))
        CACHE_HITS.inc()
        records = serve(pooled, schema, request.effective_seed, 0)
        return CacheLookup(key=key, records=records, pool_size=size)

    async def start(
        self,
        request: GenerationRequest,
        schema: EntitySchema,
        path: str,
        batch_size: int,
        generate: Callable[[], GenerationRun],
    ) -> CachedRun:
        """A hit as a run of pooled records; a miss as `generate()`'s run, collected to refill
        the pool with (unless Redis is down)."""
        lookup = await self.lookup(request, schema)
        if lookup.records is not None:
            note = f"; served from the data-pool cache ({lookup.pool_size} pooled records)"
            return CachedRun(PooledRun(path, lookup.records, batch_size), note=note)
        if lookup.key is None:
            return CachedRun(generate(), problem=lookup.problem)
        collecting, key = CollectingRun(generate(), self._policy.max_records), lookup.key
        return CachedRun(collecting, refill=lambda: self.refill(key, collecting.kept))

    async def refill(self, key: str, records: list[Record]) -> str | None:
        """Replace the pool; returns the problem when Redis is down (the answer is out by then,
        so it is only logged)."""
        try:
            await self._store.refill(key, records, self._policy.ttl_s)
        except PoolUnavailable as exc:
            log.warning("data pool %s not refilled: %s", key, exc)
            return str(exc)
        return None
