"""What the worker does with one request event: decode, check, route, generate, publish.

Free of Faust: the agent hands over the raw message and a `Publisher`, so the whole flow runs in
unit tests against an in-memory publisher. Every request that names an acceptable reply topic
ends in exactly one final chunk, success or error, because Faust acknowledges an event even when
its agent raises and a failure would otherwise leave the caller waiting. While it generates, it
publishes progress, and it stops when the caller cancels or its deadline passes
(`streams.request_watch`); when the worker itself stops mid-request, it publishes nothing more,
and the request, unacknowledged, is redelivered to the worker that takes its partition over.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections import Counter
from collections.abc import Mapping, Sequence
from typing import Any

import structlog
from opentelemetry.trace import SpanKind

from config.settings import GenerationSettings, KafkaSettings
from contracts.avro import AvroCodec, Contract
from contracts.delivery import deadline_from
from contracts.requests import request_from_event
from contracts.topics import reply_topic_problem
from generators.core.errors import Cancelled, DeadlineExceeded, InvalidRequest, UndecodableEvent
from generators.core.protocol import GenerationRun, Generator, PathOutcome, RunContext
from generators.core.request import GenerationRequest
from generators.core.schema import EntitySchema
from generators.entities.registry import entity_named, resolve_schema
from generators.output.registry import make_formatter
from generators.quality.coherence import CoherenceTracker
from generators.quality.validation import validate_request
from observability import worker_metrics as metrics
from observability.logs import bound_request
from observability.tracing import context_from, messaging_attributes, tracer
from router.intelligence import RoutingDecision, route
from streams.cache import CachedRun, DataPoolCache
from streams.cancellations import Cancellations, RequestAt
from streams.dead_letters import DeadLetters, IncomingEvent
from streams.publisher import Publisher
from streams.replies import ReplyWriter
from streams.request_watch import run_watched

log = structlog.get_logger(__name__)


class RequestProcessor:
    def __init__(
        self,
        kafka: KafkaSettings,
        limits: GenerationSettings,
        codec: AvroCodec,
        publisher: Publisher,
        paths: Sequence[Generator],
        cache: DataPoolCache | None = None,
        cancellations: Cancellations | None = None,
    ) -> None:
        """`paths` are the generation paths this worker serves, in the order the router reads
        their signals (`streams.wiring.build_paths`); `cancellations` is fed by the worker's
        cancellation reader (none arrive without one)."""
        self._kafka = kafka
        self._limits = limits
        self._codec = codec
        self._publisher = publisher
        self._dead_letters = DeadLetters(kafka.dead_letter_topic, codec, publisher)
        self._paths = {path.name: path for path in paths}
        self._routings = {name: path.routing for name, path in self._paths.items()}
        self._cache = cache
        self._cancellations = cancellations or Cancellations()

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
        """One request event, in a `process` span continuing the trace its headers carry."""
        started = time.perf_counter()
        attributes = messaging_attributes(
            "process",
            event.topic,
            partition=event.partition,
            offset=event.offset,
            key=event.key,
            group=self._kafka.worker_group,
        )
        with (
            tracer.start_as_current_span(
                f"process {event.topic}",
                context=context_from(event.headers),
                kind=SpanKind.CONSUMER,
                attributes=attributes,
            ),
            metrics.IN_FLIGHT.track_inprogress(),
        ):
            await self._handle(event, started)

    async def _handle(self, event: IncomingEvent, started: float) -> None:
        try:
            raw = self._codec.decode(Contract.GENERATE_REQUESTED, event.value)
        except UndecodableEvent as exc:
            await self._dead_letter(event, str(exc))
            return
        request = request_from_event(raw)
        if not request.request_id.strip():
            await self._dead_letter(event, "request_id: is empty", field="request_id")
            return
        with bound_request(request.request_id):
            await self._answer(event, request, started)

    async def _answer(
        self, event: IncomingEvent, request: GenerationRequest, started: float
    ) -> None:
        log.info(
            "request received",
            domain=request.domain,
            entity=request.schema_name or "custom",
            count=request.count,
            output_format=request.output_format.value,
        )
        topic_problem = reply_topic_problem(request.reply_topic, self._kafka)
        if topic_problem is not None:
            reason = f"reply_topic: {topic_problem}"
            await self._dead_letter(event, reason, field="reply_topic", request=request)
            return
        writer = ReplyWriter(self._publisher, self._codec, request.reply_topic, request.request_id)
        with tracer.start_as_current_span("validate request"):
            problems = validate_request(
                request,
                max_records=self._limits.max_records,
                max_context_bytes=self._limits.max_context_bytes,
            )
        if problems:
            invalid = InvalidRequest(problems)
            await self._dead_letter(event, str(invalid), field=invalid.field, request=request)
            await writer.error(invalid)
            await self._publisher.flush()
            _count_failure(request, "none", writer)
            return
        path = "none"
        try:
            path = await run_watched(
                lambda: self._generate(request, writer, started),
                request=RequestAt(request.request_id, event.partition, event.offset),
                cancellations=self._cancellations,
                deadline_epoch_s=deadline_from(event.headers),
                progress=writer.progress,
                interval_s=self._kafka.progress_interval_s,
            )
        except (Cancelled, DeadlineExceeded) as stopped:
            log.info("generation stopped", reason=str(stopped), chunks_sent=writer.next_index)
            if not writer.finished:
                await writer.error(stopped)
            _count_failure(request, path, writer)
        except Exception as failure:
            log.exception("generation failed", chunks_sent=writer.next_index)
            if not writer.finished:
                await writer.error(failure, prefix="generation failed: ")
            _count_failure(request, path, writer)
        await self._publisher.flush()

    async def _generate(
        self, request: GenerationRequest, writer: ReplyWriter, started: float
    ) -> str:
        """Answer the request; returns the path that generated it."""
        with tracer.start_as_current_span("route") as span:
            available, why_unavailable = await self._availability()
            decision = route(request, self._routings, available, why_unavailable)
            span.set_attributes(
                {
                    "testdata.path": decision.path,
                    "testdata.routing.reason": decision.reason,
                    "testdata.routing.confidence": decision.confidence,
                }
            )
        log.info(
            "routing decision",
            path=decision.path,
            reason=decision.reason,
            confidence=round(decision.confidence, 3),
        )
        generator = self._paths[decision.path]
        schema = generator.output_schema(request, resolve_schema(request))
        with tracer.start_as_current_span("generate", attributes={"testdata.path": decision.path}):
            total, coherence, outcome = await self._run(
                request, writer, started, generator, schema, decision
            )
        domain, entity = _labels(schema)
        duration = time.perf_counter() - started
        metrics.REQUESTS.labels(outcome.path_used, domain, "ok").inc()
        metrics.GENERATION_SECONDS.labels(outcome.path_used).observe(duration)
        metrics.RECORDS.labels(domain, entity).inc(total)
        metrics.COHERENCE.labels(domain).observe(coherence)
        log.info(
            "generation complete",
            path=outcome.path_used,
            records=total,
            duration_ms=round(duration * 1000.0, 1),
            coherence=round(coherence, 3),
            tokens=outcome.tokens_used,
        )
        return outcome.path_used

    async def _run(
        self,
        request: GenerationRequest,
        writer: ReplyWriter,
        started: float,
        generator: Generator,
        schema: EntitySchema,
        decision: RoutingDecision,
    ) -> tuple[int, float, PathOutcome]:
        """Generate, format and publish every batch, then the final chunk with the metadata;
        returns the records answered, their coherence score and how the path ended."""
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
        for fallback in outcome.fallbacks:
            log.warning("fallback", path_used=outcome.path_used, cause=fallback)
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
        return total, coherence.score, outcome

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


def _labels(schema: EntitySchema) -> tuple[str, str]:
    """The metrics' domain and entity labels: a predefined entity's own, else `custom`, so a
    request's free-text names never become label values."""
    if schema.predefined:
        return schema.domain, schema.name
    return "custom", "custom"


def _count_failure(request: GenerationRequest, path: str, writer: ReplyWriter) -> None:
    entity = entity_named(request.schema_name) if not request.fields else None
    domain = entity.schema.domain if entity is not None else "custom"
    metrics.REQUESTS.labels(path, domain, writer.error_code or "INTERNAL").inc()


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
        "llm_input_tokens": outcome.tokens.input,
        "llm_cached_input_tokens": outcome.tokens.cached,
        "llm_cache_write_tokens": outcome.tokens.cache_write,
        "llm_output_tokens": outcome.tokens.output,
        "llm_batches": [dict(batch) for batch in outcome.batches],
    }
