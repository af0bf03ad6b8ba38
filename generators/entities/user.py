"""User records: unique ids and emails, names that match the email, a Star Rewards tier.

Uniqueness costs no memory: record i's user_id number and email suffix are keyed bijections of
i (`DigitPermutation`), so no two records of a request share them. Scenario names: any loyalty
tier they mention (`platinum_members`).
"""

from __future__ import annotations

import math
from datetime import timedelta
from random import Random
from typing import Any

from generators.build_context import YEAR, BuildContext, utc_datetime
from generators.entities.scenario_hints import value_named_by
from generators.people import make_address, make_email, make_phone
from generators.permutation import DigitPermutation
from generators.sampling import WeightedChoice, draw_int, pick
from generators.schemas.user import TIER_POINTS

_TIER_WEIGHTS = {"Bronze": 45, "Silver": 30, "Gold": 18, "Platinum": 7}
_MIN_SUFFIX_DIGITS = 2


class UserBuilder:
    def __init__(self, context: BuildContext) -> None:
        self._user_id = context.id_maker("user_id", unique=True)
        digits = max(_MIN_SUFFIX_DIGITS, len(str(max(context.count - 1, 0))))
        self._suffix_digits = digits
        self._email_suffix = DigitPermutation(digits, context.unique_key("email"))
        self._tiers = context.schema.rule("loyalty_tier").enum_values
        points = context.schema.rule("loyalty_points")
        self._min_points = math.ceil(points.min) if points.min is not None else 0
        self._max_points = math.floor(points.max) if points.max is not None else None
        self._pools = context.pools
        self._reference = context.reference_epoch
        self._reference_date = utc_datetime(context.reference_epoch).date()
        self._tier_choices: dict[str, WeightedChoice[str]] = {}

    def build(self, rng: Random, index: int, scenario: str) -> dict[str, Any]:
        first = pick(rng, self._pools.first_names)
        last = pick(rng, self._pools.last_names)
        created_at = utc_datetime(self._reference - draw_int(rng, 0, 5 * YEAR - 1))
        born = self._reference_date - timedelta(days=draw_int(rng, 18 * 365, 85 * 365))
        tier = self._tier_choice(scenario)(rng)
        suffix = f"{self._email_suffix(index):0{self._suffix_digits}d}"
        return {
            "user_id": self._user_id(rng, index, created_at.year),
            "first_name": first,
            "last_name": last,
            "email": make_email(rng, first, last, suffix),
            "phone": make_phone(rng),
            "date_of_birth": born.isoformat(),
            "address": make_address(rng, self._pools),
            "loyalty_tier": tier,
            "loyalty_points": self._points(rng, tier),
            "created_at": created_at.isoformat(),
        }

    def _tier_choice(self, scenario: str) -> WeightedChoice[str]:
        choice = self._tier_choices.get(scenario)
        if choice is None:
            named = value_named_by(scenario, self._tiers)
            tiers = (named,) if named else self._tiers
            choice = WeightedChoice(tiers, tuple(_TIER_WEIGHTS.get(t, 10) for t in tiers))
            self._tier_choices[scenario] = choice
        return choice

    def _points(self, rng: Random, tier: str) -> int:
        low, high = TIER_POINTS.get(tier, (0, 1_000))
        low = max(low, self._min_points)
        high = min(high, self._max_points) if self._max_points is not None else high
        return draw_int(rng, low, high) if low <= high else low
