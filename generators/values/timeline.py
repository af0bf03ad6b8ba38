"""Dates and timestamps read back from records: ISO 8601 (as SQL date and timestamp columns
take it), aware moments, and whether a timeline is in order."""

from __future__ import annotations

import re
from datetime import date, datetime
from itertools import pairwise
from typing import Any

_ISO_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_ISO_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}[T ][0-9]{2}:[0-9]{2}(?::[0-9]{2}(?:\.[0-9]{1,6})?)?"
    r"(?:Z|[+-][0-9]{2}:[0-9]{2})"
)


def is_iso_date(value: Any) -> bool:
    """`YYYY-MM-DD`, a real day: what a DATE column takes on SQLite and PostgreSQL alike."""
    if not isinstance(value, str) or not _ISO_DATE.fullmatch(value):
        return False
    try:
        date.fromisoformat(value)
    except ValueError:
        return False
    return True


def is_iso_datetime(value: Any) -> bool:
    """ISO 8601 date and time with `Z` or a `±HH:MM` offset (a naive time would be read in the
    server's time zone): what a TIMESTAMP WITH TIME ZONE column takes as the same instant."""
    if not isinstance(value, str) or not _ISO_DATETIME.fullmatch(value):
        return False
    try:
        datetime.fromisoformat(value)
    except ValueError:
        return False
    return True


def parse_moment(value: Any) -> datetime | None:
    """`value` as an aware datetime; None unless it is ISO 8601 text with an offset."""
    if not isinstance(value, str):
        return None
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def in_order(*values: Any) -> bool:
    """Present values are timestamps with offsets, non-decreasing (absent ones are skipped)."""
    moments: list[datetime] = []
    for value in values:
        if value is not None:
            moment = parse_moment(value)
            if moment is None:
                return False
            moments.append(moment)
    return all(a <= b for a, b in pairwise(moments))
