"""User records: unique ids and emails, names that match the email, a Star Rewards tier.

Uniqueness costs no memory: record i's user_id number and email suffix are keyed bijections of
i (`DigitPermutation`), so no two records of a request share them. Scenario names: any loyalty
tier they mention (`platinum_members`).
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterator, Mapping
from datetime import date
from random import Random
from typing import Any

from generators.core.record import Record
from generators.core.schema import EntitySchema
from generators.entities.behaviour import EntityBehaviour, no_scenario_arrays, no_scenario_problems
from generators.entities.user import TIER_POINTS
from generators.values.clock import date_iso, utc_iso
from generators.values.context import YEAR, BuildContext, utc_datetime
from generators.values.edge_moments import EdgeCase, leap_moment, time_edge_cases
from generators.values.ids import UniqueIds, UniqueNumbers, plain_template
from generators.values.people import (
    EMAIL_DOMAINS,
    EMAIL_SHAPES,
    email_local_part,
    local_part_shape,
    make_address,
    make_phone,
    name_key,
    name_keys,
)
from generators.values.sampling import WeightedChoice
from generators.values.scenario_words import value_named_by

_TIER_WEIGHTS = {"Bronze": 45, "Silver": 30, "Gold": 18, "Platinum": 7}
_MIN_SUFFIX_DIGITS = 2
_AT_DOMAINS = tuple(f"@{domain}" for domain in EMAIL_DOMAINS)
#: Ages in days, both included.
_YOUNGEST, _OLDEST = 18 * 365, 85 * 365


class UserBuilder:
    def __init__(self, context: BuildContext) -> None:
        self._user_id = context.id_maker("user_id", unique=True)
        template = plain_template(context, "user_id")
        self._fast_user_id = UniqueIds(context, "user_id", template) if template else None
        digits = max(_MIN_SUFFIX_DIGITS, len(str(max(context.count - 1, 0))))
        self._suffix_modulus = 10**digits
        self._email_suffix = UniqueNumbers(digits, context.unique_key("email"))
        self._tiers = context.schema.rule("loyalty_tier").enum_values
        points = context.schema.rule("loyalty_points")
        self._min_points = math.ceil(points.min) if points.min is not None else 0
        self._max_points = math.floor(points.max) if points.max is not None else None
        pools = self._pools = context.pools
        self._first_names = tuple(
            zip(pools.first_names, _keys(pools.first_names, "user"), strict=True)
        )
        self._last_names = tuple(
            zip(pools.last_names, _keys(pools.last_names, "person"), strict=True)
        )
        self._reference = context.reference_epoch
        self._reference_day = utc_datetime(context.reference_epoch).date().toordinal()
        #: scenario -> tier table (one draw is `table[int(random() * len(table))]`).
        self._tier_tables: dict[str, tuple[str, ...]] = {}
        #: tier -> (lowest points, number of point values; 0 means always the lowest).
        self._point_ranges = {tier: self._point_range(tier) for tier in self._tiers}

    def build(self, rng: Random, index: int, scenario: str) -> dict[str, Any]:
        # `pick` and `draw_int` are inlined (`values[int(random() * len(values))]`): a hot path.
        random = rng.random
        first, given = self._first_names[int(random() * len(self._first_names))]
        last, family = self._last_names[int(random() * len(self._last_names))]
        created = self._reference - int(random() * (5 * YEAR))
        born = self._reference_day - (_YOUNGEST + int(random() * (_OLDEST - _YOUNGEST + 1)))
        tiers = self._tier_tables.get(scenario) or self._tier_table(scenario)
        tier = tiers[int(random() * len(tiers))]
        created_at, year = utc_iso(created)
        if self._fast_user_id is not None:
            user_id = self._fast_user_id(index, year)
        else:
            user_id = self._user_id(rng, index, year)  # may draw (a regex or enum rule)
        suffix = str(self._email_suffix(index) + self._suffix_modulus)[1:]  # zero-padded
        local = local_part_shape(int(random() * EMAIL_SHAPES), given, family)
        email = local + suffix + _AT_DOMAINS[int(random() * len(_AT_DOMAINS))]
        phone = make_phone(rng)
        address = make_address(rng, self._pools)
        low, span = self._point_ranges[tier]
        return {
            "user_id": user_id,
            "first_name": first,
            "last_name": last,
            "email": email,
            "phone": phone,
            "date_of_birth": date_iso(born),
            "address": address,
            "loyalty_tier": tier,
            "loyalty_points": low + int(random() * span) if span else low,
            "created_at": created_at,
        }

    def _tier_table(self, scenario: str) -> tuple[str, ...]:
        named = value_named_by(scenario, self._tiers)
        tiers = (named,) if named else self._tiers
        table = WeightedChoice(tiers, tuple(_TIER_WEIGHTS.get(t, 10) for t in tiers)).table
        self._tier_tables[scenario] = table
        return table

    def _point_range(self, tier: str) -> tuple[int, int]:
        low, high = TIER_POINTS.get(tier, (0, 1_000))
        low = max(low, self._min_points)
        high = min(high, self._max_points) if self._max_points is not None else high
        return (low, high - low + 1) if low <= high else (low, 0)


def _keys(names: tuple[str, ...], fallback: str) -> tuple[str, ...]:
    return tuple(key or fallback for key in name_keys(names))


def checks(record: Mapping[str, Any]) -> Iterator[tuple[str, bool]]:
    email = record.get("email")
    local = name_key(email.partition("@")[0]) if isinstance(email, str) else ""
    names = [name_key(str(record.get(f) or "")) for f in ("first_name", "last_name")]
    yield "user: email derived from name", any(len(n) > 1 and n in local for n in names)
    points_range = TIER_POINTS.get(str(record.get("loyalty_tier")))
    points = record.get("loyalty_points")
    if points_range is not None and isinstance(points, int):
        yield "user: loyalty_points within tier", points_range[0] <= points <= points_range[1]


_UNICODE_FIRST = ("José", "Zoë", "Björn", "Chloé", "Łukasz", "Siân")


_UNICODE_LAST = ("Müller", "Núñez", "Ødegård", "O'Brien-Đặng", "Nakamura 中村", "Çelik")


_EMAIL_SUFFIX = re.compile(r"(\d*)@(.+)$")


def edge_cases(schema: EntitySchema, reference_year: int) -> list[tuple[str, EdgeCase]]:
    """The edge cases of the traditional path:
    `unicode_names`, `leap_day_birth`, `loyalty_points_tier_min`, `loyalty_points_tier_max`,
    `leap_day_created_at`, `dst_boundary_created_at`."""
    year = reference_year - 1
    points = schema.rule("loyalty_points")
    min_points = math.ceil(points.min) if points.min is not None else None
    max_points = math.floor(points.max) if points.max is not None else None
    leap_birth = date(leap_moment(year - 17).year, 2, 29)

    def unicode_names(record: Record, rng: Random, index: int) -> bool:
        email = record.get("email")
        match = _EMAIL_SUFFIX.search(email) if isinstance(email, str) else None
        if match is None:
            return False
        first = _UNICODE_FIRST[index % len(_UNICODE_FIRST)]
        last = _UNICODE_LAST[index % len(_UNICODE_LAST)]
        record["first_name"], record["last_name"] = first, last
        record["email"] = f"{email_local_part(rng, first, last)}{match.group(1)}@{match.group(2)}"
        return True

    def leap_birth_day(record: Record, _rng: Random, _i: int) -> bool:
        record["date_of_birth"] = leap_birth.isoformat()
        return True

    def tier_end(low: bool) -> EdgeCase:
        def apply(record: Record, _rng: Random, _i: int) -> bool:
            bounds = TIER_POINTS.get(str(record.get("loyalty_tier")))
            if bounds is None:
                return False
            lo = max(bounds[0], min_points) if min_points is not None else bounds[0]
            hi = min(bounds[1], max_points) if max_points is not None else bounds[1]
            if lo > hi:
                return False
            record["loyalty_points"] = lo if low else hi
            return True

        return apply

    return [
        ("unicode_names", unicode_names),
        ("leap_day_birth", leap_birth_day),
        ("loyalty_points_tier_min", tier_end(True)),
        ("loyalty_points_tier_max", tier_end(False)),
        *time_edge_cases("created_at", (), year),
    ]


def recompute_email(record: Record, skeleton: Record) -> None:
    email, first, last = skeleton.get("email"), record.get("first_name"), record.get("last_name")
    if not (isinstance(email, str) and isinstance(first, str) and isinstance(last, str)):
        return
    match = _EMAIL_SUFFIX.search(email)
    local = ".".join(part for part in (name_key(first), name_key(last)) if part)
    if match and local:
        record["email"] = f"{local}{match.group(1)}@{match.group(2)}"


BEHAVIOUR = EntityBehaviour(
    builder=UserBuilder,
    checks=checks,
    edge_cases=edge_cases,
    repair=recompute_email,
    scenario_problems=no_scenario_problems,
    scenario_arrays=no_scenario_arrays,
)
