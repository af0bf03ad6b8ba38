"""The LLM path: traditional records as skeletons, judgement fields written by a model.

Per batch of `batch_size` records: the skeleton generator (the traditional path's) makes the
skeletons (so ids, timestamps, `_index` and `_scenario` are exactly what that path would give,
and `_index` is global across batches), the model writes the judgement fields through structured
output, code merges and recomputes derived fields, and the records are validated. Invalid
output is retried at most twice with a prompt quoting the problems, then the next backend is
tried, then the skeletons themselves are published: the traditional fallback costs nothing.

Up to `max_in_flight` batches are in flight at once; they are yielded in order as each is ready.
"""

from __future__ import annotations

import asyncio
import logging
from collections import Counter, deque
from collections.abc import AsyncIterator, Sequence
from dataclasses import dataclass, field

from generators.core.errors import FallbackReason, LLMOutputError, LLMRefusalError
from generators.core.protocol import GenerationPath, Generator, PathOutcome, RunContext
from generators.core.record import Record
from generators.core.request import FieldSpec, GenerationRequest
from generators.core.schema import EntitySchema
from generators.kinds.overrides import Override, apply_overrides, compile_overrides
from generators.paths.llm.backend import LLMBackend
from generators.paths.llm.division import judgement_fields
from generators.paths.llm.fallback import FallbackChain
from generators.paths.llm.json_schema import records_json_schema
from generators.paths.llm.merge import merge_batch
from generators.paths.llm.parsing import reply_records
from generators.paths.llm.prompt_builder import (
    BatchSlice,
    PromptKnowledge,
    PromptLimits,
    build_prompt,
    choose_template,
    stricter_prompt,
)
from generators.paths.llm.prompts.system import build_system_prompt
from generators.paths.llm.prompts.templates import TEMPLATE_TAGS, TemplateKind
from generators.paths.llm.record_checks import record_problems
from generators.paths.llm.report import FallbackStep, LLMReport
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
        """None when some backend is configured; the router routes around the path when not."""
        backends = self._model.backends
        if any(backend.available for backend in backends):
            return None
        names = " or ".join(b.name for b in backends) or "any backend"
        return f"no API key configured for {names}"

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
        self._overrides: dict[str, tuple[Override, ...]] = {
            s.name: compile_overrides(schema, s) for s in request.scenarios
        }
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
            self.report.tokens_used,
            tuple(f"{s.backend}: {s.reason.value} ({s.detail})" for s in steps),
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
                self.report.traditional_records += len(batch)
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
        first_index = int(skeletons[0]["_index"])
        outcome = await self._chain.run(first_index, lambda b: self._attempts(b, skeletons))
        if outcome is None:
            self.report.traditional_records += len(skeletons)
            return skeletons
        records, backend = outcome
        self.report.used(backend.name, len(records))
        return records

    async def _attempts(self, backend: LLMBackend, skeletons: list[Record]) -> list[Record]:
        slices = batch_slices(skeletons)
        prompt = build_prompt(
            self._request,
            self._schema,
            self._kind,
            slices,
            self._fields,
            knowledge=self._knowledge,
            limits=self._model.options.limits,
        )
        json_schema = records_json_schema(
            self._fields,
            self._schema,
            count=len(skeletons),
            scenarios=[s.scenario for s in slices],
            tags=(self._tag,) if self._tag else (),
        )
        current = prompt
        problems: list[str] = []
        for attempt in range(self._model.options.max_attempts):
            if attempt:
                self.report.retries += 1
            reply = await backend.complete(self._model.system_prompt, current, json_schema)
            self.report.add_usage(reply)
            if reply.refusal is not None:
                msg = f"{backend.name} refused: {reply.refusal[:200]}"
                raise LLMRefusalError(msg)
            try:
                replies = reply_records(reply)
            except LLMOutputError as error:
                problems = list(error.problems)
            else:
                records, problems = merge_batch(
                    skeletons, replies, self._fields, self._schema, self._tag
                )
                problems += record_problems(records, self._schema)
                if not problems:
                    return self._with_overrides(records)
            current = stricter_prompt(prompt, problems)
        attempts = self._model.options.max_attempts
        msg = f"{backend.name}: output still invalid after {attempts} attempts: {problems[0]}"
        raise LLMOutputError(msg, tuple(problems))

    def _with_overrides(self, records: list[Record]) -> list[Record]:
        for record in records:
            overrides = self._overrides.get(record["_scenario"])
            if overrides:
                apply_overrides(record, overrides)
        return records


def batch_slices(records: Sequence[Record]) -> list[BatchSlice]:
    """Consecutive runs of one scenario (records come grouped by scenario)."""
    counts = Counter(str(r["_scenario"]) for r in records)
    return [BatchSlice(name, count) for name, count in counts.items()]
