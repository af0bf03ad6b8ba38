"""What the worker does with one request event: decode, check, route, generate, publish.

Free of Faust: the agent hands over the raw message and a `Publisher`, so the whole flow runs in
unit tests against an in-memory publisher. Every request that names an acceptable reply topic
ends in exactly one final chunk, success or error, because Faust acknowledges an event even when
its agent raises and a failure would otherwise leave the caller waiting.
"""

from __future__ import annotations

import asyncio
import dataclasses
import logging
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

from config.settings import GenerationSettings, KafkaSettings
from contracts.avro import AvroCodec, Contract
from contracts.requests import request_from_event
from contracts.topics import reply_topic_problem
from generators.core.errors import InvalidRequest, UndecodableEvent
from generators.core.protocol import GenerationRun, Generator, PathOutcome, RunContext
from generators.core.request import GenerationRequest
from generators.entities.registry import resolve_schema
from generators.output.registry import make_formatter
from generators.quality.coherence import CoherenceTracker
from generators.quality.validation import validate_request
from router.intelligence import RoutingDecision, route
from streams.cache import CachedRun, DataPoolCache
from streams.dead_letters import DeadLetters, IncomingEvent
from streams.publisher import Publisher
from streams.replies import ReplyWriter

log = logging.getLogger(__name__)


class RequestProcessor:
    def __init__(
        self,
        kafka: KafkaSettings,
        limits: GenerationSettings,
        codec: AvroCodec,
        publisher: Publisher,
        paths: Sequence[Generator],
        cache: DataPoolCache | None = None,
    ) -> None:
        """`paths` are the generation paths this worker serves, in the order the router reads
        their signals (`streams.wiring.build_paths`)."""
        self._kafka = kafka
        self._limits = limits
        self._codec = codec
        self._publisher = publisher
        self._dead_letters = DeadLetters(kafka.dead_letter_topic, codec, publisher)
        self._paths = {path.name: path for path in paths}
        self._routings = {name: path.routing for name, path in self._paths.items()}
        self._cache = cache

    async def _availability(self) -> tuple[frozenset[str], dict[str, str]]:
        """Which paths can serve now: paths backed by a remote store (Weaviate) re-check it
        every few seconds, so a store going down or coming back changes the routing."""
        await asyncio.gather(*(path.probe() for path in self._paths.values()))
        why = {
            name: reason
            for name, path in self._paths.items()
            if (reason := path.unavailable_reason) is not None
        }
        return frozenset(name for name in self._paths if name not in why), why

    async def handle(self, event: IncomingEvent) -> None:
        started = time.perf_counter()
        try:
            raw = self._codec.decode(Contract.GENERATE_REQUESTED, event.value)
        except UndecodableEvent as exc:
            await self._dead_letter(event, str(exc))
            return
        request = request_from_event(raw)
        if not request.request_id.strip():
            await self._dead_letter(event, "request_id: is empty", field="request_id")
            return
        topic_problem = reply_topic_problem(request.reply_topic, self._kafka)
        if topic_problem is not None:
            reason = f"reply_topic: {topic_problem}"
            await self._dead_letter(event, reason, field="reply_topic", request=request)
            return
        writer = ReplyWriter(self._publisher, self._codec, request.reply_topic, request.request_id)
        problems = validate_request(request, max_records=self._limits.max_records)
        if problems:
            invalid = InvalidRequest(problems)
            await self._dead_letter(event, str(invalid), field=invalid.field, request=request)
            await writer.error(invalid)
            await self._publisher.flush()
            return
        try:
            await self._generate(request, writer, started)
        except Exception as exc:
            log.exception(
                "request %s failed after %d chunks", request.request_id, writer.next_index
            )
            if not writer.finished:
                await writer.error(exc, prefix="generation failed: ")
        await self._publisher.flush()

    async def _generate(
        self, request: GenerationRequest, writer: ReplyWriter, started: float
    ) -> None:
        available, why_unavailable = await self._availability()
        decision = route(request, self._routings, available, why_unavailable)
        log.info(
            "request %s: %d %s records via %s (%s)",
            request.request_id,
            request.count,
            request.schema_name or "custom",
            decision.path,
            decision.reason,
        )
        generator = self._paths[decision.path]
        schema = generator.output_schema(request, resolve_schema(request))
        formatter = make_formatter(request.output_format, schema, scenarios=request.scenarios)
        coherence = CoherenceTracker(schema)
        scenario_counts: Counter[str] = Counter()
        total = 0
        pending: tuple[str, int] | None = None
        batch_size = generator.batch_size

        def generate() -> GenerationRun:
            return generator.start(request, schema, RunContext(batch_size))

        if request.use_cache and self._cache is not None:
            cached = await self._cache.start(request, schema, decision.path, batch_size, generate)
        else:
            cached = CachedRun(generate())
        if cached.note:
            decision = dataclasses.replace(decision, reason=decision.reason + cached.note)
        run = cached.run
        async for batch in run:
            coherence.add(batch)
            scenario_counts.update(record["_scenario"] for record in batch)
            total += len(batch)
            text = formatter.format(batch, first=pending is None)
            if pending is not None:
                await writer.data(*pending)
            pending = (text, len(batch))
        if pending is None:
            pending = (formatter.format([], first=True), 0)
        outcome = cached.outcome
        if outcome.fallbacks:
            log.warning(
                "request %s fell back: %s", request.request_id, "; ".join(outcome.fallbacks)
            )
        metadata = _metadata(
            decision,
            outcome,
            started,
            coherence.score,
            scenario_counts,
            total,
            request.effective_seed,
        )
        await writer.final(*pending, metadata)
        await cached.after_answer()

    async def _dead_letter(
        self,
        event: IncomingEvent,
        reason: str,
        *,
        field: str = "",
        request: GenerationRequest | None = None,
    ) -> None:
        request_id = request.request_id if request else ""
        await self._dead_letters.send(event, reason, field=field, request_id=request_id)


def _metadata(
    decision: RoutingDecision,
    outcome: PathOutcome,
    started: float,
    coherence_score: float,
    scenario_counts: Mapping[str, int],
    total: int,
    seed: int,
) -> dict[str, Any]:
    return {
        "generation_path": outcome.path_used,
        "routing_reason": decision.reason,
        "routing_confidence": decision.confidence,
        "llm_tokens_used": outcome.tokens_used,
        "generation_time_ms": (time.perf_counter() - started) * 1000.0,
        "coherence_score": coherence_score,
        "scenario_counts": dict(scenario_counts),
        "record_count": total,
        "seed": seed,
        "fallbacks": list(outcome.fallbacks),
    }
