"""Generating a request's records in a test, the way the worker does, but all at once."""

from __future__ import annotations

import functools

from generators.core.protocol import Generator, RunContext
from generators.core.record import Record
from generators.core.request import GenerationRequest
from generators.core.schema import EntitySchema
from generators.entities.registry import resolve_schema
from generators.paths.traditional.generator import TraditionalGenerator

#: Batches as the worker cuts them for the traditional path.
BATCH_SIZE = 500


@functools.cache
def traditional() -> TraditionalGenerator:
    """One traditional generator for a test session (building its pools takes a moment)."""
    return TraditionalGenerator()


async def generate_all(
    request: GenerationRequest,
    schema: EntitySchema | None = None,
    generator: Generator | None = None,
    *,
    batch_size: int = BATCH_SIZE,
) -> list[Record]:
    """Every record of `request` (on `generator`, the traditional path by default)."""
    path = generator or traditional()
    records: list[Record] = []
    run = path.start(request, schema or resolve_schema(request), RunContext(batch_size))
    async for batch in run:
        records.extend(batch)
    return records
