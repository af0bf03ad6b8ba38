"""Data-pool logic: which requests share a pool, which window a seed reads, how it is served."""

from __future__ import annotations

import copy
import dataclasses
import re
from typing import Any

import pytest

from generators.cache.data_pool import PoolPolicy, plan_draw, pool_key, serve
from generators.core.request import (
    FieldConstraint,
    FieldSpec,
    FieldType,
    GenerationRequest,
    OutputFormat,
    Scenario,
)
from generators.entities.registry import predefined_schema, resolve_schema
from generators.paths.traditional.generator import TraditionalGenerator
from generators.values.identity import identifier_paths
from testing.generation import generate_all

Record = dict[str, Any]

BASE = GenerationRequest(
    request_id="req-1",
    predefined_schema="cart",
    constraints={"items.quantity": FieldConstraint(max=5)},
    scenarios=(
        Scenario("single_item", 10, {"currency": "USD"}, "one item"),
        Scenario("high_value", 0, {}, "big spenders"),
    ),
    hints=("holiday", "gift"),
    context="black friday",
    count=100,
    seed=7,
)

CUSTOM = GenerationRequest(
    request_id="req-2",
    entity="Shoe ",
    fields=(FieldSpec("sku_id", FieldType.STRING), FieldSpec("size", FieldType.INTEGER)),
    count=10,
)


def key_of(request: GenerationRequest) -> str:
    return pool_key(request, resolve_schema(request))


def test_key_layout() -> None:
    assert re.fullmatch(r"testdata:pool:ecommerce:cart:[0-9a-f]{32}", key_of(BASE))
    assert re.fullmatch(r"testdata:pool:-:shoe:[0-9a-f]{32}", key_of(CUSTOM))
    assert pool_key(BASE, resolve_schema(BASE), prefix="p").startswith("p:ecommerce:cart:")


def test_equal_requests_share_a_key() -> None:
    assert key_of(BASE) == key_of(copy.deepcopy(BASE))


@pytest.mark.parametrize(
    "changes",
    [
        {"seed": 8},
        {"seed": None},
        {"request_id": "req-other"},
        {"output_format": OutputFormat.SQL},
        {"reply_topic": "replies.elsewhere"},
        {"use_cache": True},
        {"hints": ("gift", "holiday")},
        {"domain": "retail"},
        {
            "scenarios": (
                Scenario("single_item", 10, {"currency": "USD"}, "one item"),
                Scenario("high_value", 90, {}, "big spenders"),
            )
        },
        {"constraints": {"items.quantity": FieldConstraint(max=5.0)}},
    ],
    ids=lambda changes: ",".join(changes),
)
def test_what_does_not_shape_content_keeps_the_key(changes: dict[str, Any]) -> None:
    assert key_of(dataclasses.replace(BASE, **changes)) == key_of(BASE)


def test_without_scenarios_the_count_does_not_change_the_key() -> None:
    assert key_of(dataclasses.replace(CUSTOM, count=999)) == key_of(CUSTOM)


@pytest.mark.parametrize(
    "changes",
    [
        {"constraints": {"items.quantity": FieldConstraint(max=6)}},
        {"constraints": {}},
        {"constraints": {"customer_id": FieldConstraint(format="CUS-{random:6}")}},
        {"scenarios": (Scenario("single_item", 10, {"currency": "USD"}, "one item"),)},
        {
            "scenarios": (
                Scenario("empty_cart", 10, {"currency": "USD"}, "one item"),
                Scenario("high_value", 0, {}, "big spenders"),
            )
        },
        {
            "scenarios": (
                Scenario("single_item", 10, {"currency": "CAD"}, "one item"),
                Scenario("high_value", 0, {}, "big spenders"),
            )
        },
        {
            "scenarios": (
                Scenario("single_item", 10, {"currency": "USD"}, "one lonely item"),
                Scenario("high_value", 0, {}, "big spenders"),
            )
        },
        {"count": 5_000},
        {
            "scenarios": (
                Scenario("high_value", 60, {}, "big spenders"),
                Scenario("single_item", 40, {"currency": "USD"}, "one item"),
            )
        },
        {"hints": ("holiday",)},
        {"hints": ("holiday", "gift", "edge_case")},
        {"context": "cyber monday"},
        {"learn_from_history": True},
        {"defect_triggering": True},
        {"production_like": True},
        {"predefined_schema": "order"},
    ],
    ids=lambda changes: ",".join(changes),
)
def test_what_shapes_content_changes_the_key(changes: dict[str, Any]) -> None:
    assert key_of(dataclasses.replace(BASE, **changes)) != key_of(BASE)


@pytest.mark.parametrize(
    "fields",
    [
        (FieldSpec("sku_id", FieldType.STRING), FieldSpec("size", FieldType.FLOAT)),
        (FieldSpec("sku_id", FieldType.STRING), FieldSpec("size", FieldType.INTEGER, False)),
        (FieldSpec("sku_id", FieldType.STRING), FieldSpec("size", FieldType.INTEGER, True, "EU")),
        (FieldSpec("sku_id", FieldType.STRING), FieldSpec("width", FieldType.INTEGER)),
        (
            FieldSpec("sku_id", FieldType.STRING),
            FieldSpec(
                "size", FieldType.OBJECT, nested_fields=(FieldSpec("eu", FieldType.INTEGER),)
            ),
        ),
    ],
)
def test_custom_fields_change_the_key(fields: tuple[FieldSpec, ...]) -> None:
    assert key_of(dataclasses.replace(CUSTOM, fields=fields)) != key_of(CUSTOM)


def test_a_miss_when_the_pool_is_smaller_than_the_request() -> None:
    assert plan_draw(99, 100, seed=1) is None
    assert plan_draw(0, 1, seed=1) is None
    assert plan_draw(100, 100, seed=1) == (0, 100)


def test_draws_stay_inside_the_pool_and_depend_on_the_seed() -> None:
    starts = set()
    for seed in range(200):
        plan = plan_draw(1_000, 100, seed)
        assert plan is not None
        start, count = plan
        assert count == 100
        assert 0 <= start <= 900
        assert plan_draw(1_000, 100, seed) == plan
        starts.add(start)
    assert len(starts) > 150


def test_a_negative_count_is_refused() -> None:
    with pytest.raises(ValueError, match="count"):
        plan_draw(10, -1, seed=1)


def test_pool_policy_refuses_nonsense() -> None:
    assert PoolPolicy(ttl_s=60, max_records=1_000).max_records == 1_000
    with pytest.raises(ValueError, match="at least 1"):
        PoolPolicy(ttl_s=0, max_records=10)
    with pytest.raises(ValueError, match="at least 1"):
        PoolPolicy(ttl_s=60, max_records=0)


async def test_serve_gives_fresh_indexes_and_ids_without_touching_the_pool() -> None:
    schema = predefined_schema("order")
    request = GenerationRequest(
        request_id="pool-fill",
        predefined_schema="order",
        count=20,
        seed=3,
        scenarios=(Scenario("express", 0, {"shipping_method": "express"}),),
    )
    pool = await generate_all(request, schema, TraditionalGenerator(), batch_size=20)
    before = copy.deepcopy(pool)

    served = serve(pool[5:15], schema, seed=99, first_index=40)

    assert pool == before
    assert [r["_index"] for r in served] == list(range(40, 50))
    assert [r["_scenario"] for r in served] == [r["_scenario"] for r in pool[5:15]]
    for path in identifier_paths(schema):
        assert not {r[path] for r in served} & {r[path] for r in pool}, path
    assert len({r["order_id"] for r in served}) == 10
    for original, fresh in zip(pool[5:15], served, strict=True):
        assert fresh["items"] == original["items"]
        assert fresh["items"] is not original["items"]
        assert fresh["shipping_address"] is not original["shipping_address"]
    assert serve(pool[5:15], schema, seed=99, first_index=40) == served
