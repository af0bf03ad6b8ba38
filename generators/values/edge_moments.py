"""Moments that break date handling, and the edge cases that move a record's timestamps there.

Leap days (the last Feb 29 before a year) and US DST transitions (America/New_York: the skipped
02:30 of spring, the first second of daylight time, the repeated 01:30 of autumn under both
offsets), written as ISO 8601 with the offset in force. Entities use `time_edge_cases` for their
own timestamps; custom schemas use the moments field by field.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, datetime, timedelta
from random import Random
from typing import Any
from zoneinfo import ZoneInfo

#: Turns a record into one kind of edge case in place; False when it cannot apply to it.
EdgeCase = Callable[[dict[str, Any], Random, int], bool]

#: Where the US switches clocks; DST moments are taken from this zone.
DST_ZONE = ZoneInfo("America/New_York")


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


def iso_with_offset(moment: datetime) -> str:
    """ISO 8601 with the offset in force (`2026-03-08T03:00:00-04:00`)."""
    offset = moment.utcoffset()
    return moment.replace(tzinfo=None).isoformat() + _offset_text(offset or timedelta())


def _offset_text(offset: timedelta) -> str:
    minutes = int(offset.total_seconds()) // 60
    sign = "-" if minutes < 0 else "+"
    hours, rest = divmod(abs(minutes), 60)
    return f"{sign}{hours:02d}:{rest:02d}"


def leap_moment(year: int) -> datetime:
    """Noon UTC on the last Feb 29 before `year`."""
    leap = year - 1
    while not (leap % 4 == 0 and (leap % 100 != 0 or leap % 400 == 0)):
        leap -= 1
    return datetime.fromisoformat(f"{leap}-02-29T12:00:00+00:00")


def moved(record: dict[str, Any], field: str, moment: datetime, later: tuple[str, ...]) -> bool:
    """`field` set to `moment`, and the `later` timestamps moved by the same amount."""
    old = record.get(field)
    if not isinstance(old, str):
        return False
    delta = moment - datetime.fromisoformat(old)
    record[field] = iso_with_offset(moment)
    for name in later:
        value = record.get(name)
        if isinstance(value, str):
            record[name] = (datetime.fromisoformat(value) + delta).isoformat()
    return True


def time_edge_cases(field: str, later: tuple[str, ...], year: int) -> list[tuple[str, EdgeCase]]:
    leap = leap_moment(year + 1)
    dst = dst_moments(year)
    return [
        (f"leap_day_{field}", lambda r, _rng, _i: moved(r, field, leap, later)),
        (
            f"dst_boundary_{field}",
            lambda r, _rng, i: moved(r, field, dst[i % len(dst)], later),
        ),
    ]
