"""Asking again until a service that came back is used again: how long recovery takes."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from chaos.calls import unary
from chaos.invariant import Answer
from contracts._proto import test_data_pb2 as pb
from contracts._proto import test_data_pb2_grpc as pb_grpc

#: Figures are measured against this: a service back for longer and still unused is broken
RECOVERY_LIMIT_S = 30.0


async def served_again(
    stub: pb_grpc.TestDataServiceStub,
    make: Callable[[], pb.GenerateRequest],
    served: Callable[[Answer, pb.GenerationMetadata], bool],
    answers: list[Answer],
    *,
    limit_s: float = RECOVERY_LIMIT_S,
) -> float | None:
    """Seconds until an answer to `make()` is `served` as before (None: not within `limit_s`);
    every answer on the way is added to `answers` (the invariant covers them too)."""
    since = time.monotonic()
    while time.monotonic() - since < limit_s:
        answer, metadata = await unary(stub, make(), timeout=30)
        answers.append(answer)
        if served(answer, metadata):
            return round(time.monotonic() - since, 2)
        await asyncio.sleep(0.5)
    return None
