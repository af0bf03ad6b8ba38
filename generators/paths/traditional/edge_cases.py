"""Edge-case records for the traditional path: a layer applied to records after they are built.

When a request asks for edge cases (hint `edge_case`/`edge_cases`/`defect_triggering`, or the
`defect_triggering` flag), every record is turned into one kind of edge case and tagged
`_edge_case_type`. Kinds cycle deterministically over those that apply to the schema (record i
tries kind i mod n first; a kind that cannot apply to that record hands over to the next), and
every variant still satisfies the request's constraints and the entity's coherence rules.

Custom schemas: `min_boundary`, `max_boundary`, `just_inside_min`, `just_inside_max` (numbers at
or one step inside min/max, strings at or inside min_length/max_length, arrays at their length
bounds, first/last enum value), `unicode_text`, `emoji_text`, `empty_string` (free-text fields
that allow it: optional, or min_length 0), `max_length_string`, `leap_day` (Feb 29) and
`dst_boundary` (America/New_York transitions, ISO 8601 with the offset in force), as the fields
make them meaningful. DATE/DATETIME fields with min_date/max_date sit at or one day (DATE) / one
second (DATETIME) inside a given bound for the boundary kinds, and take the latest Feb 29 and the
latest DST transitions within their bounds; a kind that cannot fit the bounds leaves the field be.

Predefined entities (money stays exact, in cents):
- cart: `single_max_quantity_item`, `max_price_item`, `min_price_item`, `tax_half_cent`,
  `unicode_item_names`, `empty_cart`, `leap_day_created_at`, `dst_boundary_created_at`;
- order: the cart kinds but `empty_cart`, with `placed_at` (and the timeline after it) moved;
- payment: `min_amount`, `max_amount`, `card_expiring_this_month`, `leap_day_created_at`,
  `dst_boundary_created_at`;
- user: `unicode_names`, `leap_day_birth`, `loyalty_points_tier_min`, `loyalty_points_tier_max`,
  `leap_day_created_at`, `dst_boundary_created_at`;
- review: `rating_min_for_sentiment`, `rating_max_for_sentiment`, `zero_helpful_votes`,
  `emoji_text`, `leap_day_created_at`, `dst_boundary_created_at`.
"""

from __future__ import annotations

import copy
import functools
import math
import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

from generators.core.hints import EDGE_CASE_HINTS, EDGE_CASE_TAG, wants_edge_cases
from generators.core.request import FieldConstraint, FieldSpec, FieldType
from generators.core.schema import EntitySchema
from generators.entities.review import SENTIMENT_RATINGS
from generators.entities.user import TIER_POINTS
from generators.values.date_bounds import (
    DATE_TYPES,
    day_text,
    has_date_bounds,
    moment_of,
    moment_text,
    value_window,
)
from generators.values.date_formats import strftime_pattern
from generators.values.money import NO_TAX, TAX_RATES, dollars, tax_cents
from generators.values.people import email_local_part
from generators.values.rule_values import numeric_enum_values

#: Where the US switches clocks; DST moments are taken from this zone.
DST_ZONE = ZoneInfo("America/New_York")
UNICODE_TEXT = "Zoë Ñúñez café naïve Straße Łódź 東京 Ünïcödé"
EMOJI_TEXT = "🛒🎉 great deal 👍🏽 ✨🔥"
#: A long string for fields without max_length.
LONG_STRING_LENGTH = 1_000
_UNBOUNDED_INT = (0, 2**31 - 1)
_UNBOUNDED_FLOAT = (0.0, 1_000_000.0)
_MAX_ITEM_CENTS = 9_999_99
_UNICODE_FIRST = ("José", "Zoë", "Björn", "Chloé", "Łukasz", "Siân")
_UNICODE_LAST = ("Müller", "Núñez", "Ødegård", "O'Brien-Đặng", "Nakamura 中村", "Çelik")
_UNICODE_ITEM_SUFFIX = " \u2013 Édition Spéciale 🎁"

__all__ = ["EDGE_CASE_HINTS", "EDGE_CASE_TAG", "EdgeCaseLayer", "dst_moments", "wants_edge_cases"]

Record = dict[str, Any]
#: Turns a record into one kind of edge case in place; False when it cannot apply to it.
EdgeCase = Callable[[Record, Random, int], bool]


def dst_moments(year: int) -> tuple[datetime, ...]:
    """US DST transitions of `year` in America/New_York: the skipped 02:30 of spring (which
    resolves to the standard offset), the first second of daylight time, and the repeated
    01:30 of autumn under both offsets."""
    march = _nth_sunday(year, 3, 2)
    november = _nth_sunday(year, 11, 1)
    return (
        datetime(year, 3, march, 2, 30, tzinfo=DST_ZONE),
        datetime(year, 3, march, 3, 0, tzinfo=DST_ZONE),
        datetime(year, 11, november, 1, 30, tzinfo=DST_ZONE),
        datetime(year, 11, november, 1, 30, fold=1, tzinfo=DST_ZONE),
    )


def _nth_sunday(year: int, month: int, nth: int) -> int:
    first = date(year, month, 1)
    return 1 + (6 - first.weekday()) % 7 + 7 * (nth - 1)


def _iso(moment: datetime) -> str:
    """ISO 8601 with the offset in force (`2026-03-08T03:00:00-04:00`)."""
    offset = moment.utcoffset()
    return moment.replace(tzinfo=None).isoformat() + _offset_text(offset or timedelta())


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def _leap_moment(year: int) -> datetime:
    """Noon UTC on the last Feb 29 before `year`."""
    leap = year - 1
    while not (leap % 4 == 0 and (leap % 100 != 0 or leap % 400 == 0)):
        leap -= 1
    return datetime.fromisoformat(f"{leap}-02-29T12:00:00+00:00")


class EdgeCaseLayer:
    """Applies edge-case kinds to built records, cycling over those the schema makes apply."""

    def __init__(self, schema: EntitySchema, reference_year: int) -> None:
        if schema.predefined and schema.name in _ENTITY_KINDS:
            kinds = _ENTITY_KINDS[schema.name](schema, reference_year - 1)
        else:
            kinds = _CustomKinds(schema, reference_year).kinds()
        self._kinds = kinds

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self._kinds)

    def apply(self, record: Record, rng: Random, index: int) -> None:
        count = len(self._kinds)
        for step in range(count):
            name, kind = self._kinds[(index + step) % count]
            if kind(record, rng, index):
                record[EDGE_CASE_TAG] = name
                return
        record[EDGE_CASE_TAG] = None  # unreachable for the kinds defined here


# --- custom schemas -------------------------------------------------------------------------

_Transform = Callable[[Any, FieldSpec, FieldConstraint, int], tuple[bool, Any]]


class _CustomKinds:
    """Field-by-field edge cases; a kind applies when it changes at least one field."""

    def __init__(self, schema: EntitySchema, reference_year: int) -> None:
        self._schema = schema
        self._leap = _leap_moment(reference_year + 1)
        self._dst = dst_moments(reference_year)

    def kinds(self) -> list[tuple[str, EdgeCase]]:
        transforms: list[tuple[str, _Transform]] = [
            ("min_boundary", lambda v, s, r, i: self._boundary(v, s, r, low=True, inside=False)),
            ("max_boundary", lambda v, s, r, i: self._boundary(v, s, r, low=False, inside=False)),
            ("just_inside_min", lambda v, s, r, i: self._boundary(v, s, r, low=True, inside=True)),
            (
                "just_inside_max",
                lambda v, s, r, i: self._boundary(v, s, r, low=False, inside=True),
            ),
            ("unicode_text", lambda v, s, r, i: _free_text(s, r, v, UNICODE_TEXT)),
            ("emoji_text", lambda v, s, r, i: _free_text(s, r, v, EMOJI_TEXT)),
            ("empty_string", lambda v, s, r, i: _empty_string(s, r)),
            ("max_length_string", lambda v, s, r, i: _max_length_string(s, r)),
            ("leap_day", self._leap_day),
            ("dst_boundary", self._dst_boundary),
        ]
        kinds = [(name, self._kind(transform)) for name, transform in transforms]
        applicable = [(n, k) for n, k in kinds if self._could_apply(k)]
        return applicable or kinds[:2]

    def _could_apply(self, kind: EdgeCase) -> bool:
        """Whether the kind changes a record whose fields all hold placeholder values."""
        return kind(_placeholder(self._schema.fields), Random(0), 0)

    def _kind(self, transform: _Transform) -> EdgeCase:
        def apply(record: Record, _rng: Random, index: int) -> bool:
            return self._walk(record, self._schema.fields, "", transform, index)

        return apply

    def _walk(
        self,
        container: Record,
        fields: tuple[FieldSpec, ...],
        prefix: str,
        transform: _Transform,
        index: int,
    ) -> bool:
        changed = False
        for spec in fields:
            path = f"{prefix}{spec.name}"
            if spec.name not in container:
                continue
            value = container[spec.name]
            rule = self._schema.rule(path)
            did, new = transform(value, spec, rule, index)
            if did:
                container[spec.name] = new
                changed = True
                value = new
            if spec.nested_fields and value is not None:
                for element in value if isinstance(value, list) else (value,):
                    if isinstance(element, dict):
                        inner = self._walk(
                            element, spec.nested_fields, f"{path}.", transform, index
                        )
                        changed = changed or inner
        return changed

    def _boundary(
        self, value: Any, spec: FieldSpec, rule: FieldConstraint, *, low: bool, inside: bool
    ) -> tuple[bool, Any]:
        kind = spec.type
        if kind in (FieldType.INTEGER, FieldType.FLOAT) and rule.enum_values:
            numbers = sorted(numeric_enum_values(rule, kind))
            return _pick_end(numbers, low=low, inside=inside)
        if kind in (FieldType.ENUM, FieldType.STRING) and rule.enum_values:
            return _pick_end(list(rule.enum_values), low=low, inside=inside)
        if kind is FieldType.INTEGER:
            lo = math.ceil(rule.min) if rule.min is not None else _UNBOUNDED_INT[0]
            hi = math.floor(rule.max) if rule.max is not None else _UNBOUNDED_INT[1]
            return _number_end(lo, hi, 1, low=low, inside=inside)
        if kind is FieldType.FLOAT:
            lo_f = rule.min if rule.min is not None else _UNBOUNDED_FLOAT[0]
            hi_f = rule.max if rule.max is not None else _UNBOUNDED_FLOAT[1]
            return _number_end(lo_f, hi_f, 0.01, low=low, inside=inside)
        if kind is FieldType.BOOLEAN and not inside:
            return True, not low
        if kind in DATE_TYPES and value is not None and has_date_bounds(rule):
            return _date_end(kind, rule, low=low, inside=inside)
        if kind is FieldType.STRING and value is not None and _is_free(rule):
            if (rule.min_length if low else rule.max_length) is None:
                return False, value  # no bound on that side to sit on
            lo_n = rule.min_length or 0
            hi_n = rule.max_length
            target = _length_target(lo_n, hi_n, low_side=low, inside=inside)
            if target is None:
                return False, value
            return True, _fit(str(value) or "x", target)
        if kind is FieldType.ARRAY and isinstance(value, list) and value:
            lo_a = rule.min_length if rule.min_length is not None else 0
            hi_a = rule.max_length
            target = _length_target(lo_a, hi_a, low_side=low, inside=inside)
            if target is None:
                return False, value
            grown = [copy.deepcopy(value[i % len(value)]) for i in range(target)]
            return True, grown
        return False, value

    def _leap_day(
        self, value: Any, spec: FieldSpec, rule: FieldConstraint, index: int
    ) -> tuple[bool, Any]:
        if value is None or spec.type not in (FieldType.DATE, FieldType.DATETIME):
            return False, value
        pattern = strftime_pattern(rule)
        if has_date_bounds(rule):
            unit = _bounded_leap_unit(spec.type, rule)
            if unit is None:
                return False, value  # no Feb 29 within the bounds
            return True, _date_unit_text(spec.type, unit, rule)
        moment = self._leap
        if spec.type is FieldType.DATE:
            return True, moment.date().strftime(pattern) if pattern else moment.date().isoformat()
        return True, moment.strftime(pattern) if pattern else _iso(moment)

    def _dst_boundary(
        self, value: Any, spec: FieldSpec, rule: FieldConstraint, index: int
    ) -> tuple[bool, Any]:
        if value is None or spec.type is not FieldType.DATETIME:
            return False, value
        pattern = strftime_pattern(rule)
        if has_date_bounds(rule):
            moments = _bounded_dst_moments(rule)
            if not moments:
                return False, value  # no DST transition within the bounds
            # a fixed hash of the index, so records of this kind (every n-th) see every moment
            moment = moments[(index * _GOLDEN >> 16) % len(moments)]
            return True, moment.strftime(pattern) if pattern else _iso(moment)
        moment = self._dst[index % len(self._dst)]
        return True, moment.strftime(pattern) if pattern else _iso(moment)


# Date fields with min_date/max_date: edge values come from the window values are drawn from
# (`generators.date_bounds.value_window`), in day ordinals (DATE) or Unix seconds (DATETIME).

#: DST moments are taken from years under the current US rule (since 2007) only.
_FIRST_DST_RULE_YEAR = 2007
_NOON = 12 * 3600
_GOLDEN = 0x9E3779B1
_DAY_SECONDS = 24 * 3600


def _window(kind: FieldType, rule: FieldConstraint) -> tuple[int, int]:
    return value_window(rule, kind, (0, 0))  # the default is unused: the rule has a bound


def _date_unit_text(kind: FieldType, unit: int, rule: FieldConstraint) -> str:
    pattern = strftime_pattern(rule)
    return day_text(unit, pattern) if kind is FieldType.DATE else moment_text(unit, pattern)


def _date_end(
    kind: FieldType, rule: FieldConstraint, *, low: bool, inside: bool
) -> tuple[bool, Any]:
    """A bounded date at min_date/max_date, or one day (DATE) / second (DATETIME) inside it;
    nothing on a side without a bound, or when no value lies strictly inside."""
    if (rule.min_date if low else rule.max_date) is None:
        return False, None
    first, last = _window(kind, rule)
    unit = first if low else last
    if inside:
        unit = unit + 1 if low else unit - 1
        if not first < unit < last:
            return False, None
    return True, _date_unit_text(kind, unit, rule)


@functools.lru_cache(maxsize=256)
def _bounded_leap_unit(kind: FieldType, rule: FieldConstraint) -> int | None:
    """The latest Feb 29 within the bounds (DATETIME: noon UTC, or the nearest second of that
    day within the bounds), or None when no Feb 29 fits."""
    first, last = _window(kind, rule)
    if kind is FieldType.DATE:
        years = range(date.fromordinal(last).year, date.fromordinal(first).year - 1, -1)
    else:
        years = range(moment_of(last).year, moment_of(first).year - 1, -1)
    for year in years:
        if not (year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)):
            continue
        if kind is FieldType.DATE:
            ordinal = date(year, 2, 29).toordinal()
            if first <= ordinal <= last:
                return ordinal
            continue
        start = int(datetime(year, 2, 29, tzinfo=UTC).timestamp())
        low, high = max(first, start), min(last, start + _DAY_SECONDS - 1)
        if low <= high:
            return min(max(start + _NOON, low), high)
    return None


@functools.lru_cache(maxsize=256)
def _bounded_dst_moments(rule: FieldConstraint) -> tuple[datetime, ...]:
    """Up to one year's worth of DST moments (see `dst_moments`) within the bounds, latest
    years first; none when the bounds hold no transition since 2007. A strftime format without
    `%z` writes the local wall-clock time, so that time read as UTC must lie within them too."""
    first, last = _window(FieldType.DATETIME, rule)
    pattern = strftime_pattern(rule)
    naive = pattern is not None and "%z" not in pattern

    def within(moment: datetime) -> bool:
        wall = moment.replace(tzinfo=UTC).timestamp()
        return first <= moment.timestamp() <= last and (not naive or first <= wall <= last)

    found: list[datetime] = []
    start_year = max(moment_of(first).year, _FIRST_DST_RULE_YEAR)
    for year in range(moment_of(last).year, start_year - 1, -1):
        found += [m for m in dst_moments(year) if within(m)]
        if len(found) >= len(dst_moments(year)):
            break
    return tuple(found[:4])


def _placeholder(fields: tuple[FieldSpec, ...]) -> Record:
    """A record with a non-null value of the right shape in every field."""
    out: Record = {}
    for spec in fields:
        if spec.type is FieldType.OBJECT:
            out[spec.name] = _placeholder(spec.nested_fields)
        elif spec.type is FieldType.ARRAY:
            out[spec.name] = [_placeholder(spec.nested_fields)]
        else:
            out[spec.name] = "x"
    return out


def _is_free(rule: FieldConstraint) -> bool:
    """A string the rule does not shape (no regex, enum values or format): free text."""
    return not (rule.regex or rule.enum_values or rule.format)


def _pick_end(values: list[Any], *, low: bool, inside: bool) -> tuple[bool, Any]:
    if inside and len(values) < 3:  # no value lies strictly inside two
        return False, None
    position = (1 if inside else 0) if low else (-2 if inside else -1)
    return True, values[position]


def _number_end(
    low_bound: float, high_bound: float, step: float, *, low: bool, inside: bool
) -> tuple[bool, Any]:
    if inside:
        candidate = low_bound + step if low else high_bound - step
        if isinstance(candidate, float):
            candidate = round(candidate, 2)
        if not low_bound < candidate < high_bound:
            return False, None
        return True, candidate
    return True, low_bound if low else high_bound


def _length_target(low: int, high: int | None, *, low_side: bool, inside: bool) -> int | None:
    if low_side:
        target = low + 1 if inside else low
    elif high is None:
        return None
    else:
        target = high - 1 if inside else high
    if high is not None and not low <= target <= high:
        return None
    return target if target >= low else None


def _fit(text: str, length: int) -> str:
    """`text` repeated or cut to exactly `length` characters."""
    if not length:
        return ""
    return (text * (length // len(text) + 1))[:length]


def _free_text(spec: FieldSpec, rule: FieldConstraint, value: Any, sample: str) -> tuple[bool, Any]:
    if spec.type is not FieldType.STRING or value is None or not _is_free(rule):
        return False, value
    low = rule.min_length or 0
    high = rule.max_length if rule.max_length is not None else len(sample)
    return True, _fit(sample, max(low, min(len(sample), high)))


def _empty_string(spec: FieldSpec, rule: FieldConstraint) -> tuple[bool, Any]:
    if spec.type is not FieldType.STRING or not _is_free(rule) or (rule.min_length or 0) > 0:
        return False, None
    if spec.required and rule.min_length != 0:
        return False, None
    return True, ""


def _max_length_string(spec: FieldSpec, rule: FieldConstraint) -> tuple[bool, Any]:
    if spec.type is not FieldType.STRING or not _is_free(rule):
        return False, None
    length = rule.max_length if rule.max_length is not None else LONG_STRING_LENGTH
    if length < (rule.min_length or 0):
        return False, None
    return True, _fit(UNICODE_TEXT + " " + EMOJI_TEXT + " ", length)


# --- predefined entities --------------------------------------------------------------------

_Kinds = list[tuple[str, EdgeCase]]


def _moved(record: Record, field: str, moment: datetime, later: tuple[str, ...]) -> bool:
    """`field` set to `moment`, and the `later` timestamps moved by the same amount."""
    old = record.get(field)
    if not isinstance(old, str):
        return False
    delta = moment - datetime.fromisoformat(old)
    record[field] = _iso(moment)
    for name in later:
        value = record.get(name)
        if isinstance(value, str):
            record[name] = (datetime.fromisoformat(value) + delta).isoformat()
    return True


def _time_kinds(field: str, later: tuple[str, ...], year: int) -> _Kinds:
    leap = _leap_moment(year + 1)
    dst = dst_moments(year)
    return [
        (f"leap_day_{field}", lambda r, _rng, _i: _moved(r, field, leap, later)),
        (
            f"dst_boundary_{field}",
            lambda r, _rng, i: _moved(r, field, dst[i % len(dst)], later),
        ),
    ]


class _Basket:
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

    def kinds(self) -> _Kinds:
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


def _cart_kinds(schema: EntitySchema, year: int) -> _Kinds:
    basket = _Basket(schema, ())

    def empty(record: Record, _rng: Random, _i: int) -> bool:
        record.update(items=[], subtotal=0.0, tax=0.0, total=0.0, _shopping_occasion=None)
        return True

    return [
        *basket.kinds(),
        ("empty_cart", empty),
        *_time_kinds("created_at", ("updated_at",), year),
    ]


def _order_kinds(schema: EntitySchema, year: int) -> _Kinds:
    basket = _Basket(schema, ("shipping",))
    return [
        *basket.kinds(),
        *_time_kinds("placed_at", ("shipped_at", "delivered_at"), year),
    ]


def _payment_kinds(schema: EntitySchema, year: int) -> _Kinds:
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
        *_time_kinds("created_at", (), year),
    ]


_EMAIL_SUFFIX = re.compile(r"(\d*)@(.+)$")


def _user_kinds(schema: EntitySchema, year: int) -> _Kinds:
    points = schema.rule("loyalty_points")
    min_points = math.ceil(points.min) if points.min is not None else None
    max_points = math.floor(points.max) if points.max is not None else None
    leap_birth = date(_leap_moment(year - 17).year, 2, 29)

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
        *_time_kinds("created_at", (), year),
    ]


def _review_kinds(schema: EntitySchema, year: int) -> _Kinds:
    rating = schema.rule("rating")
    low_rating = math.ceil(rating.min) if rating.min is not None else 1
    high_rating = math.floor(rating.max) if rating.max is not None else 5
    votes = schema.rule("helpful_votes")
    min_votes = math.ceil(votes.min) if votes.min is not None else 0
    max_votes = math.floor(votes.max) if votes.max is not None else None

    def rating_end(low: bool) -> EdgeCase:
        def apply(record: Record, _rng: Random, _i: int) -> bool:
            allowed = [
                r
                for r in SENTIMENT_RATINGS.get(str(record.get("sentiment")), ())
                if low_rating <= r <= high_rating
            ]
            if not allowed:
                return False
            record["rating"] = allowed[0] if low else allowed[-1]
            return True

        return apply

    def fewest_votes(record: Record, _rng: Random, _i: int) -> bool:
        if max_votes is not None and min_votes > max_votes:
            return False
        record["helpful_votes"] = min_votes
        return True

    def emoji(record: Record, _rng: Random, _i: int) -> bool:
        record["title"] = f"{record.get('title', '')} ✨🛍️"
        record["body"] = f"{record.get('body', '')} 📦👀"
        return True

    return [
        ("rating_min_for_sentiment", rating_end(True)),
        ("rating_max_for_sentiment", rating_end(False)),
        ("zero_helpful_votes" if min_votes == 0 else "min_helpful_votes", fewest_votes),
        ("emoji_text", emoji),
        *_time_kinds("created_at", (), year),
    ]


_ENTITY_KINDS: dict[str, Callable[[EntitySchema, int], _Kinds]] = {
    "cart": _cart_kinds,
    "order": _order_kinds,
    "payment": _payment_kinds,
    "user": _user_kinds,
    "review": _review_kinds,
}
