"""The RAG path: records adapted from what the knowledge base retrieved for the request."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import AsyncIterator

from generators.core.errors import PatternStoreUnavailable
from generators.core.knowledge import PatternStore, RetrievedContext
from generators.core.protocol import GenerationPath, Generator, PathOutcome, RunContext
from generators.core.record import Record
from generators.core.request import GenerationRequest
from generators.core.schema import EntitySchema
from generators.knowledge.query import pattern_query
from generators.paths.rag.adapter import SOURCE_TAG, RecordAdapter
from generators.paths.rag.routing import RAG_ROUTING

log = logging.getLogger(__name__)

#: Records per batch unless the worker's settings say otherwise.
DEFAULT_BATCH_SIZE = 500


class RAGGenerator:
    """Retrieves once per request, then adapts the base generator's records batch by batch,
    so memory stays flat however many records are asked for."""

    name = GenerationPath.RAG
    routing = RAG_ROUTING

    def __init__(
        self,
        store: PatternStore,
        base: Generator,
        *,
        top_k: int,
        batch_size: int = DEFAULT_BATCH_SIZE,
        recheck_s: float = 2.0,
    ) -> None:
        self.batch_size = batch_size
        self._store = store
        self._base = base
        self._top_k = top_k
        self._recheck_s = recheck_s
        self._problem: str | None = None
        self._checked = -float("inf")
        self._probing: asyncio.Task[None] | None = None

    @property
    def unavailable_reason(self) -> str | None:
        return None if self._problem is None else f"knowledge base down: {self._problem}"

    async def probe(self) -> None:
        """Re-check the store in the background when the last check is stale: a request never
        waits on a store that hangs; it is routed on the last answer (and a retrieval that
        fails falls back anyway)."""
        now = time.monotonic()
        if now - self._checked < self._recheck_s or self._probing is not None:
            return
        self._checked = now
        self._probing = asyncio.create_task(self._check())

    async def _check(self) -> None:
        try:
            self._problem = await self._store.problem()
        except Exception as exc:
            self._problem = f"{type(exc).__name__}: {exc}"
        finally:
            self._checked = time.monotonic()
            self._probing = None

    def output_schema(self, request: GenerationRequest, schema: EntitySchema) -> EntitySchema:
        return schema.with_tag(SOURCE_TAG)

    async def retrieve(self, request: GenerationRequest, schema: EntitySchema) -> RetrievedContext:
        """Raises PatternStoreUnavailable (and marks the path down) when the store is."""
        try:
            return await self._store.retrieve(pattern_query(request, schema, self._top_k))
        except PatternStoreUnavailable as exc:
            self._problem, self._checked = str(exc), time.monotonic()
            raise

    def start(
        self, request: GenerationRequest, schema: EntitySchema, context: RunContext
    ) -> RAGRun:
        return RAGRun(self, self._base, request, schema, context)


class RAGRun:
    def __init__(
        self,
        rag: RAGGenerator,
        base: Generator,
        request: GenerationRequest,
        schema: EntitySchema,
        context: RunContext,
    ) -> None:
        self._rag = rag
        self._base = base
        self._request = request
        self._schema = schema
        self._context = context
        self._fallbacks: list[str] = []
        self._adapted = 0

    @property
    def outcome(self) -> PathOutcome:
        path = GenerationPath.RAG if self._adapted else self._base.name
        return PathOutcome(path, fallbacks=tuple(self._fallbacks))

    def __aiter__(self) -> AsyncIterator[list[Record]]:
        return self._batches()

    async def _batches(self) -> AsyncIterator[list[Record]]:
        retrieved = self._context.retrieved
        if retrieved is None:
            retrieved = await self._retrieve()
        adapter = RecordAdapter(retrieved, self._request, self._schema)
        if not adapter.has_knowledge and not self._fallbacks:
            entity = self._request.entity or self._schema.name
            self._fallbacks.append(f"rag: nothing retrieved for {entity!r}; traditional records")
        base = self._base.start(self._request, self._schema, RunContext(self._context.batch_size))
        async for batch in base:
            yield [adapter.adapt(record) for record in batch]
        self._adapted = adapter.adapted

    async def _retrieve(self) -> RetrievedContext:
        try:
            return await self._rag.retrieve(self._request, self._schema)
        except PatternStoreUnavailable as exc:
            log.warning("request %s: RAG retrieval failed: %s", self._request.request_id, exc)
            self._fallbacks.append(f"rag: {exc}; traditional records")
            return RetrievedContext()
