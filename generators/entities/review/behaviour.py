"""Review records whose rating, sentiment and text agree.

Ratings 4-5 are positive, 3 neutral, 1-2 negative; the title and body come from phrase banks of
the same sentiment (positive and negative sentences each carry a word of the lexicon of
`generators.values.sentiment`, neutral ones none). Scenario names: any sentiment they mention
(`negative_reviews`).
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from random import Random
from typing import Any

from generators.core.record import Record
from generators.core.schema import EntitySchema
from generators.entities.behaviour import (
    EntityBehaviour,
    no_scenario_arrays,
    no_scenario_problems,
    nothing_derived,
)
from generators.entities.review import SENTIMENT_RATINGS
from generators.values.catalogue import ALL_PRODUCTS
from generators.values.context import YEAR, BuildContext, utc_datetime
from generators.values.edge_moments import EdgeCase, time_edge_cases
from generators.values.line_items import ProductVariants
from generators.values.sampling import WeightedChoice, draw_int, pick
from generators.values.scenario_words import value_named_by
from generators.values.sentiment import polarity

TITLES: dict[str, tuple[str, ...]] = {
    "positive": ("Love it!", "Great buy", "Highly recommend", "Perfect fit", "Five stars"),
    "neutral": ("It's okay", "Decent", "Does the job", "Average", "As expected"),
    "negative": ("Disappointed", "Not worth it", "Returned it", "Poor quality", "Skip this one"),
}
SENTENCES: dict[str, tuple[str, ...]] = {
    "positive": (
        "Absolutely love the {product}.",
        "Great quality for the price.",
        "Even more beautiful in person than in the photos.",
        "Really comfortable and well made.",
        "Would definitely recommend the {product} to a friend.",
        "Exactly what I was looking for, a perfect fit.",
        "Arrived quickly and I'm very happy with it.",
        "My new favorite purchase this year.",
        "Excellent value, I ended up buying a second one.",
    ),
    "neutral": (
        "Okay for everyday use.",
        "Bought the {product} as a gift.",
        "Does the job, nothing special.",
        "Fits as expected.",
        "Average quality, about what you'd expect at this price.",
        "Shipping took about a week.",
        "The color is slightly different from the photos.",
        "It's fine, though I might try another style next time.",
    ),
    "negative": (
        "Disappointed with the {product}.",
        "The material feels cheap for the price.",
        "It broke after two weeks of use.",
        "The stitching came apart after the first wash, so I returned it.",
        "Runs much smaller than the size chart says and is uncomfortable all day.",
        "The color faded after one wash.",
        "Poor packaging, it arrived damaged.",
        "Honestly a waste of money.",
        "Still waiting on my refund.",
    ),
}
_SENTIMENT_WEIGHTS = {"positive": 60, "neutral": 15, "negative": 25}
_HELPFUL_VOTES = WeightedChoice(((0, 0), (1, 5), (6, 40), (41, 300)), (45, 35, 15, 5))


class ReviewBuilder:
    def __init__(self, context: BuildContext) -> None:
        rules = context.schema.rule
        self._review_id = context.id_maker("review_id", unique=True)
        self._customer_id = context.id_maker("customer_id", unique=False)
        rating = rules("rating")
        low = math.ceil(rating.min) if rating.min is not None else 1
        high = math.floor(rating.max) if rating.max is not None else 5
        enum = rules("sentiment").enum_values
        ratings = {
            s: tuple(r for r in SENTIMENT_RATINGS.get(s, ()) if low <= r <= high) for s in enum
        }
        # A sentiment whose ratings the rating rule excludes is never chosen (unless none fit).
        self._sentiments = tuple(s for s in enum if ratings[s]) or enum
        fallback = (min(max(3, low), high),)
        self._ratings = {s: ratings[s] or fallback for s in enum}
        self._variants = ProductVariants(context.pools.colors)
        self._reference = context.reference_epoch
        self._sentiment_choices: dict[str, WeightedChoice[str]] = {}

    def build(self, rng: Random, index: int, scenario: str) -> dict[str, Any]:
        sentiment = self._sentiment_choice(scenario)(rng)
        product = pick(rng, ALL_PRODUCTS)
        sku, name = self._variants.pick(rng, product)
        short_name = product.name.split(",")[0].lower()
        sentences = SENTENCES.get(sentiment, SENTENCES["neutral"])
        body = " ".join(
            s.format(product=short_name) for s in rng.sample(sentences, draw_int(rng, 2, 3))
        )
        low_votes, high_votes = _HELPFUL_VOTES(rng)
        created_at = utc_datetime(self._reference - draw_int(rng, 0, 2 * YEAR - 1))
        return {
            "review_id": self._review_id(rng, index, created_at.year),
            "product_sku": sku,
            "product_name": name,
            "customer_id": self._customer_id(rng, index, created_at.year),
            "rating": pick(rng, self._ratings[sentiment]),
            "sentiment": sentiment,
            "title": pick(rng, TITLES.get(sentiment, TITLES["neutral"])),
            "body": body,
            "verified_purchase": rng.random() < 0.8,
            "helpful_votes": draw_int(rng, low_votes, high_votes),
            "created_at": created_at.isoformat(),
        }

    def _sentiment_choice(self, scenario: str) -> WeightedChoice[str]:
        choice = self._sentiment_choices.get(scenario)
        if choice is None:
            named = value_named_by(scenario, self._sentiments)
            options = (named,) if named else self._sentiments
            weights = tuple(_SENTIMENT_WEIGHTS.get(s, 10) for s in options)
            choice = self._sentiment_choices[scenario] = WeightedChoice(options, weights)
        return choice


def checks(record: Mapping[str, Any]) -> Iterator[tuple[str, bool]]:
    sentiment = str(record.get("sentiment"))
    allowed_ratings = SENTIMENT_RATINGS.get(sentiment, ())
    yield "review: rating agrees with sentiment", record.get("rating") in allowed_ratings
    body = record.get("body")
    if isinstance(body, str):
        tone = polarity(body)
        agrees = {"positive": tone > 0, "negative": tone < 0}.get(sentiment, abs(tone) <= 1)
        yield "review: body carries the sentiment", agrees


def edge_cases(schema: EntitySchema, reference_year: int) -> list[tuple[str, EdgeCase]]:
    """The edge cases of the traditional path:
    `rating_min_for_sentiment`, `rating_max_for_sentiment`, `zero_helpful_votes`
    (`min_helpful_votes` when a rule raises the minimum), `emoji_text`, `leap_day_created_at`,
    `dst_boundary_created_at`."""
    year = reference_year - 1
    rating = schema.rule("rating")
    low_rating = math.ceil(rating.min) if rating.min is not None else 1
    high_rating = math.floor(rating.max) if rating.max is not None else 5
    votes = schema.rule("helpful_votes")
    min_votes = math.ceil(votes.min) if votes.min is not None else 0
    max_votes = math.floor(votes.max) if votes.max is not None else None

    def rating_end(low: bool) -> EdgeCase:
        def apply(record: Record, _rng: Random, _i: int) -> bool:
            allowed = [
                r
                for r in SENTIMENT_RATINGS.get(str(record.get("sentiment")), ())
                if low_rating <= r <= high_rating
            ]
            if not allowed:
                return False
            record["rating"] = allowed[0] if low else allowed[-1]
            return True

        return apply

    def fewest_votes(record: Record, _rng: Random, _i: int) -> bool:
        if max_votes is not None and min_votes > max_votes:
            return False
        record["helpful_votes"] = min_votes
        return True

    def emoji(record: Record, _rng: Random, _i: int) -> bool:
        record["title"] = f"{record.get('title', '')} ✨🛍️"
        record["body"] = f"{record.get('body', '')} 📦👀"
        return True

    return [
        ("rating_min_for_sentiment", rating_end(True)),
        ("rating_max_for_sentiment", rating_end(False)),
        ("zero_helpful_votes" if min_votes == 0 else "min_helpful_votes", fewest_votes),
        ("emoji_text", emoji),
        *time_edge_cases("created_at", (), year),
    ]


BEHAVIOUR = EntityBehaviour(
    builder=ReviewBuilder,
    checks=checks,
    edge_cases=edge_cases,
    repair=nothing_derived,
    scenario_problems=no_scenario_problems,
    scenario_arrays=no_scenario_arrays,
)
