"""Cart records: themed items, exact money, created_at <= updated_at.

Scenario names: `single_item` (one item), `high_value` (total > $500), `empty`/`empty_cart`
(no items, zero money).
"""

from __future__ import annotations

from random import Random
from typing import Any

from generators.build_context import DAY, YEAR, BuildContext
from generators.catalogue import THEMES
from generators.entities.clock import utc_iso
from generators.entities.ids import UniqueIds, plain_template
from generators.entities.line_items import LineItemMaker
from generators.entities.money import NO_TAX, TAX_RATES, tax_cents
from generators.entities.scenario_hints import BasketShape, basket_shape

#: Bits drawn per cart, cut into its own choices. Their sizes multiply to under 2**114 (even
#: with an 18-digit customer number), so each choice is uniform to within 2**-46.
_CART_BITS = 160
_UPDATE_SPAN = 3 * DAY  # updated_at lies within three days after created_at


class CartBuilder:
    def __init__(self, context: BuildContext) -> None:
        self._items = LineItemMaker(context)
        cart_template = plain_template(context, "cart_id")
        self._fast_cart_id = UniqueIds(context, "cart_id", cart_template) if cart_template else None
        self._cart_id = context.id_maker("cart_id", unique=True)
        self._customer_template = plain_template(context, "customer_id")
        modulus = self._customer_template and self._customer_template.single_run_modulus
        self._customer_modulus = modulus or 1
        self._customer_id = context.id_maker("customer_id", unique=False)
        currencies = context.schema.rule("currency").enum_values
        self._currencies = tuple((c, TAX_RATES.get(c, NO_TAX)) for c in currencies)
        self._reference = context.reference_epoch
        self._shapes: dict[str, BasketShape] = {}

    def build(self, rng: Random, index: int, scenario: str) -> dict[str, Any]:
        shape = self._shapes.get(scenario)
        if shape is None:
            shape = self._shapes[scenario] = basket_shape(scenario)
        themes = self._items.high_value_themes if shape.high_value else THEMES
        bits = rng.getrandbits(_CART_BITS)
        created = self._reference - bits % YEAR
        bits //= YEAR
        updated = created + bits % _UPDATE_SPAN
        bits //= _UPDATE_SPAN
        theme = themes[bits % len(themes)]
        bits //= len(themes)
        currency, rates = self._currencies[bits % len(self._currencies)]
        bits //= len(self._currencies)
        rate = rates[bits % len(rates)]
        bits //= len(rates)
        items, subtotal = self._items.make(rng, theme, shape)
        tax = tax_cents(subtotal, rate)
        created_at, year = utc_iso(created)
        if self._fast_cart_id is not None:
            cart_id = self._fast_cart_id(index, year)
        else:
            cart_id = self._cart_id(rng, index, year)
        if self._customer_template is not None:  # drawn from the cart's bits
            customer_id = self._customer_template.fill(year, bits % self._customer_modulus)
        else:
            customer_id = self._customer_id(rng, index, year)
        return {
            "_shopping_occasion": theme.occasion if items else None,
            "cart_id": cart_id,
            "customer_id": customer_id,
            "items": items,
            "subtotal": subtotal / 100,  # `dollars`, inlined
            "tax": tax / 100,
            "total": (subtotal + tax) / 100,
            "currency": currency,
            "created_at": created_at,
            "updated_at": utc_iso(updated)[0],
        }
