"""Synthetic people: names from the pools, and contact details that cannot reach anyone.

Emails use the reserved `example.*` domains (RFC 2606) and phone numbers the fictional
555-0100..0199 range, so generated data never contains a real person's contact details.
"""

from __future__ import annotations

import re
from random import Random

from generators.pools import ValuePools
from generators.sampling import draw_int, pick

EMAIL_DOMAINS: tuple[str, ...] = ("example.com", "example.net", "example.org")
_NOT_LETTERS = re.compile(r"[^a-z]+")


def name_key(name: str) -> str:
    """A name as email local parts use it: lower-case letters only ("O'Neil" -> "oneil")."""
    return _NOT_LETTERS.sub("", name.lower())


def email_local_part(rng: Random, first: str, last: str) -> str:
    """One of the usual shapes: maria.lopez, mlopez, maria_lopez, marial, lopez.maria.

    Always ends in a letter, so a fixed-width numeric suffix appended to it keeps emails unique.
    """
    given, family = name_key(first) or "user", name_key(last) or "person"
    shapes = (
        f"{given}.{family}",
        f"{given[0]}{family}",
        f"{given}_{family}",
        f"{given}{family[0]}",
        f"{family}.{given}",
    )
    return pick(rng, shapes)


def make_email(rng: Random, first: str, last: str, suffix: str) -> str:
    return f"{email_local_part(rng, first, last)}{suffix}@{pick(rng, EMAIL_DOMAINS)}"


def make_phone(rng: Random) -> str:
    area = draw_int(rng, 201, 989)
    return f"+1-{area}-555-01{draw_int(rng, 0, 99):02d}"


def make_street(rng: Random, pools: ValuePools) -> str:
    return f"{draw_int(rng, 1, 9999)} {pick(rng, pools.street_names)}"


def make_address(rng: Random, pools: ValuePools) -> dict[str, str]:
    return {
        "street": make_street(rng, pools),
        "city": pick(rng, pools.cities),
        "state": pick(rng, pools.states),
        "postal_code": f"{draw_int(rng, 1001, 99950):05d}",
        "country": "US",
    }
