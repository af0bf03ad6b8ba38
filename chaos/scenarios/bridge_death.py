"""The bridge SIGKILLed in the middle of a stream: its caller gets an error at once rather than
at its deadline, and a bridge started again with the same id leases the same reply topics,
answers requests on every one of them, and leaves no topic behind."""

from __future__ import annotations

import time

from chaos.calls import request, stream, took
from chaos.invariant import Answer, check_answers
from chaos.processes import ChaosStack, chaos_settings, running, seconds_since
from chaos.recovery import round_the_pool
from chaos.result import Figure, ScenarioResult

POOL_SIZE = 4
CALLER_DEADLINE_S = 60.0


class _CrashAtFirstChunk:
    def __init__(self, stack: ChaosStack) -> None:
        self.stack = stack
        self.killed_at: float | None = None

    def __call__(self, answer: Answer) -> None:
        if self.killed_at is None and not answer.chunks[-1].is_final:
            self.stack.kill_bridge()
            self.killed_at = time.monotonic()


async def bridge_killed() -> ScenarioResult:
    settings = chaos_settings(chunk_records=5, reply_pool_size=POOL_SIZE)
    async with running(settings) as stack:
        crash = _CrashAtFirstChunk(stack)
        answer = await stream(
            stack.client(),
            request("bridge-crash", "cart", 10_000),
            timeout=CALLER_DEADLINE_S,
            on_chunk=crash,
        )
        started = time.monotonic()
        stub = await stack.start_bridge()
        ready_s = seconds_since(started)
        pool_problems, pool_figures = await round_the_pool(stub, settings)
    problems = check_answers([answer], must_complete=False) + pool_problems
    if crash.killed_at is None:
        problems.append("the stream ended before the bridge could be killed")
    elif answer.status != "UNAVAILABLE":
        problems.append(f"the caller got {answer.status or 'its answer'}, not UNAVAILABLE")
    figures: dict[str, Figure] = {
        "status": answer.status or "ok",
        "error_after_kill_s": took(answer, crash.killed_at),
        "restart_ready_s": ready_s,
        **pool_figures,
    }
    return ScenarioResult.of("bridge-killed", figures, problems)
