"""The hybrid path: retrieved patterns and defects in the LLM's prompt, RAG records as its
skeletons.

Retrieval happens once. The LLM path then runs with the RAG path as its skeleton source (so
ids, dates and trigger values come from adapted records) and the retrieved knowledge in its
prompt: good patterns fill the PRD's RAG template, defects its edge-case template. After the
model writes its fields, each record's source is laid over it again, so a defect's trigger
values survive the rewrite. Fallback is the LLM path's (Claude, then the OpenAI-compatible
endpoint); when every backend gives up, the RAG skeletons are the answer.

The router prefers it when RAG signals meet a strong LLM signal (it combines the two paths'
signals; it has none of its own).
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from generators.core.errors import PatternStoreUnavailable
from generators.core.knowledge import RetrievedContext
from generators.core.protocol import (
    GenerationPath,
    GenerationRun,
    PathOutcome,
    Routing,
    RunContext,
    no_signals,
)
from generators.core.record import Record
from generators.core.request import GenerationRequest
from generators.core.schema import EntitySchema
from generators.paths.llm.backend import LLMBackend
from generators.paths.llm.generator import DEFAULT_BATCH_SIZE, LLMGenerator, LLMOptions
from generators.paths.llm.prompt_builder import PromptKnowledge, choose_template
from generators.paths.llm.prompts.templates import TEMPLATE_TAGS
from generators.paths.rag.adapter import SOURCE_TAG, RecordAdapter
from generators.paths.rag.generator import RAGGenerator

HYBRID_ROUTING = Routing(
    cost=3,
    signals=no_signals,
    fallbacks=(GenerationPath.LLM, GenerationPath.RAG, GenerationPath.TRADITIONAL),
    combines=(GenerationPath.RAG, GenerationPath.LLM),
)


class HybridGenerator:
    name = GenerationPath.HYBRID
    routing = HYBRID_ROUTING

    def __init__(
        self,
        rag: RAGGenerator,
        backends: Sequence[LLMBackend],
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        options: LLMOptions | None = None,
        system_prompt: str | None = None,
    ) -> None:
        self.batch_size = batch_size
        self._rag = rag
        self._llm = LLMGenerator(
            backends, rag, batch_size=batch_size, options=options, system_prompt=system_prompt
        )

    @property
    def unavailable_reason(self) -> str | None:
        return self._rag.unavailable_reason or self._llm.unavailable_reason

    async def probe(self) -> None:
        await self._rag.probe()

    def output_schema(self, request: GenerationRequest, schema: EntitySchema) -> EntitySchema:
        knowledge = PromptKnowledge.of(RetrievedContext(), request, schema)
        kind = choose_template(request, schema, knowledge)
        return self._rag.output_schema(request, schema).with_tag(TEMPLATE_TAGS.get(kind))

    def start(
        self, request: GenerationRequest, schema: EntitySchema, context: RunContext
    ) -> HybridRun:
        return HybridRun(self._rag, self._llm, request, schema, context)


class HybridRun:
    def __init__(
        self,
        rag: RAGGenerator,
        llm: LLMGenerator,
        request: GenerationRequest,
        schema: EntitySchema,
        context: RunContext,
    ) -> None:
        self._rag = rag
        self._llm = llm
        self._request = request
        self._schema = schema
        self._batch_size = context.batch_size
        self._fallbacks: list[str] = []
        self._llm_outcome = PathOutcome(GenerationPath.TRADITIONAL)
        self._adapted = 0

    @property
    def outcome(self) -> PathOutcome:
        llm = self._llm_outcome
        if llm.path_used == GenerationPath.LLM:
            path = GenerationPath.HYBRID
        elif self._adapted:
            path = GenerationPath.RAG
        else:
            path = GenerationPath.TRADITIONAL
        return PathOutcome(path, llm.tokens, (*self._fallbacks, *llm.fallbacks), llm.batches)

    def __aiter__(self) -> AsyncIterator[list[Record]]:
        return self._batches()

    async def _batches(self) -> AsyncIterator[list[Record]]:
        try:
            retrieved = await self._rag.retrieve(self._request, self._schema)
        except PatternStoreUnavailable as exc:
            self._fallbacks.append(f"rag: {exc}; no retrieved context")
            retrieved = RetrievedContext()
        adapter = RecordAdapter(retrieved, self._request, self._schema)
        run: GenerationRun = self._llm.start(
            self._request, self._schema, RunContext(self._batch_size, retrieved)
        )
        try:
            async for batch in run:
                records = [adapter.reassert(record) for record in batch]
                self._adapted += sum(1 for r in records if r.get(SOURCE_TAG) != "generated")
                yield records
        finally:
            self._llm_outcome = run.outcome
