"""Load the service should take without a fault: 500 request events published at once straight
to the request topic (each answered exactly once), and four 10,000-record streams at once
through the bridge (each complete)."""

from __future__ import annotations

import asyncio
import time
import uuid

from chaos.calls import request, stream
from chaos.invariant import check_answers, duplicate_chunks
from chaos.processes import ChaosStack, chaos_settings, running, seconds_since
from chaos.raw import publish, read_replies
from chaos.result import Figure, ScenarioResult
from generators.core.request import GenerationRequest
from testing.stack import create_topics

BURST_EVENTS = 500
BURST_RECORDS = 5
BURST_REPLY_TOPICS = 10
BURST_TIMEOUT_S = 120.0
STREAMS = 4
STREAM_RECORDS = 10_000
STREAM_DEADLINE_S = 120.0


async def burst() -> ScenarioResult:
    settings = chaos_settings()
    topics = [
        f"{settings.reply_topic_prefix}{settings.bridge_id}.burst{i:02d}"
        for i in range(BURST_REPLY_TOPICS)
    ]
    stack = ChaosStack(settings)
    try:
        await create_topics(settings, *topics)
        await stack.add_workers(1)
        requests = [
            GenerationRequest(
                request_id=f"chaos-burst-{i:03d}-{uuid.uuid4().hex[:6]}",
                entity="user",
                count=BURST_RECORDS,
                reply_topic=topics[i % BURST_REPLY_TOPICS],
            )
            for i in range(BURST_EVENTS)
        ]
        started = time.monotonic()
        answers = await publish(settings, requests)
        published_s = seconds_since(started)
        await read_replies(settings, topics, answers, timeout=BURST_TIMEOUT_S)
        answered_s = seconds_since(started)
    finally:
        await stack.close()
    problems = check_answers(answers.values(), must_complete=True)
    figures: dict[str, Figure] = {
        "acknowledged": len(answers),
        "answered": sum(a.complete for a in answers.values()),
        "published_s": published_s,
        "all_answered_s": answered_s,
        "duplicates": duplicate_chunks(answers.values()),
    }
    return ScenarioResult.of("burst-500", figures, problems)


async def concurrent_streams() -> ScenarioResult:
    async with running(chaos_settings()) as stack:
        started = time.monotonic()
        answers = await asyncio.gather(
            *(
                stream(
                    stack.client(),
                    request(f"concurrent{i}", "user", STREAM_RECORDS),
                    timeout=STREAM_DEADLINE_S,
                )
                for i in range(STREAMS)
            )
        )
        took_s = seconds_since(started)
    problems = check_answers(answers, must_complete=True)
    records = sum(a.records for a in answers)
    figures: dict[str, Figure] = {
        "streams": f"{sum(a.complete for a in answers)}/{STREAMS}",
        "records": records,
        "took_s": took_s,
        "records_per_s": round(records / took_s),
    }
    return ScenarioResult.of("concurrent-streams", figures, problems)
