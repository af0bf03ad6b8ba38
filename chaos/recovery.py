"""After a fault: asking again until a service that came back is used again (how long recovery
takes), and going round the bridge's reply-topic pool (every topic serves again, none leaks)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable

from chaos.calls import request, unary
from chaos.invariant import Answer, check_answers
from chaos.leaks import reply_topics
from chaos.result import Figure
from config import Settings
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


async def round_the_pool(
    stub: pb_grpc.TestDataServiceStub, settings: Settings
) -> tuple[list[str], dict[str, Figure]]:
    """Twice round the bridge's reply-topic pool with small requests: what breaks (an answer
    missing or wrong, a topic leaked or lost) and the figures."""
    pool = settings.reply_pool_size
    answers = [(await unary(stub, request("after"), timeout=30))[0] for _ in range(2 * pool)]
    topics = await reply_topics(settings)
    problems = check_answers(answers, must_complete=True)
    if len(topics) != pool:
        problems.append(f"{len(topics)} reply topics after the fault, the pool has {pool}")
    figures: dict[str, Figure] = {
        "later_answered": f"{sum(a.complete for a in answers)}/{len(answers)}",
        "reply_topics": f"{len(topics)}/{pool}",
    }
    return problems, figures
