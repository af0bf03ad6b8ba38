"""Order records: cart-like items plus shipping, and a timeline that agrees with the status.

placed/processing/cancelled orders have neither shipped_at nor delivered_at; shipped orders
have shipped_at; delivered orders have both, with placed_at <= shipped_at <= delivered_at.
Scenario names: `single_item`, `high_value`, `empty`, any status (`delivered`, ...) or
shipping method (`same_day`, `bopis`, ...) named in them; `happy_path` orders are not cancelled.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from random import Random
from typing import Any

from generators.core.schema import EntitySchema
from generators.entities.basket import (
    BasketEdgeCases,
    basket_scenario_arrays,
    basket_scenario_problems,
    recompute_money,
    sum_of_items,
)
from generators.entities.behaviour import EntityBehaviour
from generators.values.catalogue import THEMES
from generators.values.context import DAY, HOUR, BuildContext, utc_datetime
from generators.values.edge_moments import EdgeCase, time_edge_cases
from generators.values.line_items import BasketShape, LineItemMaker, basket_shape
from generators.values.money import NO_TAX, TAX_RATES, adds_up, dollars, exact_cents, tax_cents
from generators.values.people import make_address
from generators.values.sampling import WeightedChoice, draw_int, pick
from generators.values.scenario_words import value_named_by, without_failures
from generators.values.timeline import in_order

#: Flat shipping fee in cents by method; standard ships free from FREE_SHIPPING_CENTS.
SHIPPING_CENTS: dict[str, int] = {"standard": 5_95, "express": 14_95, "same_day": 19_95, "bopis": 0}
FREE_SHIPPING_CENTS = 99_00
#: Seconds from shipping to delivery by method (standard 5-7 days incl. handling, ...).
TRANSIT_SECONDS: dict[str, tuple[int, int]] = {
    "standard": (3 * DAY, 6 * DAY),
    "express": (1 * DAY, 2 * DAY),
    "same_day": (1 * HOUR, 6 * HOUR),
    "bopis": (1 * HOUR, 2 * DAY),  # until the customer picks it up
}
_STATUS_WEIGHTS = {"placed": 10, "processing": 15, "shipped": 25, "delivered": 45, "cancelled": 5}
_SHIPPED = frozenset({"shipped", "delivered"})


class _Plan:
    """Per-scenario choices, resolved once per scenario name."""

    def __init__(self, scenario: str, statuses: tuple[str, ...], methods: tuple[str, ...]) -> None:
        self.shape: BasketShape = basket_shape(scenario)
        named_status = value_named_by(scenario, statuses)
        statuses = without_failures(scenario, statuses, {"cancelled"})
        self.status = WeightedChoice(
            (named_status,) if named_status else statuses,
            (1,) if named_status else tuple(_STATUS_WEIGHTS.get(s, 10) for s in statuses),
        )
        named_method = value_named_by(scenario, methods)
        self.methods = (named_method,) if named_method else methods


class OrderBuilder:
    def __init__(self, context: BuildContext) -> None:
        rules = context.schema.rule
        self._items = LineItemMaker(context)
        self._order_id = context.id_maker("order_id", unique=True)
        self._customer_id = context.id_maker("customer_id", unique=False)
        self._currencies = rules("currency").enum_values
        self._statuses = rules("status").enum_values
        self._methods = rules("shipping_method").enum_values
        self._pools = context.pools
        self._reference = context.reference_epoch
        self._plans: dict[str, _Plan] = {}

    def build(self, rng: Random, index: int, scenario: str) -> dict[str, Any]:
        plan = self._plans.get(scenario)
        if plan is None:
            plan = self._plans[scenario] = _Plan(scenario, self._statuses, self._methods)
        themes = self._items.high_value_themes if plan.shape.high_value else THEMES
        theme = pick(rng, themes)
        items, subtotal = self._items.make(rng, theme, plan.shape)
        method = pick(rng, plan.methods)
        shipping = SHIPPING_CENTS.get(method, 0)
        if method == "standard" and subtotal >= FREE_SHIPPING_CENTS:
            shipping = 0
        currency = pick(rng, self._currencies)
        tax = tax_cents(subtotal, pick(rng, TAX_RATES.get(currency, NO_TAX)))
        status = plan.status(rng)
        placed = self._reference - draw_int(rng, 0, 90 * DAY - 1)
        placed_at = utc_datetime(placed)
        shipped = placed + draw_int(rng, HOUR, 2 * DAY) if status in _SHIPPED else None
        low, high = TRANSIT_SECONDS.get(method, (DAY, 5 * DAY))
        delivered = (
            shipped + draw_int(rng, low, high) if shipped and status == "delivered" else None
        )
        return {
            "_shopping_occasion": theme.occasion if items else None,
            "order_id": self._order_id(rng, index, placed_at.year),
            "customer_id": self._customer_id(rng, index, placed_at.year),
            "items": items,
            "subtotal": dollars(subtotal),
            "shipping": dollars(shipping),
            "tax": dollars(tax),
            "total": dollars(subtotal + shipping + tax),
            "currency": currency,
            "shipping_method": method,
            "shipping_address": make_address(rng, self._pools),
            "status": status,
            "placed_at": placed_at.isoformat(),
            "shipped_at": utc_datetime(shipped).isoformat() if shipped else None,
            "delivered_at": utc_datetime(delivered).isoformat() if delivered else None,
        }


#: (has shipped_at, has delivered_at) by status; every other status has neither.
_ORDER_TIMELINE = {"shipped": (True, False), "delivered": (True, True)}


def checks(record: Mapping[str, Any]) -> Iterator[tuple[str, bool]]:
    items_sum = sum_of_items(record)
    yield (
        "order: subtotal = sum(items.quantity * items.price)",
        (items_sum is not None and exact_cents(record.get("subtotal")) == items_sum),
    )
    yield (
        "order: total = subtotal + shipping + tax",
        adds_up(
            record.get("total"), record.get("subtotal"), record.get("shipping"), record.get("tax")
        ),
    )
    shipped, delivered = record.get("shipped_at"), record.get("delivered_at")
    yield (
        "order: placed_at <= shipped_at <= delivered_at",
        in_order(record.get("placed_at"), shipped, delivered),
    )
    expected = _ORDER_TIMELINE.get(str(record.get("status")), (False, False))
    actual = (shipped is not None, delivered is not None)
    yield "order: timeline agrees with status", actual == expected


def edge_cases(schema: EntitySchema, reference_year: int) -> list[tuple[str, EdgeCase]]:
    """The edge cases of the traditional path:
    the cart's but `empty_cart`, with `placed_at` (and the timeline after it) moved:
    `leap_day_placed_at`, `dst_boundary_placed_at`; money stays exact, in cents."""
    year = reference_year - 1
    basket = BasketEdgeCases(schema, ("shipping",))
    return [
        *basket.kinds(),
        *time_edge_cases("placed_at", ("shipped_at", "delivered_at"), year),
    ]


BEHAVIOUR = EntityBehaviour(
    builder=OrderBuilder,
    checks=checks,
    edge_cases=edge_cases,
    repair=recompute_money,
    scenario_problems=basket_scenario_problems,
    scenario_arrays=basket_scenario_arrays,
)
