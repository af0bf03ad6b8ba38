"""A sixth predefined entity that only the tests know: a customer's wishlist.

It is written the way docs/architecture.md says an entity is added: this declaration, its
behaviour next to it, and one `register` call (made by the tests, so the service's own list of
entities stays the five).
"""

from __future__ import annotations

from generators.core.request import FieldConstraint, FieldSpec, FieldType
from generators.core.schema import EntitySchema
from generators.entities.declaration import Entity

WISHLIST = Entity(
    schema=EntitySchema(
        name="wishlist",
        domain="ecommerce",
        description="Products a customer saved for later, ranked",
        fields=(
            FieldSpec("wishlist_id", FieldType.STRING),
            FieldSpec("customer_id", FieldType.STRING),
            FieldSpec(
                "items",
                FieldType.ARRAY,
                nested_fields=(
                    FieldSpec("sku", FieldType.STRING),
                    FieldSpec("name", FieldType.STRING),
                    FieldSpec("rank", FieldType.INTEGER),
                ),
            ),
            FieldSpec("public", FieldType.BOOLEAN),
            FieldSpec("created_at", FieldType.DATETIME),
        ),
        rules={
            "wishlist_id": FieldConstraint(format="WSH-{random:6}"),
            "customer_id": FieldConstraint(format="USR-{random:7}"),
            "items": FieldConstraint(min_length=0, max_length=8),
            "items.rank": FieldConstraint(min=1, max=8),
        },
        coherence_rules=("items are ranked 1..n",),
        predefined=True,
    ),
    model_writes={"items": ("name",)},
    item_coherence=True,
    text_content=False,
    behaviour="tests.extensions.wishlist.behaviour",
)
