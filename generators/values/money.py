"""Money in integer cents: sums stay exact, and only the emitted values become 2-dp floats."""

from __future__ import annotations

from typing import Any

#: Sales tax rates, in thousandths of a percent, by currency (a few US states; GST/HST).
TAX_RATES: dict[str, tuple[int, ...]] = {
    "USD": (0, 4_000, 6_000, 6_250, 7_000, 7_250, 8_250, 8_875),
    "CAD": (5_000, 13_000, 14_975, 15_000),
}
NO_TAX: tuple[int, ...] = (0,)
_RATE_SCALE = 100_000


def dollars(cents: int) -> float:
    """`cents` as a float whose repr has at most two decimals (1999 -> 19.99)."""
    return cents / 100


def tax_cents(subtotal_cents: int, rate: int) -> int:
    """Tax at `rate` (thousandths of a percent), rounded half up to the cent."""
    return (subtotal_cents * rate + _RATE_SCALE // 2) // _RATE_SCALE


def exact_cents(value: Any) -> int | None:
    """A money value read back in cents, or None unless it is a number (not a bool) with at most
    two decimals: a float `total` of 21.639999 reads as 2164, 21.645 as None."""
    if type(value) not in (int, float):
        return None
    cents = round(value * 100)
    return cents if abs(value * 100 - cents) < 1e-6 else None


def rounded_cents(value: Any) -> int | None:
    """A number as cents, rounded (a model's 19.999 is 2000); None for anything else."""
    if type(value) not in (int, float):
        return None
    return round(float(value) * 100)


def adds_up(total: Any, *parts: Any) -> bool:
    """Whether `total` is exactly the sum of `parts`, compared in cents."""
    cents = [exact_cents(part) for part in parts]
    expected = exact_cents(total)
    return expected is not None and None not in cents and expected == sum(c or 0 for c in cents)
