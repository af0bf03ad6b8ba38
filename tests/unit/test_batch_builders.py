"""Builders' fast `build_many` path yields exactly the records of the per-record `build` path."""

from __future__ import annotations

from random import Random
from typing import Any

import pytest

from generators.core.request import GenerationRequest
from generators.entities.lookup import behaviour_of
from generators.entities.registry import resolve_schema
from generators.values.context import DEFAULT_REFERENCE_TIME, BatchRecordBuilder, BuildContext
from generators.values.faker_pools import faker_pools

POOLS = faker_pools()


def builder_for(entity: str, seed: int) -> Any:
    schema = resolve_schema(GenerationRequest(request_id="b", entity=entity, count=1))
    context = BuildContext(
        schema=schema,
        pools=POOLS,
        seed=seed,
        count=5_000,
        reference_epoch=int(DEFAULT_REFERENCE_TIME.timestamp()),
    )
    return behaviour_of(schema).builder(context)


@pytest.mark.parametrize("scenario", ["happy_path", "single_item", "high_value", "empty_cart"])
@pytest.mark.parametrize("seed", [1, 20261124])
def test_cart_build_many_equals_build_record_by_record(scenario: str, seed: int) -> None:
    fast, slow = builder_for("cart", seed), builder_for("cart", seed)
    assert isinstance(fast, BatchRecordBuilder)
    fast_rng, slow_rng = Random(seed), Random(seed)
    built: list[dict[str, Any]] = []

    fast.build_many(fast_rng, 10, 300, scenario, built)
    expected = [
        {"_index": i, "_scenario": scenario} | slow.build(slow_rng, i, scenario)
        for i in range(10, 310)
    ]

    assert built == expected
    assert [list(r) for r in built] == [list(r) for r in expected]
    assert fast_rng.getrandbits(64) == slow_rng.getrandbits(64)
