"""A fifth generation path that only the tests know, written the way docs/architecture.md says
a path is added: one module, then one line in the worker's list of paths.

It serves requests that carry the hint "stamped": the traditional path's records, each stamped
with `_stamp`. It has no backend, so it is always available; unavailable, it would fall back to
the traditional path.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Sequence

from generators.core.protocol import (
    GenerationPath,
    GenerationRun,
    Generator,
    PathOutcome,
    Routing,
    RunContext,
    Signal,
)
from generators.core.record import Record
from generators.core.request import GenerationRequest
from generators.core.schema import EntitySchema

NAME = "stamped"


def stamped_signals(request: GenerationRequest) -> Sequence[Signal]:
    asked = any(hint.strip().lower() == NAME for hint in request.hints)
    return [Signal(NAME, 5.0, 'hint "stamped"')] if asked else []


class StampPath:
    name = NAME
    routing = Routing(cost=4, signals=stamped_signals, fallbacks=(GenerationPath.TRADITIONAL,))
    unavailable_reason = None

    def __init__(self, base: Generator, *, batch_size: int = 100) -> None:
        self.batch_size = batch_size
        self._base = base

    async def probe(self) -> None:
        """Nothing to check."""

    def output_schema(self, request: GenerationRequest, schema: EntitySchema) -> EntitySchema:
        return schema.with_tag("_stamp")

    def start(
        self, request: GenerationRequest, schema: EntitySchema, context: RunContext
    ) -> GenerationRun:
        return _StampRun(self._base.start(request, schema, context))


class _StampRun:
    def __init__(self, base: GenerationRun) -> None:
        self._base = base
        self.outcome = PathOutcome(NAME)

    def __aiter__(self) -> AsyncIterator[list[Record]]:
        return self._stamped()

    async def _stamped(self) -> AsyncIterator[list[Record]]:
        async for batch in self._base:
            yield [{**record, "_stamp": NAME} for record in batch]
