"""The traditional path: Faker-derived pools sampled with a per-request seeded RNG.

Deterministic: one `random.Random`, seeded from the request's seed, is consumed record after
record, so the same request yields the same records whatever `batch_size` is (batches only cut
the sequence) and in whichever worker process it runs. Streaming: records are built batch by
batch and never held all at once. Fast: no Faker call happens per record (see
`generators.values.pools`), and builders that offer `build_many` (carts) build runs of records
in one call, tags included. Each schema's builder is its entity's (`EntityBehaviour.builder`).
Edge cases (`edge_cases`) are a layer over built records, applied before the scenario's
overrides when the request asks for them.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from datetime import datetime
from random import Random

from generators.core.hints import wants_edge_cases
from generators.core.protocol import GenerationPath, GenerationRun, PathOutcome, RunContext
from generators.core.record import Record
from generators.core.request import GenerationRequest, plan_scenarios
from generators.core.schema import EntitySchema
from generators.entities.lookup import behaviour_of
from generators.kinds.overrides import apply_overrides, compile_overrides
from generators.paths.traditional.edge_cases import EdgeCaseLayer
from generators.paths.traditional.routing import TRADITIONAL_ROUTING
from generators.values.context import (
    DEFAULT_REFERENCE_TIME,
    BatchRecordBuilder,
    BuildContext,
    RecordBuilder,
    utc_datetime,
)
from generators.values.faker_pools import faker_pools
from generators.values.pools import ValuePools

#: Records per batch (and reply chunk) unless the worker's settings say otherwise.
DEFAULT_BATCH_SIZE = 500


class PlainRun:
    """A run that only yields batches: its outcome is the path that made them, nothing more."""

    def __init__(self, path: str, batches: AsyncIterator[list[Record]]) -> None:
        self._batches = batches
        self.outcome = PathOutcome(path)

    def __aiter__(self) -> AsyncIterator[list[Record]]:
        return self._batches


class TraditionalGenerator:
    """Faker-based generation. Build one per process and reuse it: it holds the value pools."""

    name = GenerationPath.TRADITIONAL
    routing = TRADITIONAL_ROUTING
    unavailable_reason = None

    def __init__(
        self,
        *,
        batch_size: int = DEFAULT_BATCH_SIZE,
        pools: ValuePools | None = None,
        reference_time: datetime = DEFAULT_REFERENCE_TIME,
    ) -> None:
        """`pools` default to `faker_pools()` (about a tenth of a second). Timestamps fall
        before `reference_time`, which is fixed by default so that records are reproducible."""
        self.batch_size = batch_size
        self._pools = pools if pools is not None else faker_pools()
        self._reference_epoch = int(reference_time.timestamp())

    async def probe(self) -> None:
        """Nothing to check: the path needs no backend."""

    def output_schema(self, request: GenerationRequest, schema: EntitySchema) -> EntitySchema:
        return schema

    def start(
        self, request: GenerationRequest, schema: EntitySchema, context: RunContext
    ) -> GenerationRun:
        return PlainRun(self.name, self._batches(request, schema, context.batch_size))

    async def _batches(
        self, request: GenerationRequest, schema: EntitySchema, batch_size: int
    ) -> AsyncIterator[list[Record]]:
        if batch_size < 1:
            msg = f"batch_size must be at least 1, got {batch_size}"
            raise ValueError(msg)
        builder = self._builder(request, schema)
        overrides = {s.name: compile_overrides(schema, s) for s in request.scenarios}
        edge_cases = (
            EdgeCaseLayer(schema, utc_datetime(self._reference_epoch).year)
            if wants_edge_cases(request)
            else None
        )
        rng = Random(request.effective_seed)
        batch: list[Record] = []
        index = 0
        # Builders that build runs of records at once do so unless edge cases, which draw from
        # `rng` between records, are asked for: the records (and draws) are the same.
        build_many = (
            builder.build_many
            if edge_cases is None and isinstance(builder, BatchRecordBuilder)
            else None
        )
        build = builder.build
        for scenario, count in plan_scenarios(request):
            scenario_overrides = overrides.get(scenario, ())
            if build_many is not None:
                left = count
                while left:
                    run = min(left, batch_size - len(batch))
                    build_many(rng, index, run, scenario, batch)
                    if scenario_overrides:
                        for built in batch[len(batch) - run :]:
                            apply_overrides(built, scenario_overrides)
                    index += run
                    left -= run
                    if len(batch) == batch_size:
                        yield batch
                        batch = []
                        await asyncio.sleep(0)  # let the event loop breathe (heartbeats, I/O)
                continue
            for _ in range(count):
                record: Record = {"_index": index, "_scenario": scenario}
                record.update(build(rng, index, scenario))
                if edge_cases is not None:
                    edge_cases.apply(record, rng, index)
                if scenario_overrides:
                    apply_overrides(record, scenario_overrides)
                batch.append(record)
                index += 1
                if len(batch) == batch_size:
                    yield batch
                    batch = []
                    await asyncio.sleep(0)  # let the event loop breathe (heartbeats, I/O)
        if batch:
            yield batch

    def _builder(self, request: GenerationRequest, schema: EntitySchema) -> RecordBuilder:
        context = BuildContext(
            schema=schema,
            pools=self._pools,
            seed=request.effective_seed,
            count=request.count,
            reference_epoch=self._reference_epoch,
        )
        return behaviour_of(schema).builder(context)
