"""What carts and orders share on the worker side: their baskets of line items.

Reading a basket back (`sum_of_items`, exact in cents), its edge cases (one line at the
quantity or price bounds, a tax of exactly half a cent, unicode item names), the money code
recomputes after a model or a pattern rewrote the items (each item's SKU from its name,
subtotal, tax at the skeleton's own rate, total), and what basket scenario names
(`single_item`, `high_value`, `empty`) ask of a model's items.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from random import Random
from typing import Any

from generators.core.record import Record
from generators.core.schema import EntitySchema
from generators.core.seeding import stable_seed
from generators.values.edge_moments import EdgeCase
from generators.values.line_items import HIGH_VALUE_CENTS, basket_shape
from generators.values.money import (
    NO_TAX,
    TAX_RATES,
    dollars,
    exact_cents,
    rounded_cents,
    tax_cents,
)


def sum_of_items(record: Mapping[str, Any]) -> int | None:
    total = 0
    for item in record.get("items") or ():
        price = exact_cents(item.get("price")) if isinstance(item, dict) else None
        quantity = item.get("quantity") if isinstance(item, dict) else None
        if price is None or not isinstance(quantity, int):
            return None
        total += quantity * price
    return total


_MAX_ITEM_CENTS = 9_999_99
_UNICODE_ITEM_SUFFIX = " \u2013 Édition Spéciale 🎁"


class BasketEdgeCases:
    """Edge baskets for carts and orders: item lines rebuilt, money recomputed in cents."""

    def __init__(self, schema: EntitySchema, extra: tuple[str, ...]) -> None:
        quantity, price = schema.rule("items.quantity"), schema.rule("items.price")
        self.max_quantity = math.floor(quantity.max) if quantity.max is not None else 99
        self.min_quantity = math.ceil(quantity.min) if quantity.min is not None else 1
        self.min_cents = math.ceil(price.min * 100) if price.min is not None else 1
        self.max_cents = math.floor(price.max * 100) if price.max is not None else _MAX_ITEM_CENTS
        self.extra = extra  # money fields added to the total besides subtotal and tax
        self._half_cent: dict[int, int] = {}

    def _settle(self, record: Record, items: list[Record], rate: int | None = None) -> bool:
        subtotal = sum(round(item["price"] * 100) * item["quantity"] for item in items)
        if rate is None:
            old_subtotal = round(record["subtotal"] * 100)
            old_tax = round(record["tax"] * 100)
            tax = tax_cents(subtotal, _rate_of(record, old_subtotal, old_tax))
        else:
            tax = tax_cents(subtotal, rate)
        extra = sum(round(record[name] * 100) for name in self.extra)
        record["items"] = items
        record["subtotal"] = dollars(subtotal)
        record["tax"] = dollars(tax)
        record["total"] = dollars(subtotal + tax + extra)
        return True

    def _one_line(self, record: Record, quantity: int, cents: int) -> list[Record] | None:
        items = record.get("items") or []
        if not items or self.min_quantity > quantity or not self.min_cents <= cents:
            return None
        line = dict(items[0], quantity=quantity, price=dollars(cents))
        return [line]

    def kinds(self) -> list[tuple[str, EdgeCase]]:
        def single_max_quantity(record: Record, _rng: Random, _i: int) -> bool:
            cents = round((record.get("items") or [{"price": 0}])[0]["price"] * 100)
            items = self._one_line(record, self.max_quantity, cents)
            return items is not None and self._settle(record, items)

        def max_price(record: Record, _rng: Random, _i: int) -> bool:
            items = self._one_line(record, self.min_quantity, self.max_cents)
            return items is not None and self._settle(record, items)

        def min_price(record: Record, _rng: Random, _i: int) -> bool:
            items = self._one_line(record, self.min_quantity, self.min_cents)
            return items is not None and self._settle(record, items)

        def half_cent(record: Record, _rng: Random, _i: int) -> bool:
            rates = [r for r in TAX_RATES.get(str(record.get("currency")), NO_TAX) if r]
            for rate in rates:
                cents = self._half_cent_price(rate)
                if cents is None:
                    continue
                items = self._one_line(record, 1, cents)
                if items is not None and self.min_quantity <= 1:
                    return self._settle(record, items, rate)
            return False

        def unicode_names(record: Record, _rng: Random, _i: int) -> bool:
            items = record.get("items") or []
            for item in items:
                item["name"] = f"{item['name']}{_UNICODE_ITEM_SUFFIX}"
            return bool(items)

        return [
            ("single_max_quantity_item", single_max_quantity),
            ("max_price_item", max_price),
            ("min_price_item", min_price),
            ("tax_half_cent", half_cent),
            ("unicode_item_names", unicode_names),
        ]

    def _half_cent_price(self, rate: int) -> int | None:
        """A unit price (cents) whose tax at `rate` is exactly half a cent over a whole cent."""
        if rate not in self._half_cent:
            found = next(
                (
                    c
                    for c in range(max(self.min_cents, 1_000), self.max_cents + 1)
                    if c * rate % 100_000 == 50_000
                ),
                None,
            )
            self._half_cent[rate] = found if found is not None else -1
        cents = self._half_cent[rate]
        return cents if cents > 0 else None


def _rate_of(record: Record, subtotal: int, tax: int) -> int:
    """The tax rate (thousandths of a percent) that gave `tax` on `subtotal`."""
    rates = TAX_RATES.get(str(record.get("currency")), NO_TAX)
    return next((r for r in rates if tax_cents(subtotal, r) == tax), rates[0])


def sku_for(name: str) -> str:
    """A stable SKU for a product name: equal names get equal SKUs."""
    return f"SKU-{stable_seed('llm-sku', name.strip().lower()) % 10**8:08d}"


def recompute_money(record: Record, skeleton: Record) -> None:
    items = record.get("items")
    if not isinstance(items, list) or not all(isinstance(i, dict) for i in items):
        return
    subtotal = 0
    for item in items:
        price, quantity = rounded_cents(item.get("price")), item.get("quantity")
        if price is None or type(quantity) is not int:
            return  # validation reports the bad value; nothing exact to compute
        item["price"] = dollars(price)
        if isinstance(item.get("name"), str):
            item["sku"] = sku_for(item["name"])
        subtotal += price * quantity
    tax = _tax_at_skeleton_rate(subtotal, skeleton)
    shipping = rounded_cents(skeleton.get("shipping")) or 0
    record["items"] = [_ordered_item(item) for item in items]
    record["subtotal"] = dollars(subtotal)
    record["tax"] = dollars(tax)
    if "shipping" in skeleton:
        record["shipping"] = dollars(shipping)
    record["total"] = dollars(subtotal + shipping + tax)
    if not items and "_shopping_occasion" in record:
        record["_shopping_occasion"] = None


def _ordered_item(item: dict[str, Any]) -> dict[str, Any]:
    """`sku` first, as the schema lists it."""
    return {"sku": item.get("sku"), **{k: v for k, v in item.items() if k != "sku"}}


def _tax_at_skeleton_rate(subtotal: int, skeleton: Record) -> int:
    base, tax = (
        rounded_cents(skeleton.get("subtotal")) or 0,
        rounded_cents(skeleton.get("tax")) or 0,
    )
    if base > 0:
        return (subtotal * tax * 2 + base) // (base * 2)  # rounded half up
    rates = TAX_RATES.get(str(skeleton.get("currency")), NO_TAX)
    rate = rates[int(skeleton.get("_index", 0)) % len(rates)]
    return (subtotal * rate + 50_000) // 100_000


def basket_scenario_arrays(scenario: str) -> Mapping[str, tuple[int, int]]:
    """How many items a basket of this scenario holds: exactly 0 or 1 for `empty` and `single`
    ones, else the usual 1..5, so a model cannot run away with its `items`."""
    return {"items": basket_shape(scenario).item_bounds}


def basket_scenario_problems(record: Mapping[str, Any]) -> list[str]:
    """What a cart's or order's scenario asks of its items (`single_item`, `high_value`...)
    that this record breaks."""
    problems = []
    shape = basket_shape(str(record.get("_scenario")))
    items = record.get("items")
    count = len(items) if isinstance(items, list) else 0
    if shape.item_count is not None and count != shape.item_count:
        problems.append(f"needs exactly {shape.item_count} items, got {count}")
    subtotal = rounded_cents(record.get("subtotal")) or 0
    if shape.high_value and subtotal <= HIGH_VALUE_CENTS:
        problems.append(
            f"items must add up to more than ${dollars(HIGH_VALUE_CENTS):.2f}, "
            f"got ${dollars(subtotal):.2f}"
        )
    return problems
