"""The user entity: a Star Rewards member with contact details."""

from __future__ import annotations

from generators.core.request import FieldConstraint, FieldSpec, FieldType
from generators.core.schema import EntitySchema
from generators.entities.declaration import Entity

LOYALTY_TIERS: tuple[str, ...] = ("Bronze", "Silver", "Gold", "Platinum")
#: Inclusive loyalty point range of each tier, so that points and tier always agree.
TIER_POINTS: dict[str, tuple[int, int]] = {
    "Bronze": (0, 999),
    "Silver": (1_000, 4_999),
    "Gold": (5_000, 14_999),
    "Platinum": (15_000, 60_000),
}

USER = Entity(
    schema=EntitySchema(
        name="user",
        domain="ecommerce",
        description="Customer account with contact details and Star Rewards loyalty tier",
        fields=(
            FieldSpec("user_id", FieldType.STRING),
            FieldSpec("first_name", FieldType.STRING),
            FieldSpec("last_name", FieldType.STRING),
            FieldSpec("email", FieldType.EMAIL),
            FieldSpec("phone", FieldType.PHONE),
            FieldSpec("date_of_birth", FieldType.DATE),
            FieldSpec("address", FieldType.ADDRESS),
            FieldSpec("loyalty_tier", FieldType.ENUM),
            FieldSpec("loyalty_points", FieldType.INTEGER),
            FieldSpec("created_at", FieldType.DATETIME),
        ),
        rules={
            "user_id": FieldConstraint(format="USR-{random:7}"),
            "loyalty_tier": FieldConstraint(enum_values=LOYALTY_TIERS),
            "loyalty_points": FieldConstraint(min=0),
        },
        coherence_rules=(
            "user_id and email are unique within a request",
            "email is derived from first_name and last_name",
            "loyalty_points fall in the loyalty_tier's range",
        ),
        predefined=True,
    ),
    model_writes={"first_name": (), "last_name": ()},
    item_coherence=False,
    text_content=False,
    behaviour="generators.entities.user.behaviour",
)
