"""What DATE and DATETIME fields share: bounds (min_date/max_date), formats, and the dates
that break date handling (leap days, DST transitions), within a field's bounds.

Bounded fields take edge values from the window their values are drawn from
(`generators.values.date_bounds.value_window`), in day ordinals (DATE) or Unix seconds
(DATETIME).
"""

from __future__ import annotations

import functools
from abc import abstractmethod
from collections.abc import Iterable, Iterator
from datetime import UTC, date, datetime
from typing import Any, ClassVar

from generators.core.errors import Problem
from generators.core.request import FieldConstraint, FieldType
from generators.kinds.kind import EdgeAt, EdgeKind, EdgeMoments, FieldAt, FieldKind, SqlType
from generators.values.date_bounds import (
    EARLIEST_FORMATTED,
    bound_units,
    day_text,
    has_date_bounds,
    moment_of,
    moment_text,
    parse_date_bound,
    value_window,
)
from generators.values.date_formats import strftime_pattern
from generators.values.edge_moments import dst_moments, iso_with_offset

#: DST moments are taken from years under the current US rule (since 2007) only.
_FIRST_DST_RULE_YEAR = 2007
_NOON = 12 * 3600
_GOLDEN = 0x9E3779B1
_DAY_SECONDS = 24 * 3600


class DateLikeKind(FieldKind):
    """A DATE or DATETIME field: a strftime `format` or ISO 8601, within min_date/max_date."""

    constraints = frozenset({"format", "min_date", "max_date"})
    #: The SQL column of ISO 8601 values.
    column: ClassVar[SqlType]

    @abstractmethod
    def is_iso(self, value: Any) -> bool:
        """Whether `value` is ISO 8601 of this type (what the SQL column takes)."""

    def sql_type(self, rule: FieldConstraint, overrides: Iterable[str]) -> SqlType:
        """The typed column, unless a strftime format or a scenario's override that is not
        ISO 8601 needs TEXT."""
        if strftime_pattern(rule) is not None or any(not self.is_iso(raw) for raw in overrides):
            return SqlType.TEXT
        return self.column

    def rule_problems(self, at: str, rule: FieldConstraint, lengths_ok: bool) -> Iterator[Problem]:
        return date_bound_problems(at, rule, self.field_type)

    def edge(self, edge: EdgeKind, value: Any, field: FieldAt, at: EdgeAt) -> tuple[bool, Any]:
        return date_edge(self.field_type, edge, value, field.rule, at.index, at.moments)


def date_bound_problems(at: str, rule: FieldConstraint, kind: FieldType) -> Iterator[Problem]:
    """min_date/max_date of a DATE/DATETIME field: readable, ordered, representable (the rules
    are in `generators.values.date_bounds`)."""
    formatted = strftime_pattern(rule) is not None
    readable = True
    moments = []
    for attribute in ("min_date", "max_date"):
        text = getattr(rule, attribute)
        if text is None:
            continue
        try:
            moment = parse_date_bound(text, kind)
        except ValueError as error:
            readable = False
            yield Problem(f"{at}.{attribute}", str(error))
            continue
        moments.append(moment)
        if formatted and moment.date() < EARLIEST_FORMATTED:
            readable = False
            yield Problem(
                f"{at}.{attribute}",
                f"{text!r} is before year 1000, which the strftime format {rule.format!r} "
                "cannot write as four digits",
            )
    if not readable or len(moments) < 2:
        return
    if moments[0] > moments[1]:
        yield Problem(
            f"{at}.min_date", f"min_date {rule.min_date} is after max_date {rule.max_date}"
        )
        return
    low, high = bound_units(rule, kind)
    if low is not None and high is not None and low > high:
        yield Problem(
            f"{at}.min_date",
            f"no whole second lies between min_date {rule.min_date} and max_date "
            f"{rule.max_date}; DATETIME values are whole seconds",
        )


def date_edge(
    kind: FieldType,
    edge: EdgeKind,
    value: Any,
    rule: FieldConstraint,
    index: int,
    moments: EdgeMoments,
) -> tuple[bool, Any]:
    """The date edge cases: bounds (only with min_date/max_date), leap day, DST transition."""
    if value is None:
        return False, value
    match edge:
        case EdgeKind.MIN_BOUNDARY | EdgeKind.JUST_INSIDE_MIN if has_date_bounds(rule):
            return _date_end(kind, rule, low=True, inside=edge is EdgeKind.JUST_INSIDE_MIN)
        case EdgeKind.MAX_BOUNDARY | EdgeKind.JUST_INSIDE_MAX if has_date_bounds(rule):
            return _date_end(kind, rule, low=False, inside=edge is EdgeKind.JUST_INSIDE_MAX)
        case EdgeKind.LEAP_DAY:
            return _leap_day(kind, value, rule, moments.leap)
        case EdgeKind.DST_BOUNDARY if kind is FieldType.DATETIME:
            return _dst_boundary(value, rule, index, moments.dst)
        case _:
            return False, value


def _leap_day(
    kind: FieldType, value: Any, rule: FieldConstraint, leap: datetime
) -> tuple[bool, Any]:
    pattern = strftime_pattern(rule)
    if has_date_bounds(rule):
        unit = _bounded_leap_unit(kind, rule)
        if unit is None:
            return False, value  # no Feb 29 within the bounds
        return True, _date_unit_text(kind, unit, rule)
    if kind is FieldType.DATE:
        return True, leap.date().strftime(pattern) if pattern else leap.date().isoformat()
    return True, leap.strftime(pattern) if pattern else iso_with_offset(leap)


def _dst_boundary(
    value: Any, rule: FieldConstraint, index: int, dst: tuple[datetime, ...]
) -> tuple[bool, Any]:
    pattern = strftime_pattern(rule)
    if has_date_bounds(rule):
        moments = _bounded_dst_moments(rule)
        if not moments:
            return False, value  # no DST transition within the bounds
        # a fixed hash of the index, so records of this kind (every n-th) see every moment
        moment = moments[(index * _GOLDEN >> 16) % len(moments)]
        return True, moment.strftime(pattern) if pattern else iso_with_offset(moment)
    moment = dst[index % len(dst)]
    return True, moment.strftime(pattern) if pattern else iso_with_offset(moment)


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
