"""Records for custom schemas: every field compiled once into a value maker, then called per record.

A field's rule decides first (regex, enum values, format, min/max, min_date/max_date,
min_length/max_length); where the rule leaves freedom, the field's name picks a realistic kind of
value (`first_name`, `city`, `description`, `order_id`, `age`, `price`...). Dates with
min_date/max_date are uniform over the bounded window (`generators.date_bounds`); without, they
lie in the recent past. Within one object, name and email fields
describe the same person. Top-level EMAIL fields and `*_id` strings are unique within a request.
Optional (`required=False`) fields are null in about one record in ten.
"""

from __future__ import annotations

import math
import uuid
from collections.abc import Callable
from datetime import timedelta
from random import Random
from typing import Any

from generators.core.request import FieldConstraint, FieldSpec, FieldType
from generators.core.schema import ADDRESS_PARTS, field_name_words, is_free_text
from generators.values.catalogue import ALL_PRODUCTS
from generators.values.context import YEAR, BuildContext, utc_datetime
from generators.values.date_bounds import (
    day_text,
    draw_unit,
    has_date_bounds,
    moment_text,
    value_window,
)
from generators.values.date_formats import strftime_pattern
from generators.values.line_items import ProductVariants
from generators.values.people import make_address, make_email, make_phone, make_street
from generators.values.permutation import DigitPermutation
from generators.values.rule_values import numeric_enum_values
from generators.values.sampling import draw_int, pick
from generators.values.string_rules import constrained_string_maker

OPTIONAL_NULL_SHARE = 0.1
DEFAULT_ARRAY_LENGTH = (1, 3)
_TITLE_WORDS = frozenset({"title", "subject", "headline"})


class _Scope:
    """One object being built: its record index and (lazily) the person its fields describe."""

    __slots__ = ("_person", "index")

    def __init__(self, index: int) -> None:
        self.index = index
        self._person: tuple[str, str] | None = None

    def person(self, rng: Random, context: BuildContext) -> tuple[str, str]:
        if self._person is None:
            pools = context.pools
            self._person = (pick(rng, pools.first_names), pick(rng, pools.last_names))
        return self._person


ValueMaker = Callable[[Random, _Scope], Any]


class CustomRecordBuilder:
    def __init__(self, context: BuildContext) -> None:
        self._context = context
        self._year = utc_datetime(context.reference_epoch).year
        self._fields = [
            (spec.name, self._field(spec, spec.name, top_level=True))
            for spec in context.schema.fields
        ]

    def build(self, rng: Random, index: int, scenario: str) -> dict[str, Any]:
        scope = _Scope(index)
        return {name: make(rng, scope) for name, make in self._fields}

    def _field(self, spec: FieldSpec, path: str, *, top_level: bool) -> ValueMaker:
        make = self._value(spec, path, self._context.schema.rule(path), top_level=top_level)
        if spec.required:
            return make
        return lambda rng, scope: None if rng.random() < OPTIONAL_NULL_SHARE else make(rng, scope)

    def _value(
        self, spec: FieldSpec, path: str, rule: FieldConstraint, *, top_level: bool
    ) -> ValueMaker:
        kind = spec.type
        if kind is FieldType.STRING:
            return self._string(spec, path, rule, top_level=top_level)
        if kind is FieldType.ENUM:
            values = rule.enum_values
            if not values:
                msg = f"ENUM field {path!r} needs enum_values"
                raise ValueError(msg)
            return lambda rng, _scope: pick(rng, values)
        if kind in (FieldType.INTEGER, FieldType.FLOAT) and rule.enum_values:
            numbers = numeric_enum_values(rule, kind)
            return lambda rng, _scope: pick(rng, numbers)
        if kind is FieldType.INTEGER:
            return self._integer(spec, rule)
        if kind is FieldType.FLOAT:
            return self._float(spec, rule)
        if kind is FieldType.BOOLEAN:
            return lambda rng, _scope: rng.random() < 0.5
        if kind is FieldType.DATE:
            return self._date(spec, rule)
        if kind is FieldType.DATETIME:
            return self._datetime(rule)
        if kind is FieldType.EMAIL:
            return self._email(path, top_level=top_level)
        if kind is FieldType.PHONE:
            return lambda rng, _scope: make_phone(rng)
        if kind is FieldType.ADDRESS:
            return self._address(path)
        if kind is FieldType.UUID:
            return lambda rng, _scope: str(uuid.UUID(int=rng.getrandbits(128), version=4))
        if kind is FieldType.OBJECT:
            return self._object(spec, path)
        return self._array(spec, path, rule)

    def _address(self, path: str) -> ValueMaker:
        """An address; parts with a rule of their own (`home.city`) are made from that rule."""
        pools = self._context.pools
        parts = []
        for part in ADDRESS_PARTS:
            rule = self._context.schema.rule(f"{path}.{part.name}")
            if rule != FieldConstraint():
                parts.append(
                    (part.name, self._string(part, f"{path}.{part.name}", rule, top_level=False))
                )
        if not parts:
            return lambda rng, _scope: make_address(rng, pools)

        def make(rng: Random, scope: _Scope) -> dict[str, str]:
            address = make_address(rng, pools)
            for name, value in parts:
                address[name] = value(rng, scope)
            return address

        return make

    def _object(self, spec: FieldSpec, path: str) -> ValueMaker:
        fields = [
            (child.name, self._field(child, f"{path}.{child.name}", top_level=False))
            for child in spec.nested_fields
        ]

        def make(rng: Random, scope: _Scope) -> dict[str, Any]:
            inner = _Scope(scope.index)
            return {name: value(rng, inner) for name, value in fields}

        return make

    def _array(self, spec: FieldSpec, path: str, rule: FieldConstraint) -> ValueMaker:
        element = self._object(spec, path)
        low = rule.min_length if rule.min_length is not None else DEFAULT_ARRAY_LENGTH[0]
        high = rule.max_length if rule.max_length is not None else max(low, DEFAULT_ARRAY_LENGTH[1])
        return lambda rng, scope: [element(rng, scope) for _ in range(draw_int(rng, low, high))]

    def _integer(self, spec: FieldSpec, rule: FieldConstraint) -> ValueMaker:
        words = field_name_words(spec.name)
        default = (
            (18, 90) if "age" in words
            else (1, 10) if {"quantity", "qty", "count"} & set(words)
            else (1990, self._year) if "year" in words
            else (1, 5) if {"rating", "stars"} & set(words)
            else (1, 1000)
        )  # fmt: skip
        low, high = _bounds(rule, default)
        low, high = math.ceil(low), math.floor(high)
        return lambda rng, _scope: draw_int(rng, low, high)

    def _float(self, spec: FieldSpec, rule: FieldConstraint) -> ValueMaker:
        words = set(field_name_words(spec.name))
        money = {"price", "amount", "cost", "total", "subtotal", "balance", "salary", "fee"}
        default = (1.0, 500.0) if words & money else (1.0, 5.0) if "rating" in words else (0, 1000)
        low, high = _bounds(rule, default)

        def make(rng: Random, _scope: _Scope) -> float:
            value = rng.uniform(low, high)
            rounded = round(value, 2)
            return rounded if low <= rounded <= high else value

        return make

    def _date(self, spec: FieldSpec, rule: FieldConstraint) -> ValueMaker:
        today = utc_datetime(self._context.reference_epoch).date()
        words = set(field_name_words(spec.name))
        if words & {"birth", "dob", "birthday", "birthdate"}:
            oldest, youngest = 85 * 365, 18 * 365
        else:
            oldest, youngest = 3 * 365, 0
        pattern = strftime_pattern(rule)
        if has_date_bounds(rule):
            default = (today.toordinal() - oldest, today.toordinal() - youngest)
            first, last = value_window(rule, FieldType.DATE, default)
            return lambda rng, _scope: day_text(draw_unit(rng, first, last), pattern)

        def make(rng: Random, _scope: _Scope) -> str:
            day = today - timedelta(days=draw_int(rng, youngest, oldest))
            return day.strftime(pattern) if pattern else day.isoformat()

        return make

    def _datetime(self, rule: FieldConstraint) -> ValueMaker:
        reference = self._context.reference_epoch
        pattern = strftime_pattern(rule)
        if has_date_bounds(rule):
            default = (reference - YEAR + 1, reference)
            first, last = value_window(rule, FieldType.DATETIME, default)
            return lambda rng, _scope: moment_text(draw_unit(rng, first, last), pattern)

        def make(rng: Random, _scope: _Scope) -> str:
            moment = utc_datetime(reference - draw_int(rng, 0, YEAR - 1))
            return moment.strftime(pattern) if pattern else moment.isoformat()

        return make

    def _email(self, path: str, *, top_level: bool) -> ValueMaker:
        context = self._context
        digits = max(2, len(str(max(context.count - 1, 0))))
        unique = DigitPermutation(digits, context.unique_key(path)) if top_level else None

        def make(rng: Random, scope: _Scope) -> str:
            first, last = scope.person(rng, context)
            number = unique(scope.index) if unique else draw_int(rng, 0, 10**digits - 1)
            return make_email(rng, first, last, f"{number:0{digits}d}")

        return make

    def _string(
        self, spec: FieldSpec, path: str, rule: FieldConstraint, *, top_level: bool
    ) -> ValueMaker:
        key = self._context.unique_key(path) if top_level else None
        constrained = constrained_string_maker(rule, unique_key=key)
        if constrained is not None:
            year = self._year
            return lambda rng, scope: constrained(rng, scope.index, year)
        text = self._named_string(spec, path, top_level=top_level)
        low, high = rule.min_length, rule.max_length
        if low is None and high is None:
            return text
        words = self._context.pools.words
        return lambda rng, scope: _fit_length(text(rng, scope), rng, words, low, high)

    def _named_string(self, spec: FieldSpec, path: str, *, top_level: bool) -> ValueMaker:
        words = field_name_words(spec.name)
        word_set, joined = set(words), "".join(words)
        context, pools = self._context, self._context.pools
        if joined.endswith(("firstname", "givenname", "forename")):
            return lambda rng, scope: scope.person(rng, context)[0]
        if joined.endswith(("lastname", "surname", "familyname")):
            return lambda rng, scope: scope.person(rng, context)[1]
        if joined.endswith("username") or word_set & {"login", "handle"}:
            return lambda rng, scope: _username(rng, scope.person(rng, context))
        if joined in ("name", "fullname") or (
            words[-1] == "name" and word_set & {"full", "customer", "contact", "author", "person"}
        ):
            return lambda rng, scope: " ".join(scope.person(rng, context))
        if word_set & {"phone", "mobile", "telephone"}:
            return lambda rng, _scope: make_phone(rng)
        if word_set & {"street", "address"}:
            return lambda rng, _scope: make_street(rng, pools)
        if word_set & {"product", "item"} and "name" in word_set:
            variants = ProductVariants(pools.colors)
            return lambda rng, _scope: variants.pick(rng, pick(rng, ALL_PRODUCTS))[1]
        if "sku" in word_set:
            variants = ProductVariants(pools.colors)
            return lambda rng, _scope: variants.pick(rng, pick(rng, ALL_PRODUCTS))[0]
        for hints, pool in (
            ({"city", "town"}, pools.cities),
            ({"state", "province"}, pools.states),
            ({"company", "employer", "organization", "brand"}, pools.companies),
            ({"color", "colour"}, pools.colors),
        ):
            if word_set & hints:
                return _picker(pool)
        if word_set & {"zip", "zipcode", "postal", "postcode"}:
            return lambda rng, _scope: f"{draw_int(rng, 1001, 99950):05d}"
        if "country" in word_set:
            return lambda _rng, _scope: "US"
        if word_set & {"url", "website", "link", "homepage"}:
            return lambda rng, _scope: f"https://www.example.com/{pick(rng, pools.words)}"
        if word_set & _TITLE_WORDS:
            return lambda rng, _scope: " ".join(
                pick(rng, pools.words).capitalize() for _ in range(draw_int(rng, 2, 5))
            )
        if is_free_text(spec):
            return lambda rng, _scope: " ".join(rng.sample(pools.sentences, draw_int(rng, 1, 3)))
        if words[-1] in ("id", "code", "number", "ref", "reference"):
            return self._identifier(words, path, top_level=top_level)
        return lambda rng, _scope: " ".join(
            pick(rng, pools.words) for _ in range(draw_int(rng, 1, 3))
        )

    def _identifier(self, words: tuple[str, ...], path: str, *, top_level: bool) -> ValueMaker:
        """`order_id` -> ORD-482913: a prefix from the name, digits unique at the top level."""
        prefix = (words[0] if len(words) > 1 else "id")[:3].upper()
        digits = max(6, len(str(self._context.count)))
        if not top_level:
            return lambda rng, _scope: f"{prefix}-{draw_int(rng, 0, 10**digits - 1):0{digits}d}"
        unique = DigitPermutation(digits, self._context.unique_key(path))
        return lambda _rng, scope: f"{prefix}-{unique(scope.index):0{digits}d}"


def _bounds(rule: FieldConstraint, default: tuple[float, float]) -> tuple[float, float]:
    """The rule's min/max, the default for a missing side (or the default span, if it must move)."""
    low, high = default
    span = high - low
    if rule.min is not None:
        low = rule.min
        high = high if high >= low else low + span
    if rule.max is not None:
        high = rule.max
        low = low if low <= high or rule.min is not None else high - span
    return low, high


def _picker(values: tuple[str, ...]) -> ValueMaker:
    return lambda rng, _scope: pick(rng, values)


def _username(rng: Random, person: tuple[str, str]) -> str:
    first, last = person
    return f"{first[0].lower()}{last.lower()}{draw_int(rng, 1, 999)}"


def _fit_length(
    text: str, rng: Random, words: tuple[str, ...], low: int | None, high: int | None
) -> str:
    """`text` padded with words to `low` characters and cut to `high`, not ending in a space."""
    if low is not None and len(text) < low:
        pieces = [text] if text else []
        length = len(text)
        while length < low:
            word = pick(rng, words)
            length += len(word) + (1 if pieces else 0)
            pieces.append(word)
        text = " ".join(pieces)
    if high is not None and len(text) > high:
        cut = text[:high]
        # words are single-space separated, so the character after a trailing space is a letter
        text = cut[:-1] + text[high] if cut.endswith(" ") else cut
    return text
