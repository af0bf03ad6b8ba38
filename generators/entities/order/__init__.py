"""The order entity: a cart that was checked out, with shipping and a status timeline."""

from __future__ import annotations

from generators.core.request import FieldConstraint, FieldSpec, FieldType
from generators.core.schema import EntitySchema
from generators.entities.cart import CURRENCIES, LINE_ITEM_FIELDS, LINE_ITEM_RULES
from generators.entities.declaration import Entity

ORDER_STATUSES: tuple[str, ...] = ("placed", "processing", "shipped", "delivered", "cancelled")
SHIPPING_METHODS: tuple[str, ...] = ("standard", "express", "same_day", "bopis")

ORDER = Entity(
    schema=EntitySchema(
        name="order",
        domain="ecommerce",
        description="Placed order with items, shipping and a status timeline",
        fields=(
            FieldSpec("order_id", FieldType.STRING),
            FieldSpec("customer_id", FieldType.STRING),
            FieldSpec("items", FieldType.ARRAY, nested_fields=LINE_ITEM_FIELDS),
            FieldSpec("subtotal", FieldType.FLOAT),
            FieldSpec("shipping", FieldType.FLOAT),
            FieldSpec("tax", FieldType.FLOAT),
            FieldSpec("total", FieldType.FLOAT),
            FieldSpec("currency", FieldType.ENUM),
            FieldSpec("shipping_method", FieldType.ENUM),
            FieldSpec("shipping_address", FieldType.ADDRESS),
            FieldSpec("status", FieldType.ENUM),
            FieldSpec("placed_at", FieldType.DATETIME),
            FieldSpec("shipped_at", FieldType.DATETIME, required=False),
            FieldSpec("delivered_at", FieldType.DATETIME, required=False),
        ),
        rules={
            "order_id": FieldConstraint(format="ORD-{year}-{random:8}"),
            "customer_id": FieldConstraint(format="USR-{random:7}"),
            **LINE_ITEM_RULES,
            "subtotal": FieldConstraint(min=0),
            "shipping": FieldConstraint(min=0),
            "tax": FieldConstraint(min=0),
            "total": FieldConstraint(min=0),
            "currency": FieldConstraint(enum_values=CURRENCIES),
            "shipping_method": FieldConstraint(enum_values=SHIPPING_METHODS),
            "status": FieldConstraint(enum_values=ORDER_STATUSES),
        },
        tags=("_shopping_occasion",),
        coherence_rules=(
            "total = subtotal + shipping + tax",
            "subtotal = sum(items.quantity * items.price)",
            "placed_at <= shipped_at <= delivered_at, present as the status implies",
        ),
        predefined=True,
    ),
    model_writes={"items": ("name", "quantity", "price", "category")},
    item_coherence=True,
    text_content=False,
    behaviour="generators.entities.order.behaviour",
)
