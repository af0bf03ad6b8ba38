"""The traditional generator, as a caller sees its records."""

from __future__ import annotations

import os
import random
import re
import subprocess
import sys
import tracemalloc
from collections import Counter
from datetime import date, datetime
from pathlib import Path
from typing import Any

import pytest

from generators.core.protocol import GenerationPath, RunContext
from generators.core.request import (
    FieldConstraint,
    FieldSpec,
    FieldType,
    GenerationRequest,
    Scenario,
)
from generators.entities.registry import resolve_schema
from generators.paths.traditional.generator import TraditionalGenerator
from generators.quality.coherence import CoherenceTracker
from generators.values.cards import brand_of, luhn_valid
from generators.values.catalogue import THEMES
from generators.values.people import name_key
from testing.generation import generate_all

Record = dict[str, Any]


@pytest.fixture(scope="module")
def generator() -> TraditionalGenerator:
    return TraditionalGenerator()


async def generate(
    generator: TraditionalGenerator, request: GenerationRequest, batch_size: int = 250
) -> list[Record]:
    return await generate_all(request, resolve_schema(request), generator, batch_size=batch_size)


def cents(value: float) -> int:
    assert round(value, 2) == value, f"{value} has more than two decimals"
    return round(value * 100)


def moment(text: str) -> datetime:
    parsed = datetime.fromisoformat(text)
    assert parsed.tzinfo is not None, f"{text} has no UTC offset"
    return parsed


CUSTOM_FIELDS = (
    FieldSpec("id", FieldType.UUID),
    FieldSpec("first_name", FieldType.STRING),
    FieldSpec("last_name", FieldType.STRING),
    FieldSpec("email", FieldType.EMAIL),
    FieldSpec("code", FieldType.STRING),
    FieldSpec("label", FieldType.STRING),
    FieldSpec("ref", FieldType.STRING),
    FieldSpec("age", FieldType.INTEGER),
    FieldSpec("score", FieldType.FLOAT),
    FieldSpec("active", FieldType.BOOLEAN),
    FieldSpec("birthday", FieldType.DATE),
    FieldSpec("joined", FieldType.DATE),
    FieldSpec("seen_at", FieldType.DATETIME),
    FieldSpec("phone", FieldType.PHONE),
    FieldSpec("home", FieldType.ADDRESS),
    FieldSpec("status", FieldType.ENUM),
    FieldSpec("note", FieldType.STRING, required=False),
    FieldSpec(
        "profile",
        FieldType.OBJECT,
        nested_fields=(
            FieldSpec("nickname", FieldType.STRING),
            FieldSpec("level", FieldType.INTEGER),
        ),
    ),
    FieldSpec(
        "lines",
        FieldType.ARRAY,
        nested_fields=(FieldSpec("sku", FieldType.STRING), FieldSpec("qty", FieldType.INTEGER)),
    ),
)
CUSTOM_CONSTRAINTS = {
    "code": FieldConstraint(regex=r"[A-Z]{3}-\d{4}(-[a-f0-9]{2})?"),
    "label": FieldConstraint(min_length=8, max_length=12),
    "ref": FieldConstraint(format="REF-{year}-{random:5}"),
    "age": FieldConstraint(min=21, max=30),
    "score": FieldConstraint(min=0.5, max=0.75),
    "joined": FieldConstraint(format="%d/%m/%Y"),
    "status": FieldConstraint(enum_values=("active", "suspended")),
    "profile.level": FieldConstraint(min=1, max=3),
    "lines.qty": FieldConstraint(min=1, max=9),
}


def custom_request(count: int = 300, **changes: Any) -> GenerationRequest:
    fields: dict[str, Any] = {
        "request_id": "custom-1",
        "entity": "member",
        "fields": CUSTOM_FIELDS,
        "constraints": CUSTOM_CONSTRAINTS,
        "count": count,
    }
    return GenerationRequest(**(fields | changes))


# --- determinism, indexing, streaming -------------------------------------------------------


@pytest.mark.parametrize("entity", ["cart", "order", "payment", "user", "review", "custom"])
async def test_same_request_gives_the_same_records_whatever_the_batch_size(
    generator: TraditionalGenerator, entity: str
) -> None:
    request = (
        custom_request(count=60)
        if entity == "custom"
        else GenerationRequest(request_id="det-1", entity=entity, count=60)
    )

    by_batch_size = [await generate(generator, request, size) for size in (1, 7, 60, 1000)]

    assert all(records == by_batch_size[0] for records in by_batch_size)
    assert await generate(TraditionalGenerator(), request) == by_batch_size[0]


async def test_other_request_ids_give_other_records(generator: TraditionalGenerator) -> None:
    first = await generate(generator, GenerationRequest(request_id="a", entity="user", count=5))
    second = await generate(generator, GenerationRequest(request_id="b", entity="user", count=5))

    assert [r["email"] for r in first] != [r["email"] for r in second]


async def test_global_random_and_faker_seeds_do_not_matter(generator: TraditionalGenerator) -> None:
    from faker import Faker

    request = GenerationRequest(request_id="seeds", entity="cart", count=20)
    random.seed(1)
    Faker.seed(1)
    before = await generate(generator, request)
    random.seed(2)
    Faker.seed(2)

    assert await generate(generator, request) == before


async def test_fast_hint_changes_nothing(generator: TraditionalGenerator) -> None:
    plain = GenerationRequest(request_id="h", entity="order", count=30)
    fast = GenerationRequest(request_id="h", entity="order", count=30, hints=("fast",))

    assert await generate(generator, fast) == await generate(generator, plain)


async def test_index_runs_from_zero_across_batches_and_batches_respect_the_size(
    generator: TraditionalGenerator,
) -> None:
    request = GenerationRequest(request_id="idx", entity="payment", count=103)
    schema = resolve_schema(request)

    batches = [b async for b in generator.start(request, schema, RunContext(batch_size=10))]

    assert [len(b) for b in batches] == [10] * 10 + [3]
    assert [r["_index"] for b in batches for r in b] == list(range(103))


async def test_records_stream_without_building_the_whole_request(
    generator: TraditionalGenerator,
) -> None:
    huge = GenerationRequest(request_id="huge", entity="cart", count=50_000_000)
    stream = aiter(generator.start(huge, resolve_schema(huge), RunContext(batch_size=100)))

    tracemalloc.start()
    first = await anext(stream)
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()

    assert len(first) == 100
    assert peak < 20 * 1024 * 1024  # 50M carts built up front would take many gigabytes
    await stream.aclose()  # type: ignore[attr-defined]


async def test_batch_size_must_be_positive(generator: TraditionalGenerator) -> None:
    request = GenerationRequest(request_id="b", entity="cart", count=1)

    with pytest.raises(ValueError, match="batch_size"):
        await generate(generator, request, batch_size=0)


def test_generator_serves_the_traditional_path() -> None:
    assert TraditionalGenerator.name == GenerationPath.TRADITIONAL


# --- scenarios ------------------------------------------------------------------------------


async def test_prd_cart_scenarios_get_7_2_1_records_that_honour_their_names(
    generator: TraditionalGenerator,
) -> None:
    request = GenerationRequest(
        request_id="req-001",
        entity="cart",
        count=10,
        scenarios=(
            Scenario("happy_path", 7, description="Normal checkout flow"),
            Scenario("high_value", 2, description="Cart total > $500"),
            Scenario("single_item", 1, description="Cart with only one item"),
        ),
    )

    records = await generate(generator, request, batch_size=3)

    assert [r["_scenario"] for r in records] == ["happy_path"] * 7 + ["high_value"] * 2 + [
        "single_item"
    ]
    assert all(r["total"] > 500 for r in records if r["_scenario"] == "high_value")
    assert all(len(r["items"]) == 1 for r in records if r["_scenario"] == "single_item")


async def test_unsized_scenarios_share_the_remainder(generator: TraditionalGenerator) -> None:
    request = GenerationRequest(
        request_id="s",
        entity="cart",
        count=10,
        scenarios=(Scenario("a", 3), Scenario("empty_cart"), Scenario("single_item")),
    )

    records = await generate(generator, request)

    assert Counter(r["_scenario"] for r in records) == {"a": 3, "empty_cart": 4, "single_item": 3}
    empty = [r for r in records if r["_scenario"] == "empty_cart"]
    assert all(r["items"] == [] and r["total"] == 0 for r in empty)


async def test_high_value_is_reached_even_when_quantities_are_capped(
    generator: TraditionalGenerator,
) -> None:
    request = GenerationRequest(
        request_id="hv",
        entity="order",
        count=200,
        scenarios=(Scenario("high_value", 200),),
        constraints={"items.quantity": FieldConstraint(max=2)},
    )

    records = await generate(generator, request)

    assert all(r["total"] > 500 for r in records)
    assert all(1 <= i["quantity"] <= 2 for r in records for i in r["items"])


async def test_scenario_overrides_are_set_with_the_fields_type(
    generator: TraditionalGenerator,
) -> None:
    request = GenerationRequest(
        request_id="o",
        entity="cart",
        count=6,
        scenarios=(
            Scenario("canadian", 3, overrides={"currency": "CAD", "items.quantity": "2"}),
            Scenario("plain", 3),
        ),
    )

    records = await generate(generator, request)

    canadian = [r for r in records if r["_scenario"] == "canadian"]
    assert all(r["currency"] == "CAD" for r in canadian)
    assert all(i["quantity"] == 2 for r in canadian for i in r["items"])


async def test_status_scenarios_pick_the_named_status(generator: TraditionalGenerator) -> None:
    request = GenerationRequest(
        request_id="st",
        entity="payment",
        count=40,
        scenarios=(
            Scenario("declined_card", 10),
            Scenario("expired_card", 10),
            Scenario("happy_path", 20),
        ),
    )

    records = await generate(generator, request)

    by_scenario: dict[str, list[Record]] = {}
    for record in records:
        by_scenario.setdefault(record["_scenario"], []).append(record)
    assert {r["status"] for r in by_scenario["declined_card"]} == {"declined"}
    assert {r["status"] for r in by_scenario["expired_card"]} == {"declined"}
    assert all(r["card_number"] for r in by_scenario["expired_card"])
    assert not {r["status"] for r in by_scenario["happy_path"]} & {"declined", "refunded"}


# --- entities -------------------------------------------------------------------------------


async def test_cart_money_is_exact_and_items_share_a_theme(generator: TraditionalGenerator) -> None:
    records = await generate(
        generator, GenerationRequest(request_id="m", entity="cart", count=5000)
    )
    themes = {t.occasion: {p.name for p in t.products} for t in THEMES}

    for cart in records:
        items = cart["items"]
        assert 1 <= len(items) <= 5
        assert cents(cart["subtotal"]) == sum(i["quantity"] * cents(i["price"]) for i in items)
        assert cents(cart["total"]) == cents(cart["subtotal"]) + cents(cart["tax"])
        assert 0 <= cents(cart["tax"]) <= cents(cart["subtotal"]) * 0.16
        assert all(1 <= i["quantity"] <= 99 and i["price"] >= 0.01 for i in items)
        names = themes[cart["_shopping_occasion"]]
        assert all(any(i["name"].startswith(n) for n in names) for i in items)
        assert cart["currency"] in ("USD", "CAD")
        assert moment(cart["created_at"]) <= moment(cart["updated_at"])
        assert re.fullmatch(r"CRT-\d{4}-\d{7}", cart["cart_id"])
        assert cart["cart_id"][4:8] == cart["created_at"][:4]
        assert re.fullmatch(r"USR-\d{7}", cart["customer_id"])
    assert len({c["cart_id"] for c in records}) == len(records)


async def test_order_timeline_agrees_with_status(generator: TraditionalGenerator) -> None:
    records = await generate(
        generator, GenerationRequest(request_id="t", entity="order", count=2000)
    )

    assert {r["status"] for r in records} == {
        "placed",
        "processing",
        "shipped",
        "delivered",
        "cancelled",
    }
    for order in records:
        shipped, delivered = order["shipped_at"], order["delivered_at"]
        assert (shipped is not None) == (order["status"] in ("shipped", "delivered"))
        assert (delivered is not None) == (order["status"] == "delivered")
        if shipped:
            assert moment(order["placed_at"]) <= moment(shipped)
        if delivered:
            assert moment(shipped) <= moment(delivered)
        expected = cents(order["subtotal"]) + cents(order["shipping"]) + cents(order["tax"])
        assert cents(order["total"]) == expected


async def test_payment_cards_pass_luhn_and_match_their_brand(
    generator: TraditionalGenerator,
) -> None:
    records = await generate(
        generator, GenerationRequest(request_id="p", entity="payment", count=2000)
    )

    methods = Counter(r["method"] for r in records)
    assert set(methods) == {
        "credit_card",
        "paypal",
        "apple_pay",
        "google_pay",
        "macys_card",
        "gift_card",
    }
    cards = [r for r in records if r["card_number"]]
    assert {r["card_brand"] for r in cards} == {"visa", "mastercard", "amex", "discover"}
    for payment in cards:
        assert luhn_valid(payment["card_number"])
        assert brand_of(payment["card_number"]) == payment["card_brand"]
        assert re.fullmatch(r"(0[1-9]|1[0-2])/\d{2}", payment["card_expiry"])
    assert all(r["amount"] >= 0.01 for r in records)


async def test_ten_thousand_users_have_unique_ids_and_emails_from_their_names(
    generator: TraditionalGenerator,
) -> None:
    records = await generate(
        generator, GenerationRequest(request_id="u", entity="user", count=10_000), batch_size=1000
    )

    assert len({r["user_id"] for r in records}) == 10_000
    assert len({r["email"] for r in records}) == 10_000
    for user in records:
        assert re.fullmatch(r"USR-\d{7}", user["user_id"])
        local, _, domain = user["email"].partition("@")
        assert domain in ("example.com", "example.net", "example.org")
        assert name_key(user["first_name"]) in local or name_key(user["last_name"]) in local
        assert re.fullmatch(r"\+1-\d{3}-555-01\d{2}", user["phone"])
        assert set(user["address"]) == {"street", "city", "state", "postal_code", "country"}
        assert user["loyalty_tier"] in ("Bronze", "Silver", "Gold", "Platinum")
        date.fromisoformat(user["date_of_birth"])


async def test_review_rating_sentiment_and_text_agree(generator: TraditionalGenerator) -> None:
    request = GenerationRequest(
        request_id="r",
        entity="review",
        count=600,
        scenarios=(Scenario("negative_reviews", 100), Scenario("mixed")),
    )

    records = await generate(generator, request)

    ratings = {"positive": {4, 5}, "neutral": {3}, "negative": {1, 2}}
    assert all(r["rating"] in ratings[r["sentiment"]] for r in records)
    assert {r["sentiment"] for r in records[:100]} == {"negative"}
    assert {r["sentiment"] for r in records[100:]} == {"positive", "neutral", "negative"}


@pytest.mark.parametrize("entity", ["cart", "order", "payment", "user", "review"])
async def test_predefined_entities_score_full_coherence(
    generator: TraditionalGenerator, entity: str
) -> None:
    request = GenerationRequest(
        request_id="c",
        entity=entity,
        count=1500,
        scenarios=(Scenario("happy_path", 500), Scenario("high_value", 500), Scenario("empty")),
    )
    tracker = CoherenceTracker(resolve_schema(request))

    async for batch in generator.start(request, resolve_schema(request), RunContext(200)):
        tracker.add(batch)

    assert tracker.checked > 0
    assert tracker.score == 1.0, tracker.violations


# --- custom schemas -------------------------------------------------------------------------


async def test_custom_schema_honours_every_field_type_and_rule(
    generator: TraditionalGenerator,
) -> None:
    request = custom_request()
    records = await generate(generator, request)

    for r in records:
        assert re.fullmatch(
            r"[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}", r["id"]
        )
        assert name_key(r["first_name"]) in r["email"] or name_key(r["last_name"]) in r["email"]
        assert re.fullmatch(r"[A-Z]{3}-\d{4}(-[a-f0-9]{2})?", r["code"])
        assert 8 <= len(r["label"]) <= 12 and not r["label"].endswith(" ")
        assert re.fullmatch(r"REF-2026-\d{5}", r["ref"])
        assert type(r["age"]) is int and 21 <= r["age"] <= 30
        assert type(r["score"]) is float and 0.5 <= r["score"] <= 0.75
        assert type(r["active"]) is bool
        assert date.fromisoformat(r["birthday"]) < date(2008, 1, 2)
        datetime.strptime(r["joined"], "%d/%m/%Y")
        moment(r["seen_at"])
        assert r["phone"].startswith("+1-")
        assert set(r["home"]) == {"street", "city", "state", "postal_code", "country"}
        assert r["status"] in ("active", "suspended")
        assert r["note"] is None or isinstance(r["note"], str)
        assert set(r["profile"]) == {"nickname", "level"} and 1 <= r["profile"]["level"] <= 3
        assert 1 <= len(r["lines"]) <= 3
        assert all(1 <= line["qty"] <= 9 and isinstance(line["sku"], str) for line in r["lines"])
    assert len({r["email"] for r in records}) == len(records)
    assert any(r["note"] is None for r in records)
    assert {r["active"] for r in records} == {True, False}


async def test_custom_overrides_are_converted_to_the_field_type(
    generator: TraditionalGenerator,
) -> None:
    overrides = {
        "age": "99",
        "score": "0.125",
        "active": "false",
        "profile": '{"nickname": "x", "level": 0}',
        "lines.qty": "0",
        "status": "banned",
    }
    request = custom_request(count=5, scenarios=(Scenario("edge", 5, overrides=overrides),))

    records = await generate(generator, request)

    for r in records:
        assert (r["age"], r["score"], r["active"], r["status"]) == (99, 0.125, False, "banned")
        assert r["profile"] == {"nickname": "x", "level": 0}
        assert all(line["qty"] == 0 for line in r["lines"])
    records[0]["profile"]["level"] = 5
    assert records[1]["profile"]["level"] == 0


async def test_custom_schema_with_regex_only_values(generator: TraditionalGenerator) -> None:
    request = GenerationRequest(
        request_id="rx",
        entity="codes",
        fields=(FieldSpec("postcode", FieldType.STRING),),
        constraints={"postcode": FieldConstraint(regex=r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$")},
        count=500,
    )

    records = await generate(generator, request)

    assert all(re.fullmatch(r"^[A-Z]{1,2}\d[A-Z\d]? ?\d[A-Z]{2}$", r["postcode"]) for r in records)
    assert len({r["postcode"] for r in records}) > 450


_DIGEST_SCRIPT = """
import asyncio, hashlib, orjson
from generators.core.request import GenerationRequest
from generators.entities.registry import resolve_schema
from generators.paths.traditional.generator import TraditionalGenerator
from testing.generation import generate_all

async def main() -> None:
    generator, digest = TraditionalGenerator(), hashlib.sha256()
    for entity in ("cart", "order", "payment", "user", "review"):
        request = GenerationRequest(request_id="cross-process", entity=entity, count=200)
        records = await generate_all(request, resolve_schema(request), generator, batch_size=64)
        digest.update(orjson.dumps(records))
    print(digest.hexdigest())

asyncio.run(main())
"""


def test_other_processes_generate_the_same_records() -> None:
    """A redelivered request may land on another worker: string hashing must not matter."""
    root = Path(__file__).resolve().parents[2]
    digests = {
        subprocess.run(
            [sys.executable, "-c", _DIGEST_SCRIPT],
            cwd=root,
            env={**os.environ, "PYTHONPATH": str(root), "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2")
    }

    assert len(digests) == 1
