"""Synthetic people: names from the pools, and contact details that cannot reach anyone.

Emails use the reserved `example.*` domains (RFC 2606) and phone numbers the fictional
555-0100..0199 range, so generated data never contains a real person's contact details.

These run once or more per record, so their text is assembled from precomputed pieces
(`str(number + 10**N)[1:]` is `f"{number:0Nd}"` for 0 <= number < 10**N, and cheaper).
"""

from __future__ import annotations

import functools
import re
import unicodedata
from random import Random

from generators.values.pools import ValuePools

EMAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.net", "example.org")
_AT_DOMAINS: tuple[str, ...] = tuple(f"@{domain}" for domain in EMAIL_DOMAINS)
_NOT_LETTERS = re.compile(r"[^a-z]+")
#: Phone numbers: "+1-{area}-555-01" for areas 201..989, then two digits 00..99.
_PHONE_HEADS: tuple[str, ...] = tuple(f"+1-{area}-555-01" for area in range(201, 990))
_TWO_DIGITS: tuple[str, ...] = tuple(f"{n:02d}" for n in range(100))
EMAIL_SHAPES = 5  # the shapes of `local_part_shape`


def name_key(name: str) -> str:
    """A name as email local parts use it: lower-case ASCII letters only, accents folded
    ("O'Neil" -> "oneil", "Siobhán" -> "siobhan", "Müller" -> "muller")."""
    return _NOT_LETTERS.sub("", unicodedata.normalize("NFKD", name.lower()))


@functools.lru_cache(maxsize=16)
def name_keys(names: tuple[str, ...]) -> tuple[str, ...]:
    """`name_key` of each name, computed once per pool."""
    return tuple(name_key(name) for name in names)


def local_part_shape(shape: int, given: str, family: str) -> str:
    """Shape `shape` (0..4) of maria.lopez, mlopez, maria_lopez, marial, lopez.maria, from
    non-empty name keys."""
    if shape == 0:
        return f"{given}.{family}"
    if shape == 1:
        return given[0] + family
    if shape == 2:
        return f"{given}_{family}"
    if shape == 3:
        return given + family[0]
    return f"{family}.{given}"


def email_local_part(rng: Random, first: str, last: str) -> str:
    """One of the usual shapes: maria.lopez, mlopez, maria_lopez, marial, lopez.maria.

    Always ends in a letter, so a fixed-width numeric suffix appended to it keeps emails unique.
    """
    given, family = name_key(first) or "user", name_key(last) or "person"
    return local_part_shape(int(rng.random() * EMAIL_SHAPES), given, family)


def make_email(rng: Random, first: str, last: str, suffix: str) -> str:
    local = email_local_part(rng, first, last)
    return local + suffix + _AT_DOMAINS[int(rng.random() * len(_AT_DOMAINS))]


def make_phone(rng: Random) -> str:
    random = rng.random
    return _PHONE_HEADS[int(random() * len(_PHONE_HEADS))] + _TWO_DIGITS[int(random() * 100)]


def make_street(rng: Random, pools: ValuePools) -> str:
    random = rng.random
    number = 1 + int(random() * 9999)  # `draw_int(rng, 1, 9999)`
    return f"{number} {pools.street_names[int(random() * len(pools.street_names))]}"


def make_address(rng: Random, pools: ValuePools) -> dict[str, str]:
    random = rng.random
    number = 1 + int(random() * 9999)
    street = f"{number} {pools.street_names[int(random() * len(pools.street_names))]}"
    return {
        "street": street,
        "city": pools.cities[int(random() * len(pools.cities))],
        "state": pools.states[int(random() * len(pools.states))],
        "postal_code": str(1001 + int(random() * 98950) + 100_000)[1:],  # 01001..99950
        "country": "US",
    }
