"""Edge cases of custom schemas, field by field (the traditional path applies them).

The kinds: `min_boundary`, `max_boundary`, `just_inside_min`, `just_inside_max` (numbers at
or one step inside min/max, strings at or inside min_length/max_length, arrays at their length
bounds, first/last enum value), `unicode_text`, `emoji_text`, `empty_string` (free-text fields
that allow it: optional, or min_length 0), `max_length_string`, `leap_day` (Feb 29) and
`dst_boundary` (America/New_York transitions, ISO 8601 with the offset in force), as the fields
make them meaningful. DATE/DATETIME fields with min_date/max_date sit at or one day (DATE) / one
second (DATETIME) inside a given bound for the boundary kinds, and take the latest Feb 29 and the
latest DST transitions within their bounds; a kind that cannot fit the bounds leaves the field be.
"""

from __future__ import annotations

import copy
import functools
import math
from collections.abc import Callable
from datetime import UTC, date, datetime
from random import Random
from typing import Any

from generators.core.protocol import Record
from generators.core.request import FieldConstraint, FieldSpec, FieldType
from generators.core.schema import EntitySchema
from generators.values.date_bounds import (
    DATE_TYPES,
    day_text,
    has_date_bounds,
    moment_of,
    moment_text,
    value_window,
)
from generators.values.date_formats import strftime_pattern
from generators.values.edge_moments import EdgeCase, dst_moments, iso_with_offset, leap_moment
from generators.values.rule_values import numeric_enum_values

UNICODE_TEXT = "Zoë Ñúñez café naïve Straße Łódź 東京 Ünïcödé"
EMOJI_TEXT = "🛒🎉 great deal 👍🏽 ✨🔥"
#: A long string for fields without max_length.
LONG_STRING_LENGTH = 1_000
_UNBOUNDED_INT = (0, 2**31 - 1)
_UNBOUNDED_FLOAT = (0.0, 1_000_000.0)


_Transform = Callable[[Any, FieldSpec, FieldConstraint, int], tuple[bool, Any]]


class _CustomKinds:
    """Field-by-field edge cases; a kind applies when it changes at least one field."""

    def __init__(self, schema: EntitySchema, reference_year: int) -> None:
        self._schema = schema
        self._leap = leap_moment(reference_year + 1)
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
        return True, moment.strftime(pattern) if pattern else iso_with_offset(moment)

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
            return True, moment.strftime(pattern) if pattern else iso_with_offset(moment)
        moment = self._dst[index % len(self._dst)]
        return True, moment.strftime(pattern) if pattern else iso_with_offset(moment)


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


def custom_edge_cases(schema: EntitySchema, reference_year: int) -> list[tuple[str, EdgeCase]]:
    """The kinds that apply to some field of `schema` (at least the two boundary kinds)."""
    return _CustomKinds(schema, reference_year).kinds()
