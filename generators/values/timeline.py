"""Timestamps read back from records: ISO 8601 with an offset, and whether they are in order."""

from __future__ import annotations

from datetime import datetime
from itertools import pairwise
from typing import Any


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
