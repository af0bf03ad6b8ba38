"""Money in integer cents: sums stay exact, and only the emitted values become 2-dp floats."""

from __future__ import annotations

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
