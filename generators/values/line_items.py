"""Cart and order line items: 1..5 products of one theme, priced in cents.

Quantities and unit prices honour the schema's `items.quantity` and `items.price` rules; a
`high_value` basket comes from a theme that can reach $500 under those rules, and raises
quantities (dearest product first), then adds products, then raises unit prices to the top of
their range, until the subtotal exceeds $500 or the rules allow no more.

Speed: carts make millions of lines, so whatever depends only on the product (its prices in
cents and as floats, its (sku, name) variants as item dicts to copy) is worked out once per
process, and what depends on the rules once per request; a usual line then costs one
`rng.getrandbits` call, a few table lookups and a dict copy.
"""

from __future__ import annotations

import functools
import itertools
import math
from collections.abc import Sequence
from dataclasses import dataclass
from random import Random
from typing import Any, TypeVar

from generators.values.catalogue import ALL_PRODUCTS, THEMES, Product, Theme
from generators.values.context import BuildContext
from generators.values.sampling import WeightedChoice, draw_int, pick
from generators.values.scenario_words import names

#: Carts and orders above this subtotal count as high value (PRD: "Cart total > $500").
HIGH_VALUE_CENTS = 500_00


@dataclass(frozen=True, slots=True)
class BasketShape:
    """What a scenario asks of a cart's or order's items."""

    item_count: int | None  # None: the usual 1..5
    high_value: bool

    @property
    def item_bounds(self) -> tuple[int, int]:
        """The fewest and most items such a basket holds."""
        if self.item_count is not None:
            return self.item_count, self.item_count
        return min(_USUAL_ITEM_COUNT.table), max(_USUAL_ITEM_COUNT.table)


def basket_shape(scenario: str) -> BasketShape:
    if names(scenario, "empty"):
        count: int | None = 0
    elif names(scenario, "single") or names(scenario, "one item"):
        count = 1
    else:
        count = None
    high_value = names(scenario, "high value") or names(scenario, "highvalue")
    return BasketShape(count, high_value)


_USUAL_ITEM_COUNT = WeightedChoice((1, 2, 3, 4, 5), (15, 30, 30, 15, 10))
_USUAL_QUANTITY = WeightedChoice((1, 2, 3, 4), (65, 22, 9, 4))
_CENTS_ENDING = WeightedChoice((99, 0, 50, 95), (6, 2, 1, 1))
#: The most items a usual basket holds (scenarios ask for 0 or 1).
_MAX_ITEMS = max(_USUAL_ITEM_COUNT.table)
#: Bits drawn per line. The choices cut from them multiply to under 2**26 (100 quantity slots,
#: 3,010 prices, 140 variants), so every choice is uniform to within 2**-38.
_LINE_BITS = 64
T = TypeVar("T")

Item = dict[str, Any]
#: A product as the hot loop needs it: (product, prices in cents, the same as floats in
#: dollars, number of prices, whether every price obeys the request's price rule, item dicts
#: of its variants (copied, never handed out), number of variants, dearest price allowed).
_ProductTable = tuple[
    Product, tuple[int, ...], tuple[float, ...], int, bool, tuple[Item, ...], int, int
]
#: (product table, quantity, unit price in cents): the high-value path's lines.
_Line = tuple[_ProductTable, int, int]
#: A product as batch builders need it: `_ProductTable` without the product and the top price.
LineTable = tuple[tuple[int, ...], tuple[float, ...], int, bool, tuple[Item, ...], int]
#: Every ordered choice of some of a theme's products (as indexes), and how many there are.
Orderings = tuple[tuple[tuple[int, ...], ...], int]
#: A theme as batch builders need it: its occasion, its products' `LineTable`s and, for each
#: wanted item count 0..5, the `Orderings` that `make` draws from.
ThemeTable = tuple[str, tuple[LineTable, ...], tuple[Orderings, ...]]


class LineItemMaker:
    def __init__(self, context: BuildContext) -> None:
        quantity = context.schema.rule("items.quantity")
        price = context.schema.rule("items.price")
        self._min_quantity = math.ceil(quantity.min) if quantity.min is not None else 1
        self._max_quantity = math.floor(quantity.max) if quantity.max is not None else 99
        self._min_cents = math.ceil(price.min * 100) if price.min is not None else 1
        self._max_cents = math.floor(price.max * 100) if price.max is not None else None
        items = _variant_items(context.pools.colors)
        self._themes = {
            theme.occasion: tuple(self._table(p, items[p.code]) for p in theme.products)
            for theme in THEMES
        }
        #: occasion -> count -> every ordered choice of `count` of the theme's products.
        self._orderings = {
            theme.occasion: tuple(
                _orderings(len(theme.products), count)
                for count in range(min(len(theme.products), _MAX_ITEMS) + 1)
            )
            for theme in THEMES
        }
        # The usual draws, as lookup tables (one draw is one index into them).
        self._usual_counts = _USUAL_ITEM_COUNT.table
        self._usual_quantities = tuple(self._clamp_quantity(q) for q in _USUAL_QUANTITY.table)
        self.high_value_themes = (
            tuple(t for t in THEMES if self._ceiling(t.products) > 2 * HIGH_VALUE_CENTS) or THEMES
        )
        #: `THEMES` as `ThemeTable`s, in the same order: what `make` looks up, for builders that
        #: inline it (`CartBuilder.build_many`). They must draw exactly as `make` does.
        self.theme_tables: tuple[ThemeTable, ...] = tuple(
            (
                theme.occasion,
                tuple(t[1:7] for t in self._themes[theme.occasion]),
                tuple(
                    (orderings, len(orderings))
                    for wanted in range(_MAX_ITEMS + 1)
                    for orderings in (
                        self._orderings[theme.occasion][min(wanted, len(theme.products))],
                    )
                ),
            )
            for theme in THEMES
        )
        self.usual_counts: tuple[int, ...] = self._usual_counts
        self.usual_quantities: tuple[int, ...] = self._usual_quantities

    def _clamp_quantity(self, usual: int) -> int:
        return min(max(usual, self._min_quantity), self._max_quantity)

    def _table(self, product: Product, items: tuple[Item, ...]) -> _ProductTable:
        prices, floats = _prices(product)
        obeys_rule = self._min_cents <= prices[0] and (
            self._max_cents is None or prices[-1] <= self._max_cents
        )
        return (product, prices, floats, len(prices), obeys_rule, items, len(items),
                self._top_cents(product))  # fmt: skip

    def _top_cents(self, product: Product) -> int:
        """The dearest unit price a product may get under the price rule."""
        top = product.max_dollars * 100 - 1
        return min(top, self._max_cents) if self._max_cents is not None else top

    def _ceiling(self, products: tuple[Product, ...]) -> int:
        """The largest subtotal these products can reach under the rules."""
        return sum(self._top_cents(p) * self._max_quantity for p in products)

    def make(self, rng: Random, theme: Theme, shape: BasketShape) -> tuple[list[Item], int]:
        """The items and their subtotal in cents (exactly the sum of quantity x unit price)."""
        if shape.high_value:
            return self._make_high_value(rng, theme, shape)
        getrandbits = rng.getrandbits
        bits = getrandbits(64)
        if shape.item_count is None:
            wanted = self._usual_counts[bits % len(self._usual_counts)]
            bits //= len(self._usual_counts)
        else:
            wanted = shape.item_count
        tables = self._themes[theme.occasion]
        # Which products, in which order: one of all the orderings of that many of them.
        orderings = self._orderings[theme.occasion][min(wanted, len(tables))]
        quantities = self._usual_quantities
        quantity_slots = len(quantities)
        items = []
        subtotal = 0
        for j in orderings[bits % len(orderings)]:
            # One draw per line, cut into its choices: quantity, price, variant.
            bits = getrandbits(_LINE_BITS)
            _, prices, floats, price_count, obeys_rule, variants, variant_count, _ = tables[j]
            quantity = quantities[bits % quantity_slots]
            bits //= quantity_slots
            price = bits % price_count
            item = variants[bits // price_count % variant_count].copy()
            cents = prices[price]
            if obeys_rule:
                item["price"] = floats[price]
            else:
                cents = self.obey_price_rule(rng, cents)
                item["price"] = cents / 100
            item["quantity"] = quantity
            items.append(item)
            subtotal += quantity * cents
        return items, subtotal

    def _make_high_value(
        self, rng: Random, theme: Theme, shape: BasketShape
    ) -> tuple[list[Item], int]:
        """`make` for high-value baskets: lines first, raised until the subtotal is > $500."""
        wanted = shape.item_count if shape.item_count is not None else _USUAL_ITEM_COUNT(rng)
        chosen = pick_distinct(rng, self._themes[theme.occasion], wanted)
        lines = [self._line(rng, table, _USUAL_QUANTITY(rng)) for table in chosen]
        spare = [t for t in self._themes[theme.occasion] if t not in chosen]
        self._raise_to_high_value(rng, lines, spare if shape.item_count is None else [])
        items = []
        subtotal = 0
        for table, quantity, cents in lines:
            item = pick(rng, table[5]).copy()
            item["quantity"] = quantity
            item["price"] = cents / 100
            items.append(item)
            subtotal += quantity * cents
        return items, subtotal

    def obey_price_rule(self, rng: Random, cents: int) -> int:
        """`cents`, or a price drawn within the price rule when `cents` breaks it."""
        if cents < self._min_cents or (self._max_cents is not None and cents > self._max_cents):
            high = self._max_cents if self._max_cents is not None else self._min_cents * 10
            return draw_int(rng, self._min_cents, max(high, self._min_cents))
        return cents

    def _line(self, rng: Random, table: _ProductTable, usual_quantity: int) -> _Line:
        cents = pick(rng, table[1])
        return table, self._clamp_quantity(usual_quantity), self.obey_price_rule(rng, cents)

    def _raise_to_high_value(
        self, rng: Random, lines: list[_Line], spare: list[_ProductTable]
    ) -> None:
        while (deficit := HIGH_VALUE_CENTS + 1 - sum(q * c for _, q, c in lines)) > 0:
            raisable = [i for i, (_, q, c) in enumerate(lines) if q < self._max_quantity and c > 0]
            if raisable:
                i = max(raisable, key=lambda i: lines[i][2])
                table, quantity, cents = lines[i]
                more = math.ceil(deficit / cents)
                lines[i] = (table, min(self._max_quantity, quantity + more), cents)
            elif spare:
                lines.append(self._line(rng, spare.pop(0), 1))
            elif any(c < t[7] for t, _, c in lines):
                lines[:] = [(t, q, max(c, t[7])) for t, q, c in lines]
            else:
                return


@functools.cache
def _orderings(size: int, count: int) -> tuple[tuple[int, ...], ...]:
    """Every ordered choice of `count` distinct indexes below `size` (6,720 for 5 of 8): drawing
    one is a partial shuffle in one step. Baskets hold at most 5 of at most 8 products."""
    return tuple(itertools.permutations(range(size), count))


def pick_distinct(rng: Random, values: Sequence[T], count: int) -> list[T]:
    """Up to `count` distinct values in random order (a partial Fisher-Yates shuffle)."""
    pool = list(values)
    size = len(pool)
    count = min(count, size)
    for i in range(count):
        j = i + int(rng.random() * (size - i))
        pool[i], pool[j] = pool[j], pool[i]
    return pool[:count]


@functools.cache
def _prices(product: Product) -> tuple[tuple[int, ...], tuple[float, ...]]:
    """Every unit price of `product`, ascending, each as often as its cents ending's weight:
    whole dollars in its range minus one, plus a realistic ending (.99 mostly)."""
    cents = tuple(
        (dollars - 1) * 100 + ending
        for dollars in range(product.min_dollars, product.max_dollars + 1)
        for ending in sorted(_CENTS_ENDING.table)
    )
    return cents, tuple(c / 100 for c in cents)


def _format_variants(product: Product, colors: tuple[str, ...]) -> tuple[tuple[str, str], ...]:
    if not product.comes_in_colors:
        return ((product.code, product.name),)
    return tuple(
        (f"{product.code}-{number:03d}", f"{product.name}, {color}")
        for number, color in enumerate(colors)
    )


@functools.lru_cache(maxsize=4)
def _variants_by_code(colors: tuple[str, ...]) -> dict[str, tuple[tuple[str, str], ...]]:
    """Every catalogue product's variants, formatted once per process (per color pool)."""
    return {product.code: _format_variants(product, colors) for product in ALL_PRODUCTS}


@functools.lru_cache(maxsize=4)
def _variant_items(colors: tuple[str, ...]) -> dict[str, tuple[Item, ...]]:
    """Every catalogue product's variants as line item dicts, keys in output order; quantity
    and price are filled in on a copy."""
    return {
        product.code: tuple(
            {"sku": sku, "name": name, "quantity": 0, "price": 0.0, "category": product.category}
            for sku, name in variants
        )
        for product in ALL_PRODUCTS
        for variants in (_variants_by_code(colors)[product.code],)
    }


class ProductVariants:
    """(sku, name) of product variants: a color suffix for products that come in colors.

    The SKU is a function of product and color, so equal SKUs always name equal variants.
    """

    def __init__(self, colors: tuple[str, ...]) -> None:
        self._colors = colors
        self._by_code = _variants_by_code(colors)

    def pick(self, rng: Random, product: Product) -> tuple[str, str]:
        variants = self._by_code.get(product.code)
        if variants is None:  # not a catalogue product
            variants = _format_variants(product, self._colors)
        return pick(rng, variants)
