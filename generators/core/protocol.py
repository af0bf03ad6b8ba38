"""The one async interface every generation path implements, and the paths themselves."""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, ClassVar, Protocol

from generators.core.request import GenerationRequest
from generators.core.schema import EntitySchema

Record = dict[str, Any]


class GenerationPath(StrEnum):
    """How records get made. Defined here rather than in `router` so that generators never
    import the router (the router imports generators' schemas); `router` re-exports it."""

    TRADITIONAL = "traditional"
    LLM = "llm"
    RAG = "rag"
    HYBRID = "hybrid"


@dataclass(frozen=True, slots=True)
class PathOutcome:
    """What a run actually did, for the answer's metadata: the path that made the records
    (a fallback may differ from the one routed to), tokens spent, and each fallback and why."""

    path_used: GenerationPath
    tokens_used: int = 0
    fallbacks: tuple[str, ...] = ()


class GenerationRun(Protocol):
    """One request's generation: iterate it for batches; `outcome` is final once it ends."""

    def __aiter__(self) -> AsyncIterator[list[Record]]: ...

    @property
    def outcome(self) -> PathOutcome: ...


class _PlainRun:
    def __init__(self, path: GenerationPath, batches: AsyncIterator[list[Record]]) -> None:
        self._batches = batches
        self.outcome = PathOutcome(path)

    def __aiter__(self) -> AsyncIterator[list[Record]]:
        return self._batches


class Generator(ABC):
    """A generation path: streams a request's records in batches.

    Implementations yield lists of at most `batch_size` records, carrying `_index` (0-based,
    unique within the request) and `_scenario`, and keep memory independent of `count`.
    """

    path: ClassVar[GenerationPath]

    @property
    def available(self) -> bool:
        """Whether this path can serve requests now; the router routes around it when not."""
        return True

    @property
    def unavailable_reason(self) -> str:
        """Why `available` is false, in a few words for the routing reason ("" when available)."""
        return ""

    async def probe(self) -> None:
        """Refresh `available` from the backend's health (paths with a remote store check it
        now and then; the default has nothing to check)."""
        return None

    def output_schema(self, request: GenerationRequest, schema: EntitySchema) -> EntitySchema:
        """`schema` as this path's records will carry it: paths that add `_` tags (an LLM
        template's `_sentiment`, say) declare them here so CSV and SQL get their columns."""
        return schema

    def start(
        self,
        request: GenerationRequest,
        schema: EntitySchema,
        *,
        batch_size: int,
        context: Mapping[str, Any] | None = None,
    ) -> GenerationRun:
        """A run of `generate_stream` that also reports what it did."""
        batches = self.generate_stream(request, schema, batch_size=batch_size, context=context)
        return _PlainRun(self.path, batches)

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


class RunGenerator(Generator):
    """A path whose `start` is the primary entry (its run reports fallbacks and tokens);
    `generate_stream` just iterates a run."""

    @abstractmethod
    def start(
        self,
        request: GenerationRequest,
        schema: EntitySchema,
        *,
        batch_size: int,
        context: Mapping[str, Any] | None = None,
    ) -> GenerationRun: ...

    async def generate_stream(
        self,
        request: GenerationRequest,
        schema: EntitySchema,
        *,
        batch_size: int,
        context: Mapping[str, Any] | None = None,
    ) -> AsyncIterator[list[Record]]:
        async for batch in self.start(request, schema, batch_size=batch_size, context=context):
            yield batch
