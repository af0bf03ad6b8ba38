"""Code owns the deterministic fields; validation problems are quoted for a retry."""

from __future__ import annotations

from typing import Any

from generators.core.request import GenerationRequest
from generators.entities.registry import resolve_schema
from generators.paths.llm.division import judgement_fields
from generators.paths.llm.json_schema import records_json_schema
from generators.paths.llm.merge import merge_batch
from generators.paths.llm.record_checks import record_problems


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


def test_ids_index_and_sums_come_from_code() -> None:
    skeletons = [_cart_skeleton(5), _cart_skeleton(6)]
    replies = [
        {
            "_index": 99,
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
    fields = judgement_fields(CART)
    records, problems = merge_batch(skeletons, replies, fields, CART, "_shopping_occasion")
    assert problems == []
    first, second = records
    assert first["_index"] == 5 and first["cart_id"] == "CRT-2025-0000005"
    assert first["_shopping_occasion"] == "running"
    assert first["subtotal"] == 112.49  # 89.99 + 3 * 7.50
    assert first["tax"] == 9.0  # 8% of 112.49 = 8.9992, half up to the cent
    assert first["total"] == 121.49
    assert all(item["sku"].startswith("SKU-") for item in first["items"])
    assert "x" not in first["items"][1]
    assert second["items"][0]["price"] == 0.12 and second["subtotal"] == 0.24
    assert record_problems(records, CART) == []


def test_wrong_count_and_non_objects_are_problems() -> None:
    fields = judgement_fields(CART)
    _, problems = merge_batch([_cart_skeleton(0), _cart_skeleton(1)], ["nope"], fields, CART, None)
    assert "expected exactly 2 records, got 1" in problems
    assert "record 0: not a JSON object" in problems


def test_mislabelled_scenarios_are_named_with_their_counts_not_as_non_objects() -> None:
    skeletons = [_cart_skeleton(i, "happy_path") for i in range(3)] + [
        _cart_skeleton(3, "single_item")
    ]
    one = {"name": "Lamp", "quantity": 1, "price": 30.0, "category": "home"}
    replies = [
        {"_scenario": "happy_path", "items": [one, one]},
        {"_scenario": "single_item", "items": [one]},
        {"_scenario": "single_item", "items": [one]},
        {"_scenario": "single_item", "items": [one]},
    ]

    _, problems = merge_batch(skeletons, replies, judgement_fields(CART), CART, None)

    assert problems == [
        'scenario "happy_path": 1 records, 3 asked',
        'scenario "single_item": 3 records, 1 asked',
    ]


def test_a_missing_record_is_not_called_a_non_object() -> None:
    fields = judgement_fields(CART)
    one = {"name": "Lamp", "quantity": 1, "price": 30.0, "category": "home"}
    _, problems = merge_batch(
        [_cart_skeleton(0), _cart_skeleton(1)], [{"items": [one]}], fields, CART, None
    )

    assert problems == ["expected exactly 2 records, got 1", "record 1: missing"]


def test_replies_are_matched_by_scenario_label() -> None:
    skeletons = [_cart_skeleton(0, "a"), _cart_skeleton(1, "single_item")]
    one = {"name": "Lamp", "quantity": 1, "price": 30.0, "category": "home"}
    replies = [
        {"_scenario": "single_item", "items": [one]},
        {"_scenario": "a", "items": [one, one]},
    ]
    records, problems = merge_batch(skeletons, replies, judgement_fields(CART), CART, None)
    assert problems == []
    assert [len(r["items"]) for r in records] == [2, 1]


def test_schema_and_scenario_problems_are_reported() -> None:
    bad = _cart_skeleton(0, "single_item")
    bad["items"] = [
        {"sku": "a", "name": "A", "quantity": 0, "price": 5.0},
        {"sku": "b", "name": "B", "quantity": "two", "price": 5.0},
    ]
    high = _cart_skeleton(1, "high_value")
    problems = record_problems([bad, high], CART)
    assert "record 0 (single_item): items.quantity: min" in problems
    assert "record 0 (single_item): items.quantity: type" in problems
    assert "record 0 (single_item): needs exactly 1 items, got 2" in problems
    assert any(
        p.startswith("record 1 (high_value): items must add up to more than $500") for p in problems
    )


def test_user_email_follows_the_new_name() -> None:
    user = resolve_schema(GenerationRequest(request_id="r", entity="user", count=1))
    skeleton = {"_index": 0, "_scenario": "default", "first_name": "A", "last_name": "B",
                "email": "a.b0042@mail.example"}  # fmt: skip
    reply = {"first_name": "Zoë", "last_name": "O'Neil"}
    records, _ = merge_batch([skeleton], [reply], judgement_fields(user), user, None)
    assert records[0]["email"] == "zoe.oneil0042@mail.example"  # accents folded, not dropped


def test_json_schema_is_strict_and_exact_in_count() -> None:
    schema = records_json_schema(
        judgement_fields(CART), CART, count=3, scenarios=["a", "b", "a"], tags=("_x",)
    )
    records = schema["properties"]["records"]
    assert (records["minItems"], records["maxItems"]) == (3, 3)
    item = records["items"]
    assert item["additionalProperties"] is False
    assert set(item["required"]) == set(item["properties"]) == {"_scenario", "items", "_x"}
    assert item["properties"]["_scenario"]["enum"] == ["a", "b"]
    element = item["properties"]["items"]["items"]
    assert element["properties"]["quantity"] == {"type": "integer", "minimum": 1, "maximum": 99}
    assert element["properties"]["category"]["type"] == ["string", "null"]
