"""A worker SIGKILLed in the middle of a stream: alone (the caller is told, within the group's
session timeout rather than the bridge's idle timeout), one of two (the other takes the request
over and the caller sees nothing), and restarted at once (the redelivered request is answered).
"""

from __future__ import annotations

import time

from chaos.calls import request, stream, took
from chaos.invariant import Answer, check_answers
from chaos.processes import ChaosStack, chaos_settings, running
from chaos.result import Figure, ScenarioResult
from contracts._proto import test_data_pb2 as pb
from testing.stack import WorkerProcess

#: 10,000 carts in chunks of 20: 500 chunks, so a kill at the first lands mid-stream
STREAM_RECORDS = 10_000
CHUNK_RECORDS = 20
SEED = 1212
CALLER_DEADLINE_S = 60.0
#: The bridge learns that the group lost its member by asking the broker: allowed on top of
#: the session timeout for that round trip
DETECTION_SLACK_S = 2.0


def _seeded(tag: str) -> pb.GenerateRequest:
    return request(tag, "cart", STREAM_RECORDS, seed=SEED)


class _KillAtFirstChunk:
    """Kills the worker serving the stream when its first chunk arrives (then, optionally,
    starts another in its place, as a supervisor would)."""

    def __init__(self, stack: ChaosStack, *, restart: bool = False) -> None:
        self.stack = stack
        self.restart = restart
        self.killed_at: float | None = None
        #: The longest the caller went without a chunk after the kill: the takeover (chunks the
        #: killed worker had already published may still arrive first)
        self.longest_silence_s: float | None = None
        self._last_chunk_at = 0.0
        self.victim: WorkerProcess | None = None

    def __call__(self, answer: Answer) -> None:
        now = time.monotonic()
        previous, self._last_chunk_at = self._last_chunk_at, now
        if self.killed_at is not None:
            silence = now - max(previous, self.killed_at)
            self.longest_silence_s = max(self.longest_silence_s or 0.0, silence)
            return
        if answer.chunks[-1].is_final:
            return
        self.victim = self.stack.serving(answer.request_id)
        if self.victim is None:
            return  # its log line is not written yet: the next chunk
        self.victim.kill()
        self.killed_at = time.monotonic()
        if self.restart:
            self.stack.workers.append(WorkerProcess(self.stack.settings))


def _takeover(killer: _KillAtFirstChunk) -> Figure:
    """The longest the caller waited for a chunk after the kill: how long the takeover took."""
    if killer.longest_silence_s is None:
        return "never"
    return round(killer.longest_silence_s, 2)


def _kill_problems(killer: _KillAtFirstChunk) -> list[str]:
    if killer.killed_at is None:
        return ["the worker answered the whole stream before it could be killed"]
    return []


async def worker_killed_alone() -> ScenarioResult:
    settings = chaos_settings(chunk_records=CHUNK_RECORDS)
    async with running(settings) as stack:
        killer = _KillAtFirstChunk(stack)
        answer = await stream(
            stack.client(), _seeded("alone"), timeout=CALLER_DEADLINE_S, on_chunk=killer
        )
    problems = _kill_problems(killer) + check_answers([answer], must_complete=False)
    limit = settings.worker_session_timeout_s + DETECTION_SLACK_S
    error_after = took(answer, killer.killed_at)
    if answer.status != "UNAVAILABLE":
        problems.append(f"the caller got {answer.status or 'a final chunk'}, not UNAVAILABLE")
    elif error_after > limit:
        problems.append(
            f"UNAVAILABLE {error_after}s after the kill, not within the session timeout "
            f"({settings.worker_session_timeout_s:g}s + {DETECTION_SLACK_S:g}s)"
        )
    figures: dict[str, Figure] = {
        "status": answer.status or "ok",
        "error_after_kill_s": error_after,
        "limit_s": limit,
        "deadline_s": CALLER_DEADLINE_S,
        "chunks": len(answer.chunks),
        "details": answer.details[:80],
    }
    return ScenarioResult.of("worker-killed-alone", figures, problems)


async def _reference(stack: ChaosStack) -> Answer:
    """The same seeded stream, undisturbed: what the disturbed one must equal."""
    return await stream(stack.client(), _seeded("reference"), timeout=CALLER_DEADLINE_S)


def _compare(reference: Answer, answer: Answer) -> list[str]:
    problems = check_answers([reference, answer], must_complete=True)
    if not problems and reference.data() != answer.data():
        problems.append("the records differ from an undisturbed run with the same seed")
    return problems


async def worker_killed_of_two() -> ScenarioResult:
    settings = chaos_settings(chunk_records=CHUNK_RECORDS)
    async with running(settings, workers=2) as stack:
        reference = await _reference(stack)
        killer = _KillAtFirstChunk(stack)
        answer = await stream(
            stack.client(), _seeded("of-two"), timeout=CALLER_DEADLINE_S * 1.5, on_chunk=killer
        )
    problems = _kill_problems(killer) + _compare(reference, answer)
    figures: dict[str, Figure] = {
        "status": answer.status or "ok",
        "takeover_s": _takeover(killer),
        "done_after_kill_s": took(answer, killer.killed_at),
        "undisturbed_s": took(reference),
        "records": answer.records,
        "chunks_received": len(answer.chunks),
        "identical": str(reference.data() == answer.data()).lower(),
        "details": answer.details[:80],
    }
    return ScenarioResult.of("worker-killed-of-two", figures, problems)


async def worker_restarted() -> ScenarioResult:
    settings = chaos_settings(chunk_records=CHUNK_RECORDS)
    async with running(settings) as stack:
        reference = await _reference(stack)
        killer = _KillAtFirstChunk(stack, restart=True)
        answer = await stream(
            stack.client(), _seeded("restarted"), timeout=CALLER_DEADLINE_S, on_chunk=killer
        )
    problems = _kill_problems(killer) + _compare(reference, answer)
    figures: dict[str, Figure] = {
        "status": answer.status or "ok",
        "takeover_s": _takeover(killer),
        "done_after_kill_s": took(answer, killer.killed_at),
        "deadline_s": CALLER_DEADLINE_S,
        "records": answer.records,
        "identical": str(reference.data() == answer.data()).lower(),
        "details": answer.details[:80],
    }
    return ScenarioResult.of("worker-restarted", figures, problems)
