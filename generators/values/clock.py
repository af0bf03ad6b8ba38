"""ISO 8601 text of UTC instants and dates, from small tables instead of `datetime` per value.

`utc_datetime(epoch).isoformat()` costs about a microsecond, a large share of a record. Here an
instant is the text of its hour (looked up, and formatted once per hour ever seen) followed by
one of 3,600 precomputed `MM:SS+00:00` endings; a date is looked up by its ordinal. The text is
exactly what `isoformat()` gives for whole-second UTC instants. The tables are shared by all
requests of a process and stay small: records span a few years, i.e. some tens of thousands of
hours, and the tables are emptied should a caller ever push them past a bound.
"""

from __future__ import annotations

from datetime import date

from generators.values.context import HOUR, utc_datetime

_MINUTES_SECONDS: tuple[str, ...] = tuple(
    f"{minute:02d}:{second:02d}+00:00" for minute in range(60) for second in range(60)
)
#: Hours since the epoch -> ("YYYY-MM-DDTHH:", year); date ordinals -> "YYYY-MM-DD".
_HOURS: dict[int, tuple[str, int]] = {}
_DATES: dict[int, str] = {}
_MAX_ENTRIES = 500_000  # about 60 years of hours; a few tens of MB at most


def _hour(hour: int) -> tuple[str, int]:
    if len(_HOURS) >= _MAX_ENTRIES:
        _HOURS.clear()
    moment = utc_datetime(hour * HOUR)
    entry = _HOURS[hour] = (moment.isoformat()[:14], moment.year)
    return entry


#: For builders that inline `utc_iso` (see `CartBuilder.build_many`): the text of instant `t`
#: is `entry[0] + MINUTES_SECONDS[t % HOUR]`, where `entry` is `HOUR_TEXTS.get(t // HOUR)` or
#: else `hour_text(t // HOUR)`, and `entry[1]` is its year.
MINUTES_SECONDS = _MINUTES_SECONDS
HOUR_TEXTS = _HOURS


def hour_text(hour: int) -> tuple[str, int]:
    """("YYYY-MM-DDTHH:", year) of an hour since the epoch, remembered in `HOUR_TEXTS`."""
    return _HOURS.get(hour) or _hour(hour)


def utc_iso(epoch_seconds: int) -> tuple[str, int]:
    """`utc_datetime(epoch_seconds).isoformat()` and the instant's year."""
    entry = _HOURS.get(epoch_seconds // HOUR) or _hour(epoch_seconds // HOUR)
    return entry[0] + _MINUTES_SECONDS[epoch_seconds % HOUR], entry[1]


def date_iso(ordinal: int) -> str:
    """`date.fromordinal(ordinal).isoformat()`."""
    text = _DATES.get(ordinal)
    if text is None:
        if len(_DATES) >= _MAX_ENTRIES:
            _DATES.clear()
        text = _DATES[ordinal] = date.fromordinal(ordinal).isoformat()
    return text
