"""A request's generation while its caller waits: progress while it works, and stopped when the
caller cancels or its deadline passes.

Without progress, a live worker on a slow path (a model taking 45 s over one call) looked to
the bridge like a dead one, and the caller got UNAVAILABLE while the worker went on calling the
model for nobody. Faust-free.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import Any, TypeVar

from generators.core.errors import Cancelled, DeadlineExceeded
from streams.cancellations import Cancellations, RequestAt

T = TypeVar("T")


def stopped_before_start(
    request: RequestAt, cancellations: Cancellations, deadline_epoch_s: float | None
) -> Cancelled | DeadlineExceeded | None:
    """Why a request must not start at all: cancelled already, or its deadline passed while it
    waited in the topic."""
    reason = cancellations.reason(request)
    if reason is not None:
        return Cancelled(f"cancelled before generation started: {reason}")
    if deadline_epoch_s is not None and time.time() >= deadline_epoch_s:
        late = time.time() - deadline_epoch_s
        return DeadlineExceeded(f"the caller's deadline passed {late:.1f}s before generation began")
    return None


async def run_watched(
    work: Callable[[], Coroutine[Any, Any, T]],
    *,
    request: RequestAt,
    cancellations: Cancellations,
    deadline_epoch_s: float | None,
    progress: Callable[[], Awaitable[None]],
    interval_s: float,
) -> T:
    """Run `work()`, calling `progress()` every `interval_s` while it runs.

    Raises `Cancelled` when the request is cancelled and `DeadlineExceeded` when its deadline
    passes, after cancelling the work (its model calls are cancelled with it). When the caller
    of this function is itself cancelled (the worker is stopping), the work is cancelled too and
    no error is raised in its place: the request stays unacknowledged and is redelivered.
    """
    stopped = stopped_before_start(request, cancellations, deadline_epoch_s)
    if stopped is not None:
        raise stopped
    started = time.monotonic()
    task = asyncio.create_task(work())
    cancelled = asyncio.create_task(cancellations.wait(request))
    try:
        while True:
            timeout = interval_s
            if deadline_epoch_s is not None:
                timeout = max(min(timeout, deadline_epoch_s - time.time()), 0.0)
            done, _ = await asyncio.wait(
                {task, cancelled}, timeout=timeout, return_when=asyncio.FIRST_COMPLETED
            )
            if task in done:
                return task.result()
            ran = time.monotonic() - started
            if cancelled in done:
                msg = f"cancelled after {ran:.1f}s of generation: {cancelled.result()}"
                raise Cancelled(msg)
            if deadline_epoch_s is not None and time.time() >= deadline_epoch_s:
                msg = f"the caller's deadline passed after {ran:.1f}s of generation"
                raise DeadlineExceeded(msg)
            await progress()
    finally:
        cancelled.cancel()
        if not task.done():
            task.cancel()
        with contextlib.suppress(asyncio.CancelledError, Exception):
            await task
