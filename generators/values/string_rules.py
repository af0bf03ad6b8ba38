"""Strings shaped by a field rule: enum values, else a regex (within min_length/max_length),
else a format template. Validation makes sure enum values match the regex, format and lengths
when several are given, so picking an enum value honours the whole rule."""

from __future__ import annotations

from collections.abc import Callable
from random import Random

from generators.core.request import FieldConstraint
from generators.values.permutation import DigitPermutation
from generators.values.regex_values import RegexValues
from generators.values.sampling import pick
from generators.values.templates import FormatTemplate

#: Makes one value from (rng, record index, record year).
StringMaker = Callable[[Random, int, int], str]


def constrained_string_maker(
    rule: FieldConstraint, *, unique_key: int | None = None
) -> StringMaker | None:
    """A maker for strings the rule shapes, or None when the rule shapes nothing.

    With `unique_key`, a template's first `{random:N}` run is a keyed bijection of the record
    index, so values are unique within a request (for up to 10**N records) at no memory cost.
    """
    if rule.enum_values:
        choices = rule.enum_values
        return lambda rng, _index, _year: pick(rng, choices)
    if rule.regex:
        values = RegexValues(rule.regex, min_length=rule.min_length, max_length=rule.max_length)
        return lambda rng, _index, _year: values.sample(rng)
    if rule.format:
        template = FormatTemplate.parse(rule.format)
        if unique_key is None:
            return lambda rng, _index, year: template.render(rng, year)
        unique = DigitPermutation(template.unique_digits, unique_key)
        return lambda rng, index, year: template.render(rng, year, unique(index))
    return None
