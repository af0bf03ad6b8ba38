"""STRING: text, shaped by a regex, a format template or enum values, else by the field's name.

A custom schema's string whose rule fixes its shape is built from that rule (unique within the
request at the top level, for ids). Otherwise the field's name picks a realistic kind of value
(`first_name`, `city`, `description`, `order_id`...), padded with words or cut to the rule's
lengths. Free-text strings (no regex, format or enum) have the text edge cases: unicode, emoji,
empty, and as long as allowed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from random import Random
from typing import Any

from generators.core.errors import Problem, UnsupportedRegexError
from generators.core.request import FieldConstraint, FieldType
from generators.core.schema import field_name_words, is_free_text
from generators.kinds._edges import boundary_of, fit, length_target, pick_end
from generators.kinds._numbers import show_bound
from generators.kinds.kind import (
    EdgeAt,
    EdgeKind,
    FieldAt,
    FieldKind,
    FieldMaking,
    NestedSchema,
    ValueMaker,
)
from generators.values.catalogue import ALL_PRODUCTS
from generators.values.line_items import ProductVariants
from generators.values.people import make_phone, make_street
from generators.values.permutation import DigitPermutation
from generators.values.regex_values import RegexValues
from generators.values.sampling import draw_int, pick
from generators.values.string_rules import constrained_string_maker
from generators.values.templates import FormatTemplate

UNICODE_TEXT = "Zoë Ñúñez café naïve Straße Łódź 東京 Ünïcödé"
EMOJI_TEXT = "🛒🎉 great deal 👍🏽 ✨🔥"
#: A long string for fields without max_length.
LONG_STRING_LENGTH = 1_000
_TITLE_WORDS = frozenset({"title", "subject", "headline"})


class StringKind(FieldKind):
    field_type = FieldType.STRING
    constraints = frozenset({"enum_values", "regex", "min_length", "max_length", "format"})
    free_for_model = True

    def is_value(self, rule: FieldConstraint) -> Callable[[Any], bool]:
        return lambda v: isinstance(v, str)

    def json_schema(self, field: FieldAt, nested: NestedSchema) -> dict[str, Any]:
        rule = field.rule
        result: dict[str, Any] = {"type": "string"}
        if rule.enum_values:
            result["enum"] = list(rule.enum_values)
        if rule.min_length is not None:
            result["minLength"] = rule.min_length
        if rule.max_length is not None:
            result["maxLength"] = rule.max_length
        if rule.regex:
            result["pattern"] = rule.regex
        return result

    def maker(self, making: FieldMaking, field: FieldAt) -> ValueMaker:
        context = making.context
        key = context.unique_key(field.path) if field.top_level else None
        constrained = constrained_string_maker(field.rule, unique_key=key)
        if constrained is not None:
            year = making.year
            return lambda rng, scope: constrained(rng, scope.index, year)
        text = _named_string(making, field)
        low, high = field.rule.min_length, field.rule.max_length
        if low is None and high is None:
            return text
        words = context.pools.words
        return lambda rng, scope: _fit_length(text(rng, scope), rng, words, low, high)

    def rule_problems(self, at: str, rule: FieldConstraint, lengths_ok: bool) -> Iterator[Problem]:
        """Regex, format, enum values and lengths, alone and against each other."""
        if rule.regex is not None and rule.format:
            yield Problem(f"{at}.format", "give either regex or format, not both")
        pattern: re.Pattern[str] | None = None
        if rule.regex is not None:
            try:
                pattern = re.compile(rule.regex)
                bounds = (rule.min_length, rule.max_length) if lengths_ok else (None, None)
                if not rule.enum_values:  # enum values are emitted as given, not built
                    RegexValues(rule.regex, min_length=bounds[0], max_length=bounds[1])
                else:
                    RegexValues(rule.regex)
            except re.error as error:
                yield Problem(f"{at}.regex", f"does not compile: {error}")
            except RecursionError:
                yield Problem(f"{at}.regex", "the pattern nests too deeply")
            except UnsupportedRegexError as error:
                yield Problem(f"{at}.regex", str(error))
        template: FormatTemplate | None = None
        if rule.format:
            try:
                template = FormatTemplate.parse(rule.format)
            except ValueError as error:
                yield Problem(f"{at}.format", str(error))
        if rule.enum_values:
            yield from _enum_problems(f"{at}.enum_values", rule, pattern, template)
        elif template is not None and rule.regex is None and lengths_ok:
            size = sum(
                p if isinstance(p, int) else len(p) if isinstance(p, str) else 4  # {year}
                for p in template.parts
            )
            if (rule.min_length is not None and size < rule.min_length) or (
                rule.max_length is not None and size > rule.max_length
            ):
                yield Problem(
                    f"{at}.format",
                    f"values of {rule.format!r} have {size} characters, outside min_length "
                    f"{rule.min_length or 0} .. max_length {show_bound(rule.max_length)}",
                )

    def edge(self, edge: EdgeKind, value: Any, field: FieldAt, at: EdgeAt) -> tuple[bool, Any]:
        """Enum values' ends; for free text, the lengths' ends and the text edge cases."""
        rule = field.rule
        boundary = boundary_of(edge)
        if boundary is not None and rule.enum_values:
            return pick_end(list(rule.enum_values), low=boundary[0], inside=boundary[1])
        if not is_free(rule):
            return False, value
        if boundary is not None:
            return _length_end(value, rule, *boundary)
        match edge:
            case EdgeKind.UNICODE_TEXT | EdgeKind.EMOJI_TEXT if value is not None:
                sample = UNICODE_TEXT if edge is EdgeKind.UNICODE_TEXT else EMOJI_TEXT
                low = rule.min_length or 0
                high = rule.max_length if rule.max_length is not None else len(sample)
                return True, fit(sample, max(low, min(len(sample), high)))
            case EdgeKind.EMPTY_STRING:
                if (rule.min_length or 0) > 0 or (field.spec.required and rule.min_length != 0):
                    return False, None
                return True, ""
            case EdgeKind.MAX_LENGTH_STRING:
                length = rule.max_length if rule.max_length is not None else LONG_STRING_LENGTH
                if length < (rule.min_length or 0):
                    return False, None
                return True, fit(UNICODE_TEXT + " " + EMOJI_TEXT + " ", length)
            case _:
                return False, value


STRING = StringKind()


def is_free(rule: FieldConstraint) -> bool:
    """A string the rule does not shape (no regex, enum values or format): free text."""
    return not (rule.regex or rule.enum_values or rule.format)


def _length_end(value: Any, rule: FieldConstraint, low: bool, inside: bool) -> tuple[bool, Any]:
    if value is None or (rule.min_length if low else rule.max_length) is None:
        return False, value  # no bound on that side to sit on
    target = length_target(rule.min_length or 0, rule.max_length, low_side=low, inside=inside)
    if target is None:
        return False, value
    return True, fit(str(value) or "x", target)


def _enum_problems(
    at: str,
    rule: FieldConstraint,
    pattern: re.Pattern[str] | None,
    template: FormatTemplate | None,
) -> Iterator[Problem]:
    template_pattern = re.compile(template.regex()) if template is not None else None
    for value in rule.enum_values:
        if pattern is not None and not pattern.fullmatch(value):
            yield Problem(at, f"{value!r} does not match the regex {rule.regex!r}")
        elif template_pattern is not None and not template_pattern.fullmatch(value):
            yield Problem(at, f"{value!r} does not fit the format {rule.format!r}")
        elif rule.min_length is not None and len(value) < rule.min_length:
            yield Problem(at, f"{value!r} is shorter than min_length {rule.min_length}")
        elif rule.max_length is not None and len(value) > rule.max_length:
            yield Problem(at, f"{value!r} is longer than max_length {rule.max_length}")
        else:
            continue
        return  # one problem per attribute is enough


def _named_string(making: FieldMaking, field: FieldAt) -> ValueMaker:
    """A realistic value for what the field's name says it holds."""
    spec = field.spec
    words = field_name_words(spec.name)
    word_set, joined = set(words), "".join(words)
    context = making.context
    pools = context.pools
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
        return _identifier(making, words, field)
    return lambda rng, _scope: " ".join(pick(rng, pools.words) for _ in range(draw_int(rng, 1, 3)))


def _identifier(making: FieldMaking, words: tuple[str, ...], field: FieldAt) -> ValueMaker:
    """`order_id` -> ORD-482913: a prefix from the name, digits unique at the top level."""
    prefix = (words[0] if len(words) > 1 else "id")[:3].upper()
    digits = max(6, len(str(making.context.count)))
    if not field.top_level:
        return lambda rng, _scope: f"{prefix}-{draw_int(rng, 0, 10**digits - 1):0{digits}d}"
    unique = DigitPermutation(digits, making.context.unique_key(field.path))
    return lambda _rng, scope: f"{prefix}-{unique(scope.index):0{digits}d}"


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
