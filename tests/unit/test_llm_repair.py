"""Code owns the deterministic fields; valid records are kept where they fit, records under
the wrong scenario are re-labelled, and only the rest is asked again with its problems named."""

from __future__ import annotations

import functools
from typing import Any

from generators.core.request import FieldSpec, FieldType, GenerationRequest
from generators.entities.lookup import behaviour_of
from generators.entities.registry import resolve_schema
from generators.paths.llm.acceptance import BatchWork
from generators.paths.llm.division import judgement_fields
from generators.paths.llm.json_schema import (
    MODEL_ARRAY_MAX,
    output_token_budget,
    records_json_schema,
    without_keywords,
)
from generators.paths.llm.merge import RecordFit, merge_record
from generators.paths.llm.record_checks import RecordChecks


def _cart_skeleton(index: int, scenario: str = "default") -> dict[str, Any]:
    return {
        "_index": index,
        "_scenario": scenario,
        "_shopping_occasion": "old theme",
        "cart_id": f"CRT-2025-{index:07d}",
        "customer_id": "USR-0000001",
        "items": [{"sku": "X", "name": "Old", "quantity": 1, "price": 10.0, "category": "c"}],
        "subtotal": 10.0,
        "tax": 0.8,  # 8%
        "total": 10.8,
        "currency": "USD",
        "created_at": "2025-01-01T00:00:00+00:00",
        "updated_at": "2025-01-02T00:00:00+00:00",
    }


CART = resolve_schema(GenerationRequest(request_id="r", entity="cart", count=2))


LAMP = {"name": "Lamp", "quantity": 1, "price": 30.0, "category": "home"}
DEAR = {"name": "Sofa", "quantity": 1, "price": 900.0, "category": "home"}


def _take(work: BatchWork, groups: dict[str, list[Any]], tag: str | None = None) -> list[str]:
    fit = RecordFit(CART, judgement_fields(CART), tag, ())
    return work.take(groups, functools.partial(fit, work.skeletons))


def test_ids_index_and_sums_come_from_code() -> None:
    work = BatchWork([_cart_skeleton(5), _cart_skeleton(6)])
    replies = [
        {
            "_index": 99,
            "_scenario": "HACKED",
            "cart_id": "HACKED",
            "subtotal": 1.0,
            "total": 2.0,
            "_shopping_occasion": "running",
            "items": [
                {"name": "Running shoes", "quantity": 1, "price": 89.99, "category": "shoes"},
                {"name": "Socks", "quantity": 3, "price": 7.5, "category": "socks", "x": "drop"},
            ],
        },
        {"items": [{"name": "Mug", "quantity": 2, "price": 0.125, "category": "home"}]},
    ]
    assert _take(work, {"default": replies}, "_shopping_occasion") == []
    first, second = work.records
    assert first is not None and second is not None
    assert first["_index"] == 5 and first["cart_id"] == "CRT-2025-0000005"
    assert first["_scenario"] == "default"
    assert first["_shopping_occasion"] == "running"
    assert first["subtotal"] == 112.49  # 89.99 + 3 * 7.50
    assert first["tax"] == 9.0  # 8% of 112.49 = 8.9992, half up to the cent
    assert first["total"] == 121.49
    assert all(item["sku"].startswith("SKU-") for item in first["items"])
    assert "x" not in first["items"][1]
    assert second["items"][0]["price"] == 0.12 and second["subtotal"] == 0.24
    assert work.tally.kept == 2 and work.complete


def test_non_objects_and_missing_records_leave_positions_open() -> None:
    work = BatchWork([_cart_skeleton(0), _cart_skeleton(1)])
    problems = _take(work, {"default": ["nope"]})
    assert problems == [
        'scenario "default": 1 records, 2 asked',
        'scenario "default", record 0: not a JSON object',
    ]
    assert work.open == [0, 1] and work.wanted() == {"default": 2}


def test_mislabelled_records_are_relabelled_not_reasked() -> None:
    """A model that wrote the right carts under the wrong labels (a two-item cart under
    `single_item`, the one-item cart under `happy_path`) loses nothing."""
    skeletons = [_cart_skeleton(i, "happy_path") for i in range(3)] + [
        _cart_skeleton(3, "single_item")
    ]
    work = BatchWork(skeletons)
    problems = _take(
        work,
        {
            "happy_path": [{"items": [LAMP, LAMP]}, {"items": [LAMP]}, {"items": [LAMP]}],
            "single_item": [{"items": [LAMP, LAMP]}],
        },
    )
    assert work.complete and problems == []
    assert (work.tally.kept, work.tally.repaired) == (3, 1)
    assert [len(r["items"]) for r in work.records if r is not None] == [2, 2, 1, 1]


def test_miscounts_are_named_and_only_the_rest_is_asked_again() -> None:
    skeletons = [_cart_skeleton(i, "happy_path") for i in range(3)] + [
        _cart_skeleton(3, "high_value")
    ]
    work = BatchWork(skeletons)
    problems = _take(
        work, {"happy_path": [{"items": [LAMP]}], "high_value": [{"items": [LAMP, LAMP]}]}
    )
    assert problems == [
        'scenario "happy_path": 1 records, 3 asked',
        'scenario "high_value", record 0: items must add up to more than $500.00, got $60.00',
    ]
    assert work.wanted() == {"happy_path": 1, "high_value": 1}  # the two lamps fit happy_path
    assert work.tally.repaired == 1
    work.asking_again()
    assert _take(work, {"happy_path": [{"items": [LAMP]}], "high_value": [{"items": [DEAR]}]}) == []
    assert work.complete and (work.tally.kept, work.reasked) == (1, 2)


def test_schema_and_scenario_problems_are_reported() -> None:
    bad = _cart_skeleton(0, "single_item")
    bad["items"] = [
        {"sku": "a", "name": "A", "quantity": 0, "price": 5.0},
        {"sku": "b", "name": "B", "quantity": "two", "price": 5.0},
    ]
    checks = RecordChecks(CART)
    problems = checks.problems(bad)
    assert "items.quantity: min" in problems
    assert "items.quantity: type" in problems
    assert "needs exactly 1 items, got 2" in problems
    high = checks.problems(_cart_skeleton(1, "high_value"))
    assert any(p.startswith("items must add up to more than $500") for p in high)


def test_user_email_follows_the_new_name() -> None:
    user = resolve_schema(GenerationRequest(request_id="r", entity="user", count=1))
    skeleton = {"_index": 0, "_scenario": "default", "first_name": "A", "last_name": "B",
                "email": "a.b0042@mail.example"}  # fmt: skip
    reply = {"first_name": "Zoë", "last_name": "O'Neil"}
    record = merge_record(skeleton, reply, judgement_fields(user), None)
    behaviour_of(user).repair(record, skeleton)
    assert record["email"] == "zoe.oneil0042@mail.example"  # accents folded, not dropped


def test_json_schema_carries_the_scenario_counts_and_bounds_every_array() -> None:
    schema = records_json_schema(
        judgement_fields(CART), CART, counts={"happy_path": 2, "single_item": 1}, tags=("_x",)
    )
    groups = schema["properties"]["records"]
    assert groups["required"] == ["happy_path", "single_item"]
    assert groups["additionalProperties"] is False
    happy, single = groups["properties"]["happy_path"], groups["properties"]["single_item"]
    assert (happy["minItems"], happy["maxItems"], single["minItems"], single["maxItems"]) == (
        2, 2, 1, 1,
    )  # fmt: skip
    item = happy["items"]
    assert set(item["required"]) == set(item["properties"]) == {"items", "_x"}
    assert (item["properties"]["items"]["minItems"], item["properties"]["items"]["maxItems"]) == (
        1, 5,
    )  # fmt: skip
    one = single["items"]["properties"]["items"]
    assert (one["minItems"], one["maxItems"]) == (1, 1)
    element = one["items"]
    assert element["properties"]["quantity"] == {"type": "integer", "minimum": 1, "maximum": 99}
    assert element["properties"]["category"]["type"] == ["string", "null"]


def test_arrays_without_a_rule_are_bounded_and_budgets_follow_the_schema() -> None:
    custom = resolve_schema(
        GenerationRequest(
            request_id="r",
            count=1,
            fields=(
                FieldSpec(
                    "tags", FieldType.ARRAY, nested_fields=(FieldSpec("label", FieldType.STRING),)
                ),
            ),
        )
    )
    schema = records_json_schema(custom.fields, custom, counts={"default": 5})
    tags = schema["properties"]["records"]["properties"]["default"]["items"]["properties"]["tags"]
    assert tags["maxItems"] == MODEL_ARRAY_MAX
    five = output_token_budget(schema)
    ten = output_token_budget(records_json_schema(custom.fields, custom, counts={"default": 10}))
    assert 1.8 < ten / five < 2.1  # the budget grows with the records asked for


def test_keywords_a_provider_rejects_are_dropped_but_property_names_kept() -> None:
    schema = {
        "type": "object",
        "properties": {"maxLength": {"type": "string", "maxLength": 5, "pattern": "a"}},
    }
    assert without_keywords(schema, frozenset({"maxLength"})) == {
        "type": "object",
        "properties": {"maxLength": {"type": "string", "pattern": "a"}},
    }
