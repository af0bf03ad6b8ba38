"""Payment records: amount, method from the PRD's list, and Luhn-valid test cards.

Card methods (credit card, Apple Pay, Google Pay) carry card_brand, a card_number whose prefix
and length match the brand, and an MM/YY expiry after created_at; other methods carry none.
Scenario names: any method (`apple_pay`) or status (`declined`) they mention, `expired` (a card
that expired before the payment, which is then declined); `happy_path` payments succeed.
"""

from __future__ import annotations

import math
from collections.abc import Iterator, Mapping
from datetime import datetime
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
from generators.entities.payment import CARD_METHODS
from generators.values.cards import CARD_NETWORKS, brand_of, luhn_valid, make_card_number
from generators.values.context import YEAR, BuildContext, utc_datetime
from generators.values.edge_moments import EdgeCase, time_edge_cases
from generators.values.money import dollars
from generators.values.sampling import WeightedChoice, draw_int, pick
from generators.values.scenario_words import names, value_named_by, without_failures
from generators.values.timeline import parse_moment

_METHOD_WEIGHTS = {
    "credit_card": 45,
    "paypal": 12,
    "apple_pay": 15,
    "google_pay": 8,
    "macys_card": 15,
    "gift_card": 5,
}
_STATUS_WEIGHTS = {"authorized": 20, "captured": 62, "declined": 10, "refunded": 8}
_BRAND_WEIGHTS = {"visa": 50, "mastercard": 30, "amex": 12, "discover": 8}
_AMOUNT_CENTS = WeightedChoice(((5_00, 60_00), (60_00, 250_00), (250_00, 1_500_00)), (45, 40, 15))


def _weighted(values: tuple[str, ...], weights: dict[str, int]) -> WeightedChoice[str]:
    return WeightedChoice(values, tuple(weights.get(v, 5) for v in values))


class _Plan:
    """Per-scenario choices, resolved once per scenario name."""

    def __init__(self, scenario: str, methods: tuple[str, ...], statuses: tuple[str, ...]) -> None:
        self.expired = names(scenario, "expired")
        named_method = value_named_by(scenario, methods)
        if self.expired:  # an expired card needs a card method to exist at all
            methods = tuple(m for m in methods if m in CARD_METHODS) or methods
        self.method = _weighted((named_method,) if named_method else methods, _METHOD_WEIGHTS)
        named_status = "declined" if self.expired else value_named_by(scenario, statuses)
        statuses = without_failures(scenario, statuses, {"declined", "refunded"})
        self.status = _weighted((named_status,) if named_status else statuses, _STATUS_WEIGHTS)


class PaymentBuilder:
    def __init__(self, context: BuildContext) -> None:
        rules = context.schema.rule
        self._payment_id = context.id_maker("payment_id", unique=True)
        self._order_id = context.id_maker("order_id", unique=False)
        self._customer_id = context.id_maker("customer_id", unique=False)
        self._currencies = rules("currency").enum_values
        self._methods = rules("method").enum_values
        self._statuses = rules("status").enum_values
        brands = tuple(b for b in rules("card_brand").enum_values if b in CARD_NETWORKS)
        self._brand = _weighted(brands or tuple(CARD_NETWORKS), _BRAND_WEIGHTS)
        amount = rules("amount")
        self._min_cents = round(amount.min * 100) if amount.min is not None else 1
        self._max_cents = round(amount.max * 100) if amount.max is not None else None
        self._reference = context.reference_epoch
        self._plans: dict[str, _Plan] = {}

    def build(self, rng: Random, index: int, scenario: str) -> dict[str, Any]:
        plan = self._plans.get(scenario)
        if plan is None:
            plan = self._plans[scenario] = _Plan(scenario, self._methods, self._statuses)
        created_at = utc_datetime(self._reference - draw_int(rng, 0, YEAR - 1))
        method = plan.method(rng)
        card: dict[str, Any] = {"card_brand": None, "card_number": None, "card_expiry": None}
        if method in CARD_METHODS:
            brand = self._brand(rng)
            months_ahead = -draw_int(rng, 1, 24) if plan.expired else draw_int(rng, 1, 60)
            month_index = created_at.year * 12 + created_at.month - 1 + months_ahead
            card = {
                "card_brand": brand,
                "card_number": make_card_number(rng, brand),
                "card_expiry": f"{month_index % 12 + 1:02d}/{month_index // 12 % 100:02d}",
            }
        return {
            "payment_id": self._payment_id(rng, index, created_at.year),
            "order_id": self._order_id(rng, index, created_at.year),
            "customer_id": self._customer_id(rng, index, created_at.year),
            "amount": dollars(self._amount_cents(rng)),
            "currency": pick(rng, self._currencies),
            "method": method,
            **card,
            "status": plan.status(rng),
            "created_at": created_at.isoformat(),
        }

    def _amount_cents(self, rng: Random) -> int:
        low, high = _AMOUNT_CENTS(rng)
        low = max(low, self._min_cents)
        high = min(high, self._max_cents) if self._max_cents is not None else high
        if low > high:  # the usual band lies outside the rule's bounds: use the bounds
            low = self._min_cents
            high = self._max_cents if self._max_cents is not None else 2 * self._min_cents
        return draw_int(rng, low, max(low, high))


def checks(record: Mapping[str, Any]) -> Iterator[tuple[str, bool]]:
    number = record.get("card_number")
    yield (
        "payment: card fields exactly for card methods",
        (number is not None) == (record.get("method") in CARD_METHODS),
    )
    if number is None:
        return
    text = str(number)
    yield "payment: card_number passes Luhn", luhn_valid(text)
    yield "payment: card_brand matches card_number", brand_of(text) == record.get("card_brand")
    expiry, created = record.get("card_expiry"), parse_moment(record.get("created_at"))
    if isinstance(expiry, str) and created is not None and record.get("status") != "declined":
        month, _, year = expiry.partition("/")
        valid_through = (2000 + int(year), int(month)) if f"{month}{year}".isdigit() else (0, 0)
        yield "payment: card not expired", valid_through >= (created.year, created.month)


def edge_cases(schema: EntitySchema, reference_year: int) -> list[tuple[str, EdgeCase]]:
    """The edge cases of the traditional path:
    `min_amount`, `max_amount`, `card_expiring_this_month`, `leap_day_created_at`,
    `dst_boundary_created_at`."""
    year = reference_year - 1
    rule = schema.rule("amount")
    min_cents = math.ceil(rule.min * 100) if rule.min is not None else 1
    max_cents = math.floor(rule.max * 100) if rule.max is not None else 99_999_99

    def amount(cents: int) -> EdgeCase:
        def apply(record: Record, _rng: Random, _i: int) -> bool:
            record["amount"] = dollars(cents)
            return True

        return apply

    def expiring(record: Record, _rng: Random, _i: int) -> bool:
        created = record.get("created_at")
        if not record.get("card_expiry") or not isinstance(created, str):
            return False
        moment = datetime.fromisoformat(created)
        record["card_expiry"] = f"{moment.month:02d}/{moment.year % 100:02d}"
        return True

    return [
        ("min_amount", amount(min_cents)),
        ("max_amount", amount(max_cents)),
        ("card_expiring_this_month", expiring),
        *time_edge_cases("created_at", (), year),
    ]


BEHAVIOUR = EntityBehaviour(
    builder=PaymentBuilder,
    checks=checks,
    edge_cases=edge_cases,
    repair=nothing_derived,
    scenario_problems=no_scenario_problems,
    scenario_arrays=no_scenario_arrays,
)
