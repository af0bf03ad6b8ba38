"""A fixed pool of reply topics, each leased to one request at a time.

Creating and deleting a topic per request costs a controller round trip, metadata propagation
and a consumer re-assignment on the hot path; leasing from topics that already exist and are
already being read costs nothing. The pool is fixed per bridge id, so topics never leak.
"""

from __future__ import annotations

import asyncio
from collections import deque

from generators.core.errors import ReplyTopicsBusy


class ReplyTopicPool:
    def __init__(self, topics: list[str]) -> None:
        self.topics = tuple(topics)
        self._free = deque(topics)
        self._changed = asyncio.Condition()

    async def lease(self, timeout: float) -> str:
        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(lambda: bool(self._free)), timeout)
            except TimeoutError as exc:
                msg = f"all {len(self.topics)} reply topics stayed busy for {timeout:.1f}s"
                raise ReplyTopicsBusy(msg) from exc
            return self._free.popleft()

    async def release(self, topic: str) -> None:
        async with self._changed:
            self._free.append(topic)
            self._changed.notify()
