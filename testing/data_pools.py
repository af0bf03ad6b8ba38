"""An in-memory `DataPoolStore`: the data-pool cache's Redis, with the way Redis fails."""

from __future__ import annotations

from collections.abc import Sequence

from generators.core.errors import PoolUnavailable
from generators.core.record import Record


class MemoryPools:
    """Pools as lists under their keys (TTLs are not kept); `down` fails every call as a dead
    Redis does."""

    def __init__(self) -> None:
        self.pools: dict[str, list[Record]] = {}
        self.down = False

    def _check(self) -> None:
        if self.down:
            msg = "redis at redis://127.0.0.1:1/0: Connection refused"
            raise PoolUnavailable(msg)

    async def draw(self, key: str, start: int, count: int) -> list[Record]:
        self._check()
        return self.pools.get(key, [])[start : start + count]

    async def size(self, key: str) -> int:
        self._check()
        return len(self.pools.get(key, []))

    async def refill(self, key: str, records: Sequence[Record], ttl_s: int) -> None:
        self._check()
        self.pools[key] = list(records)
