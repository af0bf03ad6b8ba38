"""The cart entity, exactly as the PRD's CART_SCHEMA, and the line item it shares with orders.

The model writes the basket (item names, quantities, prices, categories); code fills ids, dates
and money. Its behaviour (`behaviour.py`): themed baskets, exact money, created_at <= updated_at.
"""

from __future__ import annotations

from generators.core.request import FieldConstraint, FieldSpec, FieldType
from generators.core.schema import EntitySchema
from generators.entities.declaration import Entity

CURRENCIES: tuple[str, ...] = ("USD", "CAD")

LINE_ITEM_FIELDS: tuple[FieldSpec, ...] = (
    FieldSpec("sku", FieldType.STRING),
    FieldSpec("name", FieldType.STRING),
    FieldSpec("quantity", FieldType.INTEGER),
    FieldSpec("price", FieldType.FLOAT, description="unit price"),
    FieldSpec("category", FieldType.STRING, required=False),
)

LINE_ITEM_RULES: dict[str, FieldConstraint] = {
    "items.quantity": FieldConstraint(min=1, max=99),
    "items.price": FieldConstraint(min=0.01),
}

CART = Entity(
    schema=EntitySchema(
        name="cart",
        domain="ecommerce",
        description="Shopping cart with items",
        fields=(
            FieldSpec("cart_id", FieldType.STRING),
            FieldSpec("customer_id", FieldType.STRING),
            FieldSpec("items", FieldType.ARRAY, nested_fields=LINE_ITEM_FIELDS),
            FieldSpec("subtotal", FieldType.FLOAT),
            FieldSpec("tax", FieldType.FLOAT),
            FieldSpec("total", FieldType.FLOAT),
            FieldSpec("currency", FieldType.ENUM, required=False),
            FieldSpec("created_at", FieldType.DATETIME),
            FieldSpec("updated_at", FieldType.DATETIME, required=False),
        ),
        rules={
            "cart_id": FieldConstraint(format="CRT-{year}-{random:7}"),
            "customer_id": FieldConstraint(format="USR-{random:7}"),
            **LINE_ITEM_RULES,
            "subtotal": FieldConstraint(min=0),
            "tax": FieldConstraint(min=0),
            "total": FieldConstraint(min=0),
            "currency": FieldConstraint(enum_values=CURRENCIES),
            "created_at": FieldConstraint(format="iso8601"),
            "updated_at": FieldConstraint(format="iso8601"),
        },
        tags=("_shopping_occasion",),
        coherence_rules=(
            "total = subtotal + tax",
            "subtotal = sum(items.quantity * items.price)",
            "items should be thematically related",
        ),
        predefined=True,
    ),
    model_writes={"items": ("name", "quantity", "price", "category")},
    item_coherence=True,
    text_content=False,
    behaviour="generators.entities.cart.behaviour",
)
