"""A reply topic deleted while a stream is written to it: the caller gets one ending (its
answer or an error) before its deadline, and the bridge's later requests, the ones that lease
that topic again among them, are answered; no topic is left over or missing."""

from __future__ import annotations

import asyncio

from chaos.calls import request, stream, took
from chaos.invariant import Answer, check_answers
from chaos.processes import chaos_settings, running
from chaos.recovery import round_the_pool
from chaos.result import Figure, ScenarioResult
from clients.kafka_admin import KafkaAdmin
from config import Settings

POOL_SIZE = 4
CALLER_DEADLINE_S = 60.0


class _DeleteAtFirstChunk:
    """Deletes the stream's reply topic when its first chunk arrives. A fresh bridge leases
    its pool in order, so the first request's topic is the pool's first (`.000`)."""

    def __init__(self, settings: Settings) -> None:
        self.topic = f"{settings.reply_topic_prefix}{settings.bridge_id}.000"
        self._kafka = settings.kafka
        self.deleting: asyncio.Task[None] | None = None

    def __call__(self, answer: Answer) -> None:
        if self.deleting is None and not answer.chunks[-1].is_final:
            self.deleting = asyncio.get_running_loop().create_task(self._delete())

    async def _delete(self) -> None:
        async with KafkaAdmin.from_settings(self._kafka) as admin:
            await admin.delete_topics([self.topic])


async def reply_topic_deleted() -> ScenarioResult:
    settings = chaos_settings(chunk_records=5, reply_pool_size=POOL_SIZE)
    async with running(settings) as stack:
        stub = stack.client()
        deleter = _DeleteAtFirstChunk(settings)
        answer = await stream(
            stub, request("deleted", "cart", 10_000), timeout=CALLER_DEADLINE_S, on_chunk=deleter
        )
        if deleter.deleting is not None:
            await deleter.deleting
        pool_problems, pool_figures = await round_the_pool(stub, settings)
    problems = check_answers([answer], must_complete=False) + pool_problems
    if deleter.deleting is None:
        problems.append("the stream ended before its reply topic could be deleted")
    if answer.status == "DEADLINE_EXCEEDED":
        problems.append("the caller was left waiting until its deadline")
    figures: dict[str, Figure] = {
        "status": answer.status or "ok",
        "ended_after_s": took(answer),
        "deadline_s": CALLER_DEADLINE_S,
        **pool_figures,
        "details": answer.details[:80],
    }
    return ScenarioResult.of("reply-topic-deleted", figures, problems)
