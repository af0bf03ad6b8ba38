"""The one async interface every generation path implements, and the paths themselves."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping
from enum import StrEnum
from typing import Any, ClassVar

from generators.request import GenerationRequest
from generators.schemas import EntitySchema

Record = dict[str, Any]


class GenerationPath(StrEnum):
    """How records get made. Defined here rather than in `router` so that generators never
    import the router (the router imports generators' schemas); `router` re-exports it."""

    TRADITIONAL = "traditional"
    LLM = "llm"
    RAG = "rag"
    HYBRID = "hybrid"


class Generator(ABC):
    """A generation path: streams a request's records in batches.

    Implementations yield lists of at most `batch_size` records, carrying `_index` (0-based,
    unique within the request) and `_scenario`, and keep memory independent of `count`.
    """

    path: ClassVar[GenerationPath]

    @abstractmethod
    def generate_stream(
        self,
        request: GenerationRequest,
        schema: EntitySchema,
        *,
        batch_size: int,
        context: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[list[Record]]:
        """Batches of records; `context` carries retrieved patterns for the hybrid path."""

    async def generate(
        self,
        request: GenerationRequest,
        schema: EntitySchema,
        *,
        batch_size: int,
        context: Mapping[str, Any] | None = None,
    ) -> list[Record]:
        """All records at once: for small (synchronous) requests only."""
        records: list[Record] = []
        async for batch in self.generate_stream(
            request, schema, batch_size=batch_size, context=context
        ):
            records.extend(batch)
        return records
