"""`Publisher` over the Faust app's own Kafka producer, with a bounded window of unacked sends."""

from __future__ import annotations

from collections import deque
from collections.abc import Awaitable, Sequence
from typing import Any

import faust


class FaustPublisher:
    def __init__(self, app: faust.App, *, max_in_flight: int = 16) -> None:
        self._app = app
        self._max_in_flight = max_in_flight
        self._pending: deque[Awaitable[Any]] = deque()

    async def publish(
        self,
        topic: str,
        key: bytes,
        value: bytes | None,
        headers: Sequence[tuple[str, bytes]] = (),
    ) -> None:
        delivery = await self._app.producer.send(
            topic, key, value, partition=None, timestamp=None, headers=list(headers) or None
        )
        self._pending.append(delivery)
        while len(self._pending) >= self._max_in_flight:
            await self._pending.popleft()

    async def flush(self) -> None:
        while self._pending:
            await self._pending.popleft()
