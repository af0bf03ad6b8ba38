"""The review entity: a product review whose rating, sentiment and text agree."""

from __future__ import annotations

from generators.core.request import FieldConstraint, FieldSpec, FieldType
from generators.core.schema import EntitySchema
from generators.entities.declaration import Entity

SENTIMENTS: tuple[str, ...] = ("positive", "neutral", "negative")
#: Ratings each sentiment allows.
SENTIMENT_RATINGS: dict[str, tuple[int, ...]] = {
    "positive": (4, 5),
    "neutral": (3,),
    "negative": (1, 2),
}

REVIEW = Entity(
    schema=EntitySchema(
        name="review",
        domain="ecommerce",
        description="Product review with rating, sentiment and free text",
        fields=(
            FieldSpec("review_id", FieldType.STRING),
            FieldSpec("product_sku", FieldType.STRING),
            FieldSpec("product_name", FieldType.STRING),
            FieldSpec("customer_id", FieldType.STRING),
            FieldSpec("rating", FieldType.INTEGER),
            FieldSpec("sentiment", FieldType.ENUM),
            FieldSpec("title", FieldType.STRING, description="short review headline"),
            FieldSpec("body", FieldType.STRING, description="review text"),
            FieldSpec("verified_purchase", FieldType.BOOLEAN),
            FieldSpec("helpful_votes", FieldType.INTEGER),
            FieldSpec("created_at", FieldType.DATETIME),
        ),
        rules={
            "review_id": FieldConstraint(format="REV-{year}-{random:8}"),
            "customer_id": FieldConstraint(format="USR-{random:7}"),
            "rating": FieldConstraint(min=1, max=5),
            "sentiment": FieldConstraint(enum_values=SENTIMENTS),
            "helpful_votes": FieldConstraint(min=0),
        },
        coherence_rules=(
            "rating agrees with sentiment (4-5 positive, 3 neutral, 1-2 negative)",
            "body text carries the sentiment",
        ),
        predefined=True,
    ),
    model_writes={"product_name": (), "rating": (), "sentiment": (), "title": (), "body": ()},
    item_coherence=False,
    text_content=True,
    behaviour="generators.entities.review.behaviour",
)
