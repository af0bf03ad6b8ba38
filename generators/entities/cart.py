"""Cart records: themed items, exact money, created_at <= updated_at.

Scenario names: `single_item` (one item), `high_value` (total > $500), `empty`/`empty_cart`
(no items, zero money).
"""

from __future__ import annotations

from random import Random
from typing import Any

from generators.build_context import DAY, YEAR, BuildContext, utc_datetime
from generators.catalogue import THEMES
from generators.entities.line_items import LineItemMaker
from generators.entities.money import NO_TAX, TAX_RATES, dollars, tax_cents
from generators.entities.scenario_hints import BasketShape, basket_shape
from generators.sampling import draw_int, pick


class CartBuilder:
    def __init__(self, context: BuildContext) -> None:
        self._items = LineItemMaker(context)
        self._cart_id = context.id_maker("cart_id", unique=True)
        self._customer_id = context.id_maker("customer_id", unique=False)
        self._currencies = context.schema.rule("currency").enum_values
        self._reference = context.reference_epoch
        self._shapes: dict[str, BasketShape] = {}

    def build(self, rng: Random, index: int, scenario: str) -> dict[str, Any]:
        shape = self._shapes.get(scenario)
        if shape is None:
            shape = self._shapes[scenario] = basket_shape(scenario)
        theme = pick(rng, self._items.high_value_themes if shape.high_value else THEMES)
        items, subtotal = self._items.make(rng, theme, shape)
        currency = pick(rng, self._currencies)
        tax = tax_cents(subtotal, pick(rng, TAX_RATES.get(currency, NO_TAX)))
        created = self._reference - draw_int(rng, 0, YEAR - 1)
        created_at = utc_datetime(created)
        return {
            "_shopping_occasion": theme.occasion if items else None,
            "cart_id": self._cart_id(rng, index, created_at.year),
            "customer_id": self._customer_id(rng, index, created_at.year),
            "items": items,
            "subtotal": dollars(subtotal),
            "tax": dollars(tax),
            "total": dollars(subtotal + tax),
            "currency": currency,
            "created_at": created_at.isoformat(),
            "updated_at": utc_datetime(created + draw_int(rng, 0, 3 * DAY - 1)).isoformat(),
        }
