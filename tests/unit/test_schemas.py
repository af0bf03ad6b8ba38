"""Entity schemas: what GetSchemas lists and how a request picks (and constrains) its schema."""

from __future__ import annotations

import pytest

from generators.core.errors import UnknownSchemaError
from generators.core.request import FieldConstraint, FieldSpec, FieldType, GenerationRequest
from generators.entities.registry import describe_fields, list_schemas, resolve_schema


def test_the_five_predefined_ecommerce_entities_are_listed() -> None:
    schemas = list_schemas()

    assert [s.name for s in schemas] == ["cart", "order", "payment", "user", "review"]
    assert {s.domain for s in schemas} == {"ecommerce"}
    assert all(s.description for s in schemas)


def test_domain_filter_ignores_case_and_unknown_domains_list_nothing() -> None:
    assert len(list_schemas("ECommerce")) == 5
    assert list_schemas("supply_chain") == []


def test_cart_schema_is_the_prds_cart_schema() -> None:
    cart = resolve_schema(GenerationRequest(request_id="r", entity="cart"))

    assert describe_fields(cart) == [
        "cart_id",
        "customer_id",
        "items",
        "items.sku",
        "items.name",
        "items.quantity",
        "items.price",
        "items.category",
        "subtotal",
        "tax",
        "total",
        "currency",
        "created_at",
        "updated_at",
    ]
    assert cart.rule("cart_id").format == "CRT-{year}-{random:7}"
    assert cart.rule("customer_id").format == "USR-{random:7}"
    assert (cart.rule("items.quantity").min, cart.rule("items.quantity").max) == (1, 99)
    assert cart.rule("items.price").min == 0.01
    assert cart.rule("currency").enum_values == ("USD", "CAD")
    assert "total = subtotal + tax" in cart.coherence_rules


def test_address_fields_are_described_with_their_parts() -> None:
    user = resolve_schema(GenerationRequest(request_id="r", entity="user"))

    assert {"address", "address.city", "address.postal_code"} <= set(describe_fields(user))


def test_custom_fields_win_over_the_entity_name() -> None:
    fields = (FieldSpec("sku", FieldType.STRING), FieldSpec("qty", FieldType.INTEGER))

    schema = resolve_schema(GenerationRequest(request_id="r", entity="cart", fields=fields))

    assert schema.fields == fields
    assert not schema.predefined
    assert schema.name == "cart"


def test_predefined_schema_name_beats_the_entity() -> None:
    request = GenerationRequest(request_id="r", entity="whatever", predefined_schema="Order")

    assert resolve_schema(request).name == "order"


def test_unknown_schema_raises_naming_the_known_ones() -> None:
    with pytest.raises(UnknownSchemaError, match="known schemas: cart, order, payment"):
        resolve_schema(GenerationRequest(request_id="r", entity="spaceship"))


def test_request_constraints_merge_over_schema_rules_attribute_by_attribute() -> None:
    request = GenerationRequest(
        request_id="r",
        entity="cart",
        constraints={"items.quantity": FieldConstraint(max=3), "tax": FieldConstraint(max=50)},
    )

    schema = resolve_schema(request)

    assert (schema.rule("items.quantity").min, schema.rule("items.quantity").max) == (1, 3)
    assert (schema.rule("tax").min, schema.rule("tax").max) == (0, 50)
