"""Test card numbers: brand prefixes and the Luhn check digit, for building and checking."""

from __future__ import annotations

from random import Random

from generators.values.sampling import draw_int

#: Brand -> (number length, inclusive issuer prefix ranges, each bound with the same digit count).
CARD_NETWORKS: dict[str, tuple[int, tuple[tuple[int, int, int], ...]]] = {
    "visa": (16, ((4, 4, 1),)),
    "mastercard": (16, ((51, 55, 2), (2221, 2720, 4))),
    "amex": (15, ((34, 34, 2), (37, 37, 2))),
    "discover": (16, ((6011, 6011, 4), (644, 649, 3), (65, 65, 2))),
}


def luhn_check_digit(partial: str) -> str:
    """The digit that makes `partial + digit` pass the Luhn check."""
    total = 0
    for position, char in enumerate(reversed(partial)):
        digit = int(char)
        if position % 2 == 0:  # these get doubled once the check digit is appended
            digit = digit * 2 - 9 if digit > 4 else digit * 2
        total += digit
    return str(-total % 10)


def luhn_valid(number: str) -> bool:
    return number.isdigit() and len(number) > 1 and luhn_check_digit(number[:-1]) == number[-1]


def brand_of(number: str) -> str | None:
    """The brand whose length and prefix ranges fit `number`, if any."""
    if not number.isdigit():
        return None
    for brand, (length, ranges) in CARD_NETWORKS.items():
        if len(number) == length and any(
            low <= int(number[:digits]) <= high for low, high, digits in ranges
        ):
            return brand
    return None


def make_card_number(rng: Random, brand: str) -> str:
    """A Luhn-valid number of `brand`'s length starting with one of its prefixes."""
    length, ranges = CARD_NETWORKS[brand]
    low, high, digits = ranges[int(rng.random() * len(ranges))]
    body_digits = length - 1 - digits
    partial = f"{draw_int(rng, low, high)}{draw_int(rng, 0, 10**body_digits - 1):0{body_digits}d}"
    return partial + luhn_check_digit(partial)
