"""Edge values several kinds share: the ends of an ordered list, of a numeric range, of a
length range, and text cut or repeated to a length."""

from __future__ import annotations

from typing import Any

from generators.kinds.kind import EdgeKind

#: The boundary edge kinds: (low side, one inside the bound).
_BOUNDARIES: dict[EdgeKind, tuple[bool, bool]] = {
    EdgeKind.MIN_BOUNDARY: (True, False),
    EdgeKind.MAX_BOUNDARY: (False, False),
    EdgeKind.JUST_INSIDE_MIN: (True, True),
    EdgeKind.JUST_INSIDE_MAX: (False, True),
}


def boundary_of(edge: EdgeKind) -> tuple[bool, bool] | None:
    """(low side, one inside the bound) for the four boundary edge kinds, else None."""
    return _BOUNDARIES.get(edge)


def pick_end(values: list[Any], *, low: bool, inside: bool) -> tuple[bool, Any]:
    """The first or last of ordered `values`, or the one just inside it."""
    if inside and len(values) < 3:  # no value lies strictly inside two
        return False, None
    position = (1 if inside else 0) if low else (-2 if inside else -1)
    return True, values[position]


def number_end(
    low_bound: float, high_bound: float, step: float, *, low: bool, inside: bool
) -> tuple[bool, Any]:
    """A bound, or one `step` inside it (when that is still strictly inside)."""
    if inside:
        candidate = low_bound + step if low else high_bound - step
        if isinstance(candidate, float):
            candidate = round(candidate, 2)
        if not low_bound < candidate < high_bound:
            return False, None
        return True, candidate
    return True, low_bound if low else high_bound


def length_target(low: int, high: int | None, *, low_side: bool, inside: bool) -> int | None:
    """The length at (or one inside) the low or high bound; None without such a length."""
    if low_side:
        target = low + 1 if inside else low
    elif high is None:
        return None
    else:
        target = high - 1 if inside else high
    if high is not None and not low <= target <= high:
        return None
    return target if target >= low else None


def fit(text: str, length: int) -> str:
    """`text` repeated or cut to exactly `length` characters."""
    if not length:
        return ""
    return (text * (length // len(text) + 1))[:length]
