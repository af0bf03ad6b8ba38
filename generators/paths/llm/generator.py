"""The LLM path: traditional records as skeletons, judgement fields written by a model.

Per batch of `batch_size` records: the skeleton generator (the traditional path's) makes the
skeletons (so ids, timestamps, `_index` and `_scenario` are exactly what that path would give,
and `_index` is global across batches), the model writes the judgement fields through structured
output (one array per scenario, exact counts), code merges and recomputes derived fields, and
each record is validated where it is placed. Valid records are kept, records under the wrong
scenario re-labelled (`acceptance`), and only the positions still open are asked again, at most
twice, with their problems named; what one backend leaves open goes to the next, and what none
fills keeps the skeleton's values: the traditional fallback costs nothing.

Up to `max_in_flight` batches are in flight at once; they are yielded in order as each is ready.
"""

from __future__ import annotations

import asyncio
import functools
import logging
from collections import deque
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from generators.core.errors import FallbackReason, LLMOutputError, LLMRefusalError
from generators.core.protocol import GenerationPath, Generator, PathOutcome, RunContext
from generators.core.record import Record
from generators.core.request import FieldSpec, GenerationRequest
from generators.core.schema import EntitySchema
from generators.paths.llm.acceptance import BatchWork
from generators.paths.llm.backend import LLMBackend, LLMCall
from generators.paths.llm.division import judgement_fields
from generators.paths.llm.fallback import FallbackChain
from generators.paths.llm.json_schema import output_token_budget, records_json_schema
from generators.paths.llm.merge import RecordFit
from generators.paths.llm.parsing import reply_groups
from generators.paths.llm.prompt_builder import (
    PromptKnowledge,
    PromptLimits,
    batch_prompt,
    build_prompt,
    choose_template,
)
from generators.paths.llm.prompts.system import build_system_prompt
from generators.paths.llm.prompts.templates import TEMPLATE_TAGS, TemplateKind
from generators.paths.llm.report import BatchReport, FallbackStep, LLMReport
from generators.paths.llm.routing import LLM_ROUTING

log = logging.getLogger(__name__)

#: Records per model call unless the worker's settings say otherwise.
DEFAULT_BATCH_SIZE = 50


@dataclass(frozen=True, slots=True)
class LLMOptions:
    max_attempts: int = 3  # the first answer plus at most two stricter retries
    max_in_flight: int = 4
    limits: PromptLimits = field(default_factory=PromptLimits)


@dataclass(frozen=True, slots=True)
class ModelAccess:
    """How a run reaches the models: backends in fallback order, the options, the system
    prompt."""

    backends: tuple[LLMBackend, ...]
    options: LLMOptions
    system_prompt: str


class LLMGenerator:
    """Build one per process with the backends in fallback order and the generator that
    supplies skeletons (the traditional path, or the RAG path for the hybrid one): it is also
    the last fallback."""

    name = GenerationPath.LLM
    routing = LLM_ROUTING

    def __init__(
        self,
        backends: Sequence[LLMBackend],
        skeletons: Generator,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        options: LLMOptions | None = None,
        system_prompt: str | None = None,
    ) -> None:
        """Model calls are slow and bounded by output tokens, so batches are smaller than the
        traditional path's (`batch_size` records per call)."""
        self.batch_size = batch_size
        self._skeletons = skeletons
        self._model = ModelAccess(
            tuple(backends),
            options or LLMOptions(),
            system_prompt if system_prompt is not None else build_system_prompt(),
        )

    @property
    def unavailable_reason(self) -> str | None:
        """None when some backend can be called now; else why none can (no key configured, an
        open circuit breaker), and the router routes around the path saying so. This is the
        LLM path being unavailable, not the service being degraded."""
        backends = self._model.backends
        if any(backend.available for backend in backends):
            return None
        if not backends:
            return "no LLM backend configured"
        return "; ".join(f"{b.name}: {b.unavailable_detail or 'unavailable'}" for b in backends)

    async def probe(self) -> None:
        """Nothing to probe: a backend without a key is known at once, a failing one is found
        by the fallback chain."""

    def output_schema(self, request: GenerationRequest, schema: EntitySchema) -> EntitySchema:
        return schema.with_tag(TEMPLATE_TAGS.get(choose_template(request, schema)))

    def start(
        self, request: GenerationRequest, schema: EntitySchema, context: RunContext
    ) -> LLMRun:
        """A run to iterate for batches; its `report` is complete once iteration ends."""
        if context.batch_size < 1:
            msg = f"batch_size must be at least 1, got {context.batch_size}"
            raise ValueError(msg)
        return LLMRun(self._model, self._skeletons, request, schema, context)


class LLMRun:
    """One request on the LLM path: async-iterate it for batches, then read `report`."""

    def __init__(
        self,
        model: ModelAccess,
        skeletons: Generator,
        request: GenerationRequest,
        schema: EntitySchema,
        context: RunContext,
    ) -> None:
        self._model = model
        self._skeletons = skeletons.start(request, schema, context)
        self._request = request
        self._schema = schema
        self._knowledge = (
            PromptKnowledge.of(context.retrieved, request, schema)
            if context.retrieved is not None
            else None
        )
        self._fields: tuple[FieldSpec, ...] = judgement_fields(schema)
        self._kind: TemplateKind = choose_template(request, schema, self._knowledge)
        self._tag = TEMPLATE_TAGS.get(self._kind)
        self._fit = RecordFit(schema, self._fields, self._tag, request.scenarios)
        self._stable = build_prompt(
            request,
            schema,
            self._kind,
            self._fields,
            knowledge=self._knowledge,
            limits=model.options.limits,
        )
        self.report = LLMReport(tuple(b.name for b in model.backends), self._kind.value)
        self._chain = FallbackChain(model.backends, self.report, request.request_id)

    def __aiter__(self) -> AsyncIterator[list[Record]]:
        return self._batches()

    @property
    def outcome(self) -> PathOutcome:
        """The LLM path when the model wrote any record, else the skeletons' own path."""
        steps = self.report.steps
        path = GenerationPath.LLM if self.report.llm_records else self._skeletons.outcome.path_used
        return PathOutcome(
            path,
            self.report.tokens,
            tuple(f"{s.backend}: {s.reason.value} ({s.detail})" for s in steps),
            tuple(b.as_dict() for b in sorted(self.report.batches, key=lambda b: b.first_index)),
        )

    async def _batches(self) -> AsyncIterator[list[Record]]:
        if self._fields:
            async for batch in self._model_batches():
                yield batch
        else:
            self.report.steps.append(
                FallbackStep("llm", FallbackReason.NOTHING_FOR_LLM, "no judgement fields", 0)
            )
            async for batch in self._skeletons:
                self.report.batches.append(BatchReport.unwritten(batch))
                yield batch
        log.info("request %s: LLM path: %s", self._request.request_id, self.report.summary())

    async def _model_batches(self) -> AsyncIterator[list[Record]]:
        """The skeletons' batches as the model completes them, up to `max_in_flight` at once."""
        pending: deque[asyncio.Task[list[Record]]] = deque()
        try:
            async for batch in self._skeletons:
                pending.append(asyncio.create_task(self._batch(batch)))
                if len(pending) >= self._model.options.max_in_flight:
                    yield await pending.popleft()
            while pending:
                yield await pending.popleft()
        finally:
            for task in pending:
                task.cancel()
            await asyncio.gather(*pending, return_exceptions=True)

    async def _batch(self, skeletons: list[Record]) -> list[Record]:
        work = BatchWork(skeletons)
        writers: list[str] = []

        async def fill(backend: LLMBackend) -> None:
            before = len(work.open)
            try:
                await self._attempts(backend, work)
            finally:
                if len(work.open) < before:
                    writers.append(backend.name)

        await self._chain.run(int(skeletons[0]["_index"]), fill)
        for name in writers:
            self.report.used(name)
        records = [
            r if r is not None else dict(s) for r, s in zip(work.records, skeletons, strict=True)
        ]
        tally = work.tally
        self.report.batches.append(
            BatchReport(
                int(skeletons[0]["_index"]),
                len(skeletons),
                tuple(writers),
                tally.calls,
                tally.kept,
                tally.repaired,
                work.reasked,
                len(work.open),
            )
        )
        return records

    async def _attempts(self, backend: LLMBackend, work: BatchWork) -> None:
        """Up to `max_attempts` calls on `backend` for the batch's open positions; raises
        `LLMOutputError` naming the problems when some are still open after them."""
        problems: list[str] = []
        attempts = self._model.options.max_attempts
        open_before = len(work.open)
        fit = functools.partial(self._fit, work.skeletons)
        for attempt in range(attempts):
            if not work.open:
                return
            if attempt:
                self.report.retries += 1
                work.asking_again()
            counts = work.wanted()
            json_schema = records_json_schema(
                self._fields, self._schema, counts=counts, tags=(self._tag,) if self._tag else ()
            )
            call = LLMCall(
                self._model.system_prompt,
                self._stable,
                batch_prompt(counts, problems),
                json_schema,
                output_token_budget(json_schema),
            )
            reply = await backend.complete(call)
            work.tally.calls += 1
            self.report.add_usage(reply)
            if reply.refusal is not None:
                msg = f"{backend.name} refused: {reply.refusal[:200]}"
                raise LLMRefusalError(msg)
            try:
                problems = work.take(reply_groups(reply), fit)
            except LLMOutputError as error:
                problems = list(error.problems)
            if reply.truncated and work.open:
                problems.insert(
                    0,
                    f"the answer was cut at max_tokens ({call.max_tokens}) before its end: "
                    "keep every value short",
                )
        if work.open:
            asked = len(work.skeletons)
            msg = (
                f"{backend.name}: {len(work.open)} of {asked} records still invalid after "
                f"{attempts} attempts: {problems[0] if problems else 'no answer'}"
            )
            raise LLMOutputError(msg, tuple(problems), kept=open_before - len(work.open))
