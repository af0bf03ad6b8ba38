"""Cart records: themed items, exact money, created_at <= updated_at.

Scenario names: `single_item` (one item), `high_value` (total > $500), `empty`/`empty_cart`
(no items, zero money).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from random import Random
from typing import Any

from generators.core.record import Record
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
from generators.values.clock import HOUR_TEXTS, MINUTES_SECONDS, hour_text, utc_iso
from generators.values.context import DAY, HOUR, YEAR, BuildContext
from generators.values.edge_moments import EdgeCase, time_edge_cases
from generators.values.ids import UniqueIds, plain_template, run_ends
from generators.values.line_items import BasketShape, LineItemMaker, basket_shape
from generators.values.money import NO_TAX, TAX_RATES, adds_up, exact_cents, tax_cents
from generators.values.timeline import in_order

#: Bits drawn per cart, cut into its own choices. Their sizes multiply to under 2**114 (even
#: with an 18-digit customer number), so each choice is uniform to within 2**-46.
_CART_BITS = 160
_UPDATE_SPAN = 3 * DAY  # updated_at lies within three days after created_at
#: `tax_cents`'s arithmetic, inlined: rates are in thousandths of a percent, rounded half up.
_RATE_SCALE = 100_000
_RATE_HALF = _RATE_SCALE // 2


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

    def build_many(
        self, rng: Random, start: int, count: int, scenario: str, out: list[dict[str, Any]]
    ) -> None:
        """Appends records `start`.. `start + count - 1` of `scenario` to `out`, tags included:
        exactly `{"_index": i, "_scenario": scenario} | self.build(rng, i, scenario)` for each
        in turn (the same draws from `rng`), with `build` and `LineItemMaker.make` inlined."""
        shape = self._shapes.get(scenario)
        if shape is None:
            shape = self._shapes[scenario] = basket_shape(scenario)
        cart_ids = self._fast_cart_id
        customer = self._customer_template
        if shape.high_value or cart_ids is None or customer is None:
            for index in range(start, start + count):
                record: dict[str, Any] = {"_index": index, "_scenario": scenario}
                record.update(self.build(rng, index, scenario))
                out.append(record)
            return
        append = out.append
        getrandbits = rng.getrandbits
        item_maker = self._items
        obey_price_rule = item_maker.obey_price_rule
        # `bits % len(themes)` picks the theme, then `bits // len(themes) % len(currencies)` the
        # currency: both at once are `bits % (len(themes) * len(currencies))`.
        themes = item_maker.theme_tables
        choices = tuple(
            (*themes[choice % len(themes)], *currency, len(currency[1]))
            for choice in range(len(themes) * len(self._currencies))
            for currency in (self._currencies[choice // len(themes)],)
        )
        choice_count = len(choices)
        customer_modulus = self._customer_modulus
        reference = self._reference
        hours_get = HOUR_TEXTS.get
        minutes_seconds = MINUTES_SECONDS
        usual_counts = item_maker.usual_counts
        count_slots = len(usual_counts)
        fixed_count = shape.item_count
        quantities = item_maker.usual_quantities
        quantity_slots = len(quantities)
        year_span, update_span, hour_span = YEAR, _UPDATE_SPAN, HOUR
        rate_half, rate_scale, cart_bits = _RATE_HALF, _RATE_SCALE, _CART_BITS
        cart_template = cart_ids.template
        # `template.fill(year, n)` is head + digits + tail; the digits are `digits_format % n`.
        cart_digits = f"%0{len(str(cart_template.single_run_modulus)) - 1}d"
        customer_digits = f"%0{len(str(customer.single_run_modulus)) - 1}d"
        # year -> (cart id head, tail, customer id head, tail)
        ends: dict[int, tuple[str, str, str, str]] = {}
        cart_numbers = cart_ids.numbers(start, count)
        index = start
        for cart_number in cart_numbers:
            bits = getrandbits(cart_bits)
            created = reference - bits % year_span
            bits //= year_span
            updated = created + bits % update_span
            bits //= update_span
            occasion, tables, orderings_by_count, currency, rates, rate_count = choices[
                bits % choice_count
            ]
            bits //= choice_count
            rate = rates[bits % rate_count]
            bits //= rate_count
            # The items: `LineItemMaker.make`, inlined.
            line_bits = getrandbits(64)
            if fixed_count is None:
                wanted = usual_counts[line_bits % count_slots]
                orderings, ordering_count = orderings_by_count[wanted]
                line_bits //= count_slots
            else:
                orderings, ordering_count = orderings_by_count[fixed_count]
            items = []
            subtotal = 0
            for j in orderings[line_bits % ordering_count]:
                line_bits = getrandbits(64)
                prices, floats, price_count, obeys_rule, variants, variant_count = tables[j]
                quantity = quantities[line_bits % quantity_slots]
                line_bits //= quantity_slots
                price = line_bits % price_count
                item = variants[line_bits // price_count % variant_count].copy()
                cents = prices[price]
                if obeys_rule:
                    item["price"] = floats[price]
                else:
                    cents = obey_price_rule(rng, cents)
                    item["price"] = cents / 100
                item["quantity"] = quantity
                items.append(item)
                subtotal += quantity * cents
            tax = (subtotal * rate + rate_half) // rate_scale  # `tax_cents`, inlined
            # The timestamps and ids: `utc_iso` and `FormatTemplate.fill`, inlined.
            hour = hours_get(created // hour_span) or hour_text(created // hour_span)
            year = hour[1]
            year_ends = ends.get(year)
            if year_ends is None:
                year_ends = ends[year] = run_ends(cart_template, year) + run_ends(customer, year)
            updated_hour = hours_get(updated // hour_span) or hour_text(updated // hour_span)
            append(
                {
                    "_index": index,
                    "_scenario": scenario,
                    "_shopping_occasion": occasion if items else None,
                    "cart_id": year_ends[0] + cart_digits % cart_number + year_ends[1],
                    "customer_id": year_ends[2]
                    + customer_digits % (bits % customer_modulus)
                    + year_ends[3],
                    "items": items,
                    "subtotal": subtotal / 100,
                    "tax": tax / 100,
                    "total": (subtotal + tax) / 100,
                    "currency": currency,
                    "created_at": hour[0] + minutes_seconds[created % hour_span],
                    "updated_at": updated_hour[0] + minutes_seconds[updated % hour_span],
                }
            )
            index += 1

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


def checks(record: Mapping[str, Any]) -> Iterator[tuple[str, bool]]:
    items_sum = sum_of_items(record)
    yield (
        "cart: subtotal = sum(items.quantity * items.price)",
        (items_sum is not None and exact_cents(record.get("subtotal")) == items_sum),
    )
    yield (
        "cart: total = subtotal + tax",
        adds_up(record.get("total"), record.get("subtotal"), record.get("tax")),
    )
    yield (
        "cart: created_at <= updated_at",
        in_order(record.get("created_at"), record.get("updated_at")),
    )


def edge_cases(schema: EntitySchema, reference_year: int) -> list[tuple[str, EdgeCase]]:
    """The edge cases of the traditional path:
    `single_max_quantity_item`, `max_price_item`, `min_price_item`, `tax_half_cent`,
    `unicode_item_names`, `empty_cart`, `leap_day_created_at`, `dst_boundary_created_at`; money
    stays exact, in cents."""
    year = reference_year - 1
    basket = BasketEdgeCases(schema, ())

    def empty(record: Record, _rng: Random, _i: int) -> bool:
        record.update(items=[], subtotal=0.0, tax=0.0, total=0.0, _shopping_occasion=None)
        return True

    return [
        *basket.kinds(),
        ("empty_cart", empty),
        *time_edge_cases("created_at", ("updated_at",), year),
    ]


BEHAVIOUR = EntityBehaviour(
    builder=CartBuilder,
    checks=checks,
    edge_cases=edge_cases,
    repair=recompute_money,
    scenario_problems=basket_scenario_problems,
    scenario_arrays=basket_scenario_arrays,
)
