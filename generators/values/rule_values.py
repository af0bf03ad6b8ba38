"""Enum values of INTEGER and FLOAT fields: given as strings, used as numbers."""

from __future__ import annotations

import math

from generators.core.request import FieldConstraint, FieldType

#: Integers must fit a signed 64-bit column (SQL BIGINT) and JSON encoders.
INT64_RANGE = (-(2**63), 2**63 - 1)


def numeric_enum_values(rule: FieldConstraint, kind: FieldType) -> tuple[int | float, ...]:
    """The rule's enum values as ints (INTEGER) or floats (FLOAT).

    Raises ValueError naming the first value that is not a number of that type.
    """
    values: list[int | float] = []
    for raw in rule.enum_values:
        try:
            if kind is FieldType.INTEGER:
                integer = int(raw.strip())
                if not INT64_RANGE[0] <= integer <= INT64_RANGE[1]:
                    msg = "out of the 64-bit integer range"
                    raise ValueError(msg)
                values.append(integer)
            else:
                number = float(raw.strip())
                if not math.isfinite(number):
                    msg = "not a finite number"
                    raise ValueError(msg)
                values.append(number)
        except ValueError as error:
            msg = f"{raw!r} is not a valid {kind.value} value: {error}"
            raise ValueError(msg) from error
    return tuple(values)
