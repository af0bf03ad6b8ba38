"""Coherence scoring: broken records lower the score and name the broken rule."""

from __future__ import annotations

import copy
from typing import Any

import pytest

from generators.core.request import FieldConstraint, FieldSpec, FieldType, GenerationRequest
from generators.core.schema import EntitySchema
from generators.entities.registry import resolve_schema
from generators.quality.coherence import CoherenceTracker

CART: dict[str, Any] = {
    "_index": 0,
    "_scenario": "default",
    "_shopping_occasion": "marathon_training",
    "cart_id": "CRT-2025-0000001",
    "customer_id": "USR-0000002",
    "items": [
        {"sku": "FIT-101-001", "name": "Shoes", "quantity": 2, "price": 19.99, "category": "Shoes"},
        {"sku": "FIT-103", "name": "Bottle", "quantity": 1, "price": 0.1, "category": "Gear"},
    ],
    "subtotal": 40.08,
    "tax": 3.31,
    "total": 43.39,
    "currency": "USD",
    "created_at": "2025-01-01T10:00:00+00:00",
    "updated_at": "2025-01-02T10:00:00+00:00",
}


def tracker_for(entity: str) -> CoherenceTracker:
    return CoherenceTracker(resolve_schema(GenerationRequest(request_id="c", entity=entity)))


def changed(record: dict[str, Any], **changes: Any) -> dict[str, Any]:
    return copy.deepcopy(record) | changes


def test_a_coherent_cart_scores_one() -> None:
    tracker = tracker_for("cart")

    tracker.add([CART])

    assert tracker.score == 1.0
    assert tracker.checked > 20


@pytest.mark.parametrize(
    ("changes", "rule"),
    [
        ({"subtotal": 40.07, "total": 43.38}, "cart: subtotal = sum(items.quantity * items.price)"),
        ({"total": 43.4}, "cart: total = subtotal + tax"),
        ({"tax": 3.305, "total": 43.385}, "cart: total = subtotal + tax"),
        ({"updated_at": "2024-12-31T10:00:00+00:00"}, "cart: created_at <= updated_at"),
        ({"created_at": "2025-01-01T10:00:00"}, "created_at: type"),
        ({"currency": "EUR"}, "currency: enum"),
        ({"cart_id": "CART-1"}, "cart_id: format"),
        ({"subtotal": "40.08"}, "subtotal: type"),
    ],
)
def test_each_broken_cart_rule_is_named(changes: dict[str, Any], rule: str) -> None:
    tracker = tracker_for("cart")

    tracker.add([changed(CART, **changes)])

    assert tracker.score < 1.0
    assert rule in tracker.violations


def test_float_noise_in_money_is_not_a_violation() -> None:
    tracker = tracker_for("cart")

    tracker.add([changed(CART, total=40.08 + 3.31)])  # 43.388999999999996 in binary floating point

    assert tracker.score == 1.0


def test_nested_rules_are_checked_per_array_element() -> None:
    tracker = tracker_for("cart")
    broken = copy.deepcopy(CART)
    broken["items"][1]["quantity"] = 0
    del broken["items"][0]["sku"]

    tracker.add([broken])

    assert tracker.violations["items.quantity: min"] == 1
    assert tracker.violations["items.sku: present"] == 1


def test_the_score_accumulates_over_batches() -> None:
    tracker = tracker_for("cart")

    tracker.add([CART, CART])
    checks_per_record = tracker.checked // 2
    tracker.add([changed(CART, currency="EUR")])

    assert tracker.checked == 3 * checks_per_record
    assert tracker.score == pytest.approx(1 - 1 / tracker.checked)


def test_order_timeline_must_agree_with_status() -> None:
    order = {
        "status": "shipped",
        "placed_at": "2025-01-01T00:00:00+00:00",
        "shipped_at": "2025-01-02T00:00:00+00:00",
        "delivered_at": "2025-01-03T00:00:00+00:00",
        "items": [],
        "subtotal": 0,
        "shipping": 0,
        "tax": 0,
        "total": 0,
    }
    tracker = tracker_for("order")

    tracker.add([order, order | {"status": "delivered", "shipped_at": "2025-01-04T00:00:00+00:00"}])

    assert tracker.violations["order: timeline agrees with status"] == 1
    assert tracker.violations["order: placed_at <= shipped_at <= delivered_at"] == 1


def test_cards_must_pass_luhn_and_match_their_brand() -> None:
    payment = {
        "method": "credit_card",
        "card_brand": "visa",
        "card_number": "4111111111111111",
        "card_expiry": "12/27",
        "status": "captured",
        "created_at": "2025-05-01T00:00:00+00:00",
    }
    tracker = tracker_for("payment")

    tracker.add(
        [
            payment,
            payment | {"card_number": "4111111111111112"},
            payment | {"card_brand": "amex"},
            payment | {"card_expiry": "01/25"},
            payment | {"method": "paypal"},
        ]
    )

    assert tracker.violations["payment: card_number passes Luhn"] == 1
    assert tracker.violations["payment: card_brand matches card_number"] == 1
    assert tracker.violations["payment: card not expired"] == 1
    assert tracker.violations["payment: card fields exactly for card methods"] == 1


def test_users_email_must_come_from_the_name_and_points_fit_the_tier() -> None:
    user = {
        "first_name": "Ann",
        "last_name": "O'Neil",
        "email": "ann.oneil07@example.com",
        "loyalty_tier": "Gold",
        "loyalty_points": 6000,
    }
    tracker = tracker_for("user")

    tracker.add([user, user | {"email": "zed99@example.com", "loyalty_points": 10}])

    assert tracker.violations["user: email derived from name"] == 1
    assert tracker.violations["user: loyalty_points within tier"] == 1


def test_review_rating_and_text_must_agree_with_the_sentiment() -> None:
    review = {"rating": 5, "sentiment": "positive", "body": "Love it, great quality."}
    tracker = tracker_for("review")

    tracker.add(
        [
            review,
            review | {"rating": 2},
            review | {"body": "Broke in a week, so disappointed."},
            review | {"sentiment": "neutral", "rating": 3, "body": "It is fine."},
        ]
    )

    assert tracker.violations["review: rating agrees with sentiment"] == 1
    assert tracker.violations["review: body carries the sentiment"] == 1


def test_custom_schema_constraints_are_checked() -> None:
    schema = EntitySchema(
        name="thing",
        domain="",
        description="",
        fields=(
            FieldSpec("code", FieldType.STRING),
            FieldSpec("age", FieldType.INTEGER),
            FieldSpec("day", FieldType.DATE),
            FieldSpec("opt", FieldType.STRING, required=False),
        ),
    ).with_constraints(
        {
            "code": FieldConstraint(regex=r"[A-Z]{2}\d", max_length=3),
            "age": FieldConstraint(min=18, max=65),
            "day": FieldConstraint(format="%d/%m/%Y"),
        }
    )
    tracker = CoherenceTracker(schema)

    tracker.add(
        [
            {"code": "AB1", "age": 30, "day": "31/12/2025", "opt": None},
            {"code": "ab1x", "age": 70, "day": "2025-12-31"},
            {"age": True, "day": "01/01/2025"},
        ]
    )

    assert dict(tracker.violations) == {
        "code: regex": 1,
        "code: max_length": 1,
        "age: max": 1,
        "day: format": 1,
        "code: present": 1,
        "age: type": 1,
    }


def test_a_schema_without_rules_scores_one() -> None:
    tracker = CoherenceTracker(EntitySchema("empty", "", "", ()))

    tracker.add([{"anything": 1}])

    assert (tracker.checked, tracker.score) == (0, 1.0)
