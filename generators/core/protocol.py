"""The one interface every generation path implements, and what routing and a run need of it.

A path is a `Generator`: it has a name, says how the router should weigh it (`Routing`), how
many records it yields per batch (each batch becomes one reply chunk), whether it can serve now,
and starts a `GenerationRun` per request. A run is iterated for batches of records and then
reports what it did (`PathOutcome`). The worker lists its paths once (`streams/wiring.py`); the
router and the processor know them only through this interface, so a new path is its own
module plus one line there.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol

from generators.core.knowledge import RetrievedContext
from generators.core.record import Record
from generators.core.request import GenerationRequest
from generators.core.schema import EntitySchema


class GenerationPath(StrEnum):
    """The names of the four built-in paths (a path's name is what the reply's metadata says
    made the records)."""

    TRADITIONAL = "traditional"
    LLM = "llm"
    RAG = "rag"
    HYBRID = "hybrid"


@dataclass(frozen=True, slots=True)
class Signal:
    """One piece of evidence in a request for a path. `strong` signals can make a path that
    combines others (hybrid) worth its cost."""

    path: str
    weight: float
    label: str
    strong: bool = False


@dataclass(frozen=True, slots=True)
class Routing:
    """How the router weighs a path (the rules are in `router.intelligence`).

    `signals` reads the request for this path's own evidence. Of equal scores the lowest `cost`
    wins. When the path is unavailable, `fallbacks` are tried in order. A path that
    `combines` others scores their signals together, but only when the first has some and a
    strong signal is among them.
    """

    cost: int
    signals: Callable[[GenerationRequest], Sequence[Signal]]
    fallbacks: tuple[str, ...] = ()
    combines: tuple[str, ...] = ()


def no_signals(_request: GenerationRequest) -> Sequence[Signal]:
    """For a path that has no evidence of its own (it combines others')."""
    return ()


@dataclass(frozen=True, slots=True)
class TokenUsage:
    """Model tokens as the APIs reported them: every prompt token (`input`), of which `cached`
    were read from the provider's prompt cache and `cache_write` written to it, and `output`."""

    input: int = 0
    cached: int = 0
    cache_write: int = 0
    output: int = 0

    @property
    def total(self) -> int:
        return self.input + self.output

    def __add__(self, other: TokenUsage) -> TokenUsage:
        return TokenUsage(
            self.input + other.input,
            self.cached + other.cached,
            self.cache_write + other.cache_write,
            self.output + other.output,
        )


@dataclass(frozen=True, slots=True)
class PathOutcome:
    """What a run actually did, for the answer's metadata: the path that made the records
    (a fallback may differ from the one routed to), tokens spent, each fallback and why, and
    per model batch how its records were obtained (`BatchReport.as_dict`)."""

    path_used: str
    tokens: TokenUsage = TokenUsage()
    fallbacks: tuple[str, ...] = ()
    batches: tuple[Mapping[str, Any], ...] = ()

    @property
    def tokens_used(self) -> int:
        return self.tokens.total


@dataclass(frozen=True, slots=True)
class RunContext:
    """What the caller of a run hands it beyond the request: records per batch (the caller's
    path's), and knowledge already retrieved for the request (the hybrid path retrieves once,
    for its prompt and for its skeletons)."""

    batch_size: int
    retrieved: RetrievedContext | None = None


class GenerationRun(Protocol):
    """One request's generation: iterate it for batches; `outcome` is final once it ends."""

    def __aiter__(self) -> AsyncIterator[list[Record]]: ...

    @property
    def outcome(self) -> PathOutcome: ...


class Generator(Protocol):
    """A generation path. Runs yield lists of at most `context.batch_size` records carrying
    `_index` (0-based, unique within the request) and `_scenario`, and keep memory independent
    of `count`."""

    @property
    def name(self) -> str: ...

    @property
    def routing(self) -> Routing: ...

    @property
    def batch_size(self) -> int:
        """Records per batch when the worker runs this path (one reply chunk each)."""
        ...

    @property
    def unavailable_reason(self) -> str | None:
        """None when the path can serve now, else why not in a few words (the router routes
        around it and says why)."""
        ...

    async def probe(self) -> None:
        """Refresh `unavailable_reason` from the backends the path needs."""

    def output_schema(self, request: GenerationRequest, schema: EntitySchema) -> EntitySchema:
        """`schema` as this path's records will carry it, with the `_` tags it adds."""
        ...

    def start(
        self, request: GenerationRequest, schema: EntitySchema, context: RunContext
    ) -> GenerationRun: ...
