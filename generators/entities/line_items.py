"""Cart and order line items: 1..5 products of one theme, priced in cents.

Quantities and unit prices honour the schema's `items.quantity` and `items.price` rules; a
`high_value` basket comes from a theme that can reach $500 under those rules, and raises
quantities (dearest product first), then adds products, then raises unit prices to the top of
their range, until the subtotal exceeds $500 or the rules allow no more.
"""

from __future__ import annotations

import math
from random import Random
from typing import Any

from generators.build_context import BuildContext
from generators.catalogue import THEMES, Product, Theme
from generators.entities.scenario_hints import HIGH_VALUE_CENTS, BasketShape
from generators.sampling import WeightedChoice, draw_int, pick

_USUAL_ITEM_COUNT = WeightedChoice((1, 2, 3, 4, 5), (15, 30, 30, 15, 10))
_USUAL_QUANTITY = WeightedChoice((1, 2, 3, 4), (65, 22, 9, 4))
_CENTS_ENDING = WeightedChoice((99, 0, 50, 95), (60, 20, 10, 10))


#: (product, quantity, unit price in cents): tuples, because carts make millions of them.
_Line = tuple[Product, int, int]


class LineItemMaker:
    def __init__(self, context: BuildContext) -> None:
        quantity = context.schema.rule("items.quantity")
        price = context.schema.rule("items.price")
        self._min_quantity = math.ceil(quantity.min) if quantity.min is not None else 1
        self._max_quantity = math.floor(quantity.max) if quantity.max is not None else 99
        self._min_cents = math.ceil(price.min * 100) if price.min is not None else 1
        self._max_cents = math.floor(price.max * 100) if price.max is not None else None
        self._variants = ProductVariants(context.pools.colors)
        self.high_value_themes = (
            tuple(t for t in THEMES if self._ceiling(t.products) > 2 * HIGH_VALUE_CENTS) or THEMES
        )

    def _top_cents(self, product: Product) -> int:
        """The dearest unit price a product may get under the price rule."""
        top = product.max_dollars * 100 - 1
        return min(top, self._max_cents) if self._max_cents is not None else top

    def _ceiling(self, products: tuple[Product, ...]) -> int:
        """The largest subtotal these products can reach under the rules."""
        return sum(self._top_cents(p) * self._max_quantity for p in products)

    def make(
        self, rng: Random, theme: Theme, shape: BasketShape
    ) -> tuple[list[dict[str, Any]], int]:
        """The items and their subtotal in cents (exactly the sum of quantity x unit price)."""
        wanted = shape.item_count if shape.item_count is not None else _USUAL_ITEM_COUNT(rng)
        products = pick_distinct(rng, theme.products, wanted)
        lines = [self._line(rng, product, _USUAL_QUANTITY(rng)) for product in products]
        if shape.high_value:
            spare = [p for p in theme.products if p not in products]
            self._raise_to_high_value(rng, lines, spare if shape.item_count is None else [])
        items = []
        subtotal = 0
        for product, quantity, cents in lines:
            sku, name = self._variants.pick(rng, product)
            items.append(
                {
                    "sku": sku,
                    "name": name,
                    "quantity": quantity,
                    "price": cents / 100,
                    "category": product.category,
                }
            )
            subtotal += quantity * cents
        return items, subtotal

    def _line(self, rng: Random, product: Product, usual_quantity: int) -> _Line:
        quantity = min(max(usual_quantity, self._min_quantity), self._max_quantity)
        low = product.min_dollars
        cents = (low + int(rng.random() * (product.max_dollars - low + 1)) - 1) * 100
        cents += _CENTS_ENDING(rng)
        if cents < self._min_cents or (self._max_cents is not None and cents > self._max_cents):
            high = self._max_cents if self._max_cents is not None else self._min_cents * 10
            cents = draw_int(rng, self._min_cents, max(high, self._min_cents))
        return product, quantity, cents

    def _raise_to_high_value(self, rng: Random, lines: list[_Line], spare: list[Product]) -> None:
        while (deficit := HIGH_VALUE_CENTS + 1 - sum(q * c for _, q, c in lines)) > 0:
            raisable = [i for i, (_, q, c) in enumerate(lines) if q < self._max_quantity and c > 0]
            if raisable:
                i = max(raisable, key=lambda i: lines[i][2])
                product, quantity, cents = lines[i]
                more = math.ceil(deficit / cents)
                lines[i] = (product, min(self._max_quantity, quantity + more), cents)
            elif spare:
                lines.append(self._line(rng, spare.pop(0), 1))
            elif any(c < self._top_cents(p) for p, _, c in lines):
                lines[:] = [(p, q, max(c, self._top_cents(p))) for p, q, c in lines]
            else:
                return


def pick_distinct(rng: Random, values: tuple[Product, ...], count: int) -> list[Product]:
    """Up to `count` distinct values in random order (a partial Fisher-Yates shuffle)."""
    pool = list(values)
    size = len(pool)
    count = min(count, size)
    for i in range(count):
        j = i + int(rng.random() * (size - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:count]


class ProductVariants:
    """(sku, name) of product variants: a color suffix for products that come in colors.

    The SKU is a function of product and color, so equal SKUs always name equal variants.
    Each product's variants are formatted once, on first use.
    """

    def __init__(self, colors: tuple[str, ...]) -> None:
        self._colors = colors
        self._by_code: dict[str, tuple[tuple[str, str], ...]] = {}

    def pick(self, rng: Random, product: Product) -> tuple[str, str]:
        variants = self._by_code.get(product.code)
        if variants is None:
            variants = self._by_code[product.code] = self._format(product)
        return pick(rng, variants)

    def _format(self, product: Product) -> tuple[tuple[str, str], ...]:
        if not product.comes_in_colors:
            return ((product.code, product.name),)
        return tuple(
            (f"{product.code}-{number:03d}", f"{product.name}, {color}")
            for number, color in enumerate(self._colors)
        )
