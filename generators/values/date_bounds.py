"""Date bounds: a rule's `min_date`/`max_date` for DATE and DATETIME fields, read and applied.

The rules (validation reports a break of any of them, naming `constraints["f"].min_date`):

- DATE fields take `YYYY-MM-DD` only;
- DATETIME fields take a date (meaning midnight UTC that day) or an ISO 8601 datetime with a UTC
  offset (`2025-03-01T12:00:00+01:00`, or `Z`); a datetime without an offset is refused, since it
  names no single instant;
- both bounds are inclusive; min_date must not be after max_date;
- with one bound only, values lie within `BOUND_WINDOW_DAYS` (about five years) on the other side
  of it;
- generated DATE values are whole days and DATETIME values whole seconds in UTC, so a DATETIME
  range must hold at least one whole second;
- with a strftime `format`, bounds lie in year 1000 or later (`%Y` writes fewer than four digits
  before that, which no parser reads back).

Values are drawn uniformly from the window with the request's seeded RNG, as day ordinals (DATE)
or seconds since the Unix epoch (DATETIME).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from random import Random
from typing import Any

from generators.core.request import FieldConstraint, FieldType
from generators.values.date_formats import strftime_pattern

#: With one bound given, the other side of the window lies this far from it (about five years).
BOUND_WINDOW_DAYS = 5 * 365 + 1
#: Earliest bound (and generated value) when the field has a strftime format.
EARLIEST_FORMATTED = date(1000, 1, 1)
DATE_TYPES = frozenset({FieldType.DATE, FieldType.DATETIME})
UNIX_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_SECOND = timedelta(seconds=1)
_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_DAY_LIMITS = (date.min.toordinal(), date.max.toordinal())
_SECOND_LIMITS = (
    (datetime(1, 1, 1, tzinfo=UTC) - UNIX_EPOCH) // _SECOND,
    (datetime(9999, 12, 31, 23, 59, 59, tzinfo=UTC) - UNIX_EPOCH) // _SECOND,
)
#: strftime directives that pin the calendar day; patterns without them are not bound-checked.
_YEAR, _MONTHS, _DAY_OF_YEAR = "%Y", ("%m", "%b", "%B"), "%j"


def has_date_bounds(rule: FieldConstraint) -> bool:
    return rule.min_date is not None or rule.max_date is not None


def parse_date_bound(text: str, kind: FieldType) -> datetime:
    """`text` as an aware UTC datetime (a DATE bound: midnight UTC of that day).

    Raises ValueError with a message fit for the caller (see the module's rules).
    """
    raw = text.strip()
    if _ISO_DATE.fullmatch(raw):
        try:
            day = date.fromisoformat(raw)
        except ValueError as error:
            msg = f"{text!r} is not a valid date: {error}"
            raise ValueError(msg) from error
        return datetime(day.year, day.month, day.day, tzinfo=UTC)
    try:
        moment = datetime.fromisoformat(raw)
    except ValueError:
        expected = "a date YYYY-MM-DD" if kind is FieldType.DATE else "an ISO 8601 date or datetime"
        msg = f"{text!r} is not {expected}"
        raise ValueError(msg) from None
    if kind is FieldType.DATE:
        msg = f"DATE fields take a date YYYY-MM-DD without a time, got {text!r}"
        raise ValueError(msg)
    if moment.tzinfo is None or moment.utcoffset() is None:
        msg = (
            f"{text!r} has no UTC offset, so it names no single instant; add one, "
            f"e.g. {raw}Z or {raw}+02:00"
        )
        raise ValueError(msg)
    try:
        return moment.astimezone(UTC)
    except OverflowError:
        msg = f"{text!r} is out of range (years 1 to 9999 in UTC)"
        raise ValueError(msg) from None


def _units(moment: datetime, kind: FieldType, *, up: bool) -> int:
    """`moment` as a day ordinal (DATE) or Unix seconds (DATETIME), rounded up or down."""
    if kind is FieldType.DATE:
        return moment.toordinal()
    delta = moment - UNIX_EPOCH
    return -(-delta // _SECOND) if up else delta // _SECOND


def bound_units(rule: FieldConstraint, kind: FieldType) -> tuple[int | None, int | None]:
    """The rule's bounds as whole units of the field's values: day ordinals (DATE) or Unix
    seconds (DATETIME, the low bound rounded up and the high one down). Raises ValueError."""
    low = high = None
    if rule.min_date is not None:
        low = _units(parse_date_bound(rule.min_date, kind), kind, up=True)
    if rule.max_date is not None:
        high = _units(parse_date_bound(rule.max_date, kind), kind, up=False)
    return low, high


def value_window(
    rule: FieldConstraint, kind: FieldType, default: tuple[int, int]
) -> tuple[int, int]:
    """Where values of a bounded field lie, in `bound_units`: [min_date, max_date], with a
    missing side `BOUND_WINDOW_DAYS` from the given one; `default` when neither is given."""
    low, high = bound_units(rule, kind)
    if low is None and high is None:
        return default
    span = BOUND_WINDOW_DAYS if kind is FieldType.DATE else BOUND_WINDOW_DAYS * 86_400
    floor, ceiling = _DAY_LIMITS if kind is FieldType.DATE else _SECOND_LIMITS
    if strftime_pattern(rule) is not None:
        earliest = datetime.combine(EARLIEST_FORMATTED, datetime.min.time(), UTC)
        floor = _units(earliest, kind, up=True)
    if low is None:
        assert high is not None  # for mypy: one side is given
        low = max(floor, high - span)
    if high is None:
        high = min(ceiling, low + span)
    return low, high


def draw_unit(rng: Random, low: int, high: int) -> int:
    """Uniform in [low, high] from one `rng.random()`; never past `high` for huge spans."""
    return min(high, low + int(rng.random() * (high - low + 1)))


def day_text(ordinal: int, pattern: str | None) -> str:
    day = date.fromordinal(ordinal)
    return day.strftime(pattern) if pattern else day.isoformat()


def moment_of(seconds: int) -> datetime:
    return UNIX_EPOCH + timedelta(seconds=seconds)


def moment_text(seconds: int, pattern: str | None) -> str:
    moment = moment_of(seconds)
    return moment.strftime(pattern) if pattern else moment.isoformat()


def _pins_day(pattern: str) -> bool:
    return _YEAR in pattern and (
        _DAY_OF_YEAR in pattern or ("%d" in pattern and any(m in pattern for m in _MONTHS))
    )


def bound_check(rule: FieldConstraint, kind: FieldType) -> Callable[[Any], bool] | None:
    """A predicate that a value lies within the rule's date bounds, or None when there are none
    or they cannot be read (validation reports that) or the format does not pin the day.

    ISO values are compared exactly; values in a strftime format that pins the calendar day
    (`%Y` with `%m`/`%b`/`%B` and `%d`, or `%j`) are compared by their UTC day. Values that do
    not parse pass: the type and format checks count those.
    """
    if kind not in DATE_TYPES or not has_date_bounds(rule):
        return None
    try:
        low = None if rule.min_date is None else parse_date_bound(rule.min_date, kind)
        high = None if rule.max_date is None else parse_date_bound(rule.max_date, kind)
    except ValueError:
        return None
    pattern = strftime_pattern(rule)
    if pattern is None:
        parse: Callable[[str], datetime] = _iso_day if kind is FieldType.DATE else _iso_moment
        return lambda v: _within(v, parse, low, high)
    if not _pins_day(pattern):
        return None
    low_day = None if low is None else _midnight(low)
    high_day = None if high is None else _midnight(high)
    return lambda v: _within(v, lambda text: _formatted_day(text, pattern), low_day, high_day)


def _within(
    value: Any,
    parse: Callable[[str], datetime],
    low: datetime | None,
    high: datetime | None,
) -> bool:
    if not isinstance(value, str):
        return True
    try:
        moment = parse(value)
    except (ValueError, OverflowError):
        return True
    return (low is None or moment >= low) and (high is None or moment <= high)


def _iso_day(text: str) -> datetime:
    day = date.fromisoformat(text)
    return datetime(day.year, day.month, day.day, tzinfo=UTC)


def _iso_moment(text: str) -> datetime:
    moment = datetime.fromisoformat(text)
    if moment.tzinfo is None:
        msg = "no offset"
        raise ValueError(msg)
    return moment


def _midnight(moment: datetime) -> datetime:
    return datetime(moment.year, moment.month, moment.day, tzinfo=UTC)


def _formatted_day(text: str, pattern: str) -> datetime:
    moment = datetime.strptime(text, pattern)
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC)
    return _midnight(moment)
