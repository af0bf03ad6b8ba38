"""An in-memory knowledge base: the `PatternStore` the RAG and hybrid paths read and the
`KnowledgeWriter` the learning loop writes, with the ways Weaviate fails."""

from __future__ import annotations

from collections.abc import Sequence

from generators.core.errors import KnowledgeRejected, PatternStoreUnavailable
from generators.core.knowledge import (
    DefectPattern,
    Feedback,
    PatternQuery,
    RetrievedContext,
    TestDataPattern,
)


class MemoryKnowledge:
    """Answers every search with `context` and records the queries. `down` makes every call
    fail as a dead Weaviate does; `failures` makes the next writes fail that way; `refusing`
    makes writes fail as data Weaviate refuses does."""

    def __init__(
        self, context: RetrievedContext | None = None, *, failures: int = 0, refusing: bool = False
    ) -> None:
        self.context = context or RetrievedContext()
        self.down = False
        self.failures = failures
        self.refusing = refusing
        self.queries: list[PatternQuery] = []
        self.defects: list[DefectPattern] = []
        self.feedback: list[Feedback] = []

    async def retrieve(self, query: PatternQuery) -> RetrievedContext:
        self.queries.append(query)
        if self.down:
            msg = "weaviate at http://127.0.0.1:1: hybrid search failed (ConnectError)"
            raise PatternStoreUnavailable(msg)
        return self.context

    async def problem(self) -> str | None:
        return "connection refused" if self.down else None

    async def upsert_defects(self, defects: Sequence[DefectPattern]) -> None:
        self._write("DefectPattern")
        self.defects.extend(defects)

    async def apply_feedback(self, feedback: Feedback) -> list[TestDataPattern]:
        self._write("TestDataPattern")
        self.feedback.append(feedback)
        return []

    def _write(self, collection: str) -> None:
        if self.refusing:
            msg = f"weaviate at http://127.0.0.1:8080: 1 of 1 objects rejected by {collection}"
            raise KnowledgeRejected(msg)
        if self.down or self.failures:
            self.failures = max(self.failures - 1, 0)
            msg = "weaviate at http://127.0.0.1:1: writing failed (ConnectError)"
            raise PatternStoreUnavailable(msg)
