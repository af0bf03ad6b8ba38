"""Which requests nobody waits for any more, as `GenerationCancelled` events say.

Every worker reads every cancellation (`streams.cancellation_reader`), so the worker holding a
request learns of it, and so does a worker that takes the request over after a rebalance:
cancellations are remembered (the last `remember` of them), not only the ones in flight. A
request is known by its id and where its event is on the request topic, so a caller that sends
the same request id again after cancelling it makes a new request. Faust-free.
"""

from __future__ import annotations

import asyncio
from collections import OrderedDict
from typing import NamedTuple


class RequestAt(NamedTuple):
    """One request event: its id, and its partition and offset on the request topic."""

    request_id: str
    partition: int
    offset: int


class Cancellations:
    def __init__(self, remember: int = 10_000) -> None:
        self._reasons: OrderedDict[RequestAt, str] = OrderedDict()
        self._remember = remember
        self._waiters: dict[RequestAt, asyncio.Event] = {}

    def cancel(self, request: RequestAt, reason: str) -> None:
        self._reasons[request] = reason or "cancelled"
        self._reasons.move_to_end(request)
        while len(self._reasons) > self._remember:
            self._reasons.popitem(last=False)
        waiter = self._waiters.get(request)
        if waiter is not None:
            waiter.set()

    def reason(self, request: RequestAt) -> str | None:
        """Why `request` was cancelled, or None when it was not (or too long ago)."""
        return self._reasons.get(request)

    async def wait(self, request: RequestAt) -> str:
        """Return the reason once `request` is cancelled (at once if it already was)."""
        reason = self._reasons.get(request)
        if reason is not None:
            return reason
        waiter = self._waiters.setdefault(request, asyncio.Event())
        try:
            await waiter.wait()
        finally:
            if self._waiters.get(request) is waiter:
                del self._waiters[request]
        return self._reasons.get(request, "cancelled")
