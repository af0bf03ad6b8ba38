"""The hybrid path: retrieved patterns and defects in the LLM's prompt, RAG records as its
skeletons.

Retrieval happens once. The LLM path then runs with the RAG path as its skeleton source (so
ids, dates and trigger values come from adapted records) and the retrieved knowledge in its
prompt: good patterns fill the PRD's RAG template, defects its edge-case template. After the
model writes its fields, each record's source is laid over it again, so a defect's trigger
values survive the rewrite. Fallback is the LLM path's (Claude, then the OpenAI-compatible
endpoint); when every backend gives up, the RAG skeletons are the answer.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from typing import Any

from generators.core.errors import PatternStoreUnavailable
from generators.core.protocol import GenerationPath, PathOutcome, Record, RunGenerator
from generators.core.request import GenerationRequest
from generators.core.schema import EntitySchema
from generators.knowledge.model import RetrievedContext
from generators.knowledge.query import pattern_query
from generators.paths.llm.backend import LLMBackend
from generators.paths.llm.generator import LLMGenerator, LLMOptions
from generators.paths.llm.prompt_builder import choose_template
from generators.paths.llm.prompts.templates import TEMPLATE_TAGS
from generators.paths.rag.adapter import SOURCE_TAG, RecordAdapter
from generators.paths.rag.generator import RETRIEVED, RAGGenerator

NO_EXAMPLES = "(no similar examples in the knowledge base yet)"


class HybridGenerator(RunGenerator):
    path = GenerationPath.HYBRID

    def __init__(
        self,
        rag: RAGGenerator,
        backends: Sequence[LLMBackend],
        *,
        options: LLMOptions | None = None,
        system_prompt: str | None = None,
    ) -> None:
        self._rag = rag
        self._llm = LLMGenerator(backends, rag, options=options, system_prompt=system_prompt)

    @property
    def available(self) -> bool:
        return self._rag.available and self._llm.available

    @property
    def unavailable_reason(self) -> str:
        return self._rag.unavailable_reason or self._llm.unavailable_reason

    async def probe(self) -> None:
        await self._rag.probe()

    def output_schema(self, request: GenerationRequest, schema: EntitySchema) -> EntitySchema:
        kind = choose_template(request, schema, prompt_context(RetrievedContext(), request, schema))
        return self._rag.output_schema(request, schema).with_tag(TEMPLATE_TAGS.get(kind))

    def start(
        self,
        request: GenerationRequest,
        schema: EntitySchema,
        *,
        batch_size: int,
        context: Mapping[str, Any] | None = None,
    ) -> HybridRun:
        return HybridRun(self, request, schema, batch_size)


def prompt_context(
    retrieved: RetrievedContext, request: GenerationRequest, schema: EntitySchema
) -> dict[str, Any]:
    """What the LLM templates quote: examples for the RAG template, defects for the edge-case
    one (with what each broke), and the retrieval itself for the skeletons. Examples are never
    empty when patterns were searched for, so the template (and the tag it adds) does not
    depend on what the search found."""
    wanted = pattern_query(request, schema, 1).patterns
    return {
        RETRIEVED: retrieved,
        "examples": [p.data for p in retrieved.patterns] or (NO_EXAMPLES if wanted else []),
        "defect_patterns": [
            {"defect": d.description, "severity": d.severity, "trigger_data": list(d.triggers)}
            for d in retrieved.defects
        ],
    }


class HybridRun:
    def __init__(
        self,
        generator: HybridGenerator,
        request: GenerationRequest,
        schema: EntitySchema,
        batch_size: int,
    ) -> None:
        self._gen = generator
        self._request = request
        self._schema = schema
        self._batch_size = batch_size
        self._fallbacks: list[str] = []
        self._llm_outcome = PathOutcome(GenerationPath.TRADITIONAL)
        self._adapted = 0

    @property
    def outcome(self) -> PathOutcome:
        llm = self._llm_outcome
        if llm.path_used is GenerationPath.LLM:
            path = GenerationPath.HYBRID
        elif self._adapted:
            path = GenerationPath.RAG
        else:
            path = GenerationPath.TRADITIONAL
        return PathOutcome(path, llm.tokens_used, (*self._fallbacks, *llm.fallbacks))

    def __aiter__(self) -> AsyncIterator[list[Record]]:
        return self._batches()

    async def _batches(self) -> AsyncIterator[list[Record]]:
        try:
            retrieved = await self._gen._rag.retrieve(self._request, self._schema)
        except PatternStoreUnavailable as exc:
            self._fallbacks.append(f"rag: {exc}; no retrieved context")
            retrieved = RetrievedContext()
        adapter = RecordAdapter(retrieved, self._request, self._schema)
        run = self._gen._llm.start(
            self._request,
            self._schema,
            batch_size=self._batch_size,
            context=prompt_context(retrieved, self._request, self._schema),
        )
        try:
            async for batch in run:
                records = [adapter.reassert(record) for record in batch]
                self._adapted += sum(1 for r in records if r.get(SOURCE_TAG) != "generated")
                yield records
        finally:
            self._llm_outcome = run.outcome
