"""The wishlist's worker side: ranked items from one shopping theme, ranks checked, edge cases
of an empty list and a full one."""

from __future__ import annotations

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
from generators.values.catalogue import THEMES
from generators.values.clock import utc_iso
from generators.values.context import YEAR, BuildContext
from generators.values.edge_moments import EdgeCase
from generators.values.sampling import draw_int, pick


class WishlistBuilder:
    def __init__(self, context: BuildContext) -> None:
        self._wishlist_id = context.id_maker("wishlist_id", unique=True)
        self._customer_id = context.id_maker("customer_id", unique=False)
        self._longest = context.schema.rule("items").max_length or 8
        self._reference = context.reference_epoch

    def build(self, rng: Random, index: int, scenario: str) -> dict[str, Any]:
        created_at, year = utc_iso(self._reference - draw_int(rng, 0, YEAR - 1))
        products = pick(rng, THEMES).products
        count = draw_int(rng, 1, min(self._longest, len(products)))
        items = [
            {"sku": product.code, "name": product.name, "rank": rank}
            for rank, product in enumerate(rng.sample(products, count), start=1)
        ]
        return {
            "wishlist_id": self._wishlist_id(rng, index, year),
            "customer_id": self._customer_id(rng, index, year),
            "items": items,
            "public": rng.random() < 0.3,
            "created_at": created_at,
        }


def checks(record: Mapping[str, Any]) -> Iterator[tuple[str, bool]]:
    ranks = [item.get("rank") for item in record.get("items") or () if isinstance(item, dict)]
    yield "wishlist: items are ranked 1..n", ranks == list(range(1, len(ranks) + 1))


def edge_cases(schema: EntitySchema, reference_year: int) -> list[tuple[str, EdgeCase]]:
    def empty(record: Record, _rng: Random, _index: int) -> bool:
        record["items"] = []
        return True

    def first_only(record: Record, _rng: Random, _index: int) -> bool:
        record["items"] = record["items"][:1]
        return bool(record["items"])

    return [("empty_wishlist", empty), ("single_item", first_only)]


BEHAVIOUR = EntityBehaviour(
    builder=WishlistBuilder,
    checks=checks,
    edge_cases=edge_cases,
    repair=nothing_derived,
    scenario_problems=no_scenario_problems,
    scenario_arrays=no_scenario_arrays,
)
