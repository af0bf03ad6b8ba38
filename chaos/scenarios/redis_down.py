"""Redis SIGKILLed and started again: while it is down, `use_cache` requests are generated
without the cache and say so; once it is back, they use the cache again. A private
redis-server on a free port, so the shared one stays up."""

from __future__ import annotations

from chaos.calls import request, said, took, unary
from chaos.invariant import check_answers
from chaos.processes import chaos_settings, running
from chaos.recovery import RECOVERY_LIMIT_S, served_again
from chaos.result import Figure, ScenarioResult
from chaos.services import kill_redis
from contracts._proto import test_data_pb2 as pb
from testing.stack import PrivateRedis

RECORDS = 20


def _cached() -> pb.GenerateRequest:
    """The same pool every time: only the request id differs."""
    return request("cache", "user", RECORDS, use_cache=True, seed=7)


async def redis_killed_and_back() -> ScenarioResult:
    redis = PrivateRedis()
    redis.start()
    try:
        async with running(chaos_settings(redis_url=redis.url)) as stack:
            stub = stack.client()
            filled, _ = await unary(stub, _cached(), timeout=30)
            hit, hit_meta = await unary(stub, _cached(), timeout=30)
            kill_redis(redis)
            down, down_meta = await unary(stub, _cached(), timeout=30)
            redis.start()
            answers = [filled, hit, down]
            recovered = await served_again(
                stub,
                _cached,
                lambda answer, metadata: answer.complete and "redis" not in said(metadata).lower(),
                answers,
            )
    finally:
        redis.stop()
    problems = check_answers(answers, must_complete=True)
    if "data-pool cache" not in hit_meta.routing_reason:
        problems.append(f"a repeated request was not served from the pool: {said(hit_meta)!r}")
    if "redis" not in said(down_meta).lower():
        problems.append(f"with Redis down the answer does not say so: {said(down_meta)!r}")
    if recovered is None:
        problems.append(f"still without the cache {RECOVERY_LIMIT_S:g}s after Redis came back")
    figures: dict[str, Figure] = {
        "answers": len(answers),
        "down_answer_s": took(down),
        "cache_again_after_s": recovered if recovered is not None else "never",
        "down_says": said(down_meta)[:70],
    }
    return ScenarioResult.of("redis-killed-and-back", figures, problems)
