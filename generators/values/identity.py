"""Fresh ids for records that were not freshly generated (served from a data pool, adapted from a
retrieved pattern), so that they repeat neither each other nor the records they came from.

Record i of a request gets ids that depend only on (seed, i, field path), made the way generation
makes unique ids: a keyed bijection of the index (`DigitPermutation`), never random draws, so no
two indexes of a request share an id (up to 10**N records for N digits). The keys are the ones
generation uses (`BuildContext.unique_key`): the ids generation makes unique (`cart_id`) come
from the same bijection, so a request's served and generated records never share one, and a
generated record refreshed with its own seed and index keeps it.

Identifiers (`identifier_paths`) are top-level fields and fields of nested objects, not of array
elements (a cart item's SKU names a product, which other carts share), and never a field whose
rule has enum values or a regex:
- STRING fields whose rule's format template has a random run (`CRT-{year}-{random:7}`): the
  first run becomes the record's unique number; `{year}` keeps the year the old value carries
  (else `DEFAULT_REFERENCE_TIME`'s, the year custom records fill templates with);
- UUID fields: a version-4 UUID whose low 60 bits are the unique number;
- STRING fields named `id` or `*_id` without a format rule: the old value's shape is kept
  (`AC-0042` -> `AC-7391`), its digits replaced by a unique number of as many digits (more when
  the index needs them); a value without digits gets `-<6 digits>` appended.

The entity's own key (`cart_id`) is unique like that, and so is every other identifier
(`customer_id`), so that records adapted from one pattern do not all point at one customer.
Null or missing values stay as they are: optional fields keep their share of nulls.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable, Iterator
from random import Random
from typing import Any

from generators.core.record import Record
from generators.core.request import FieldSpec, FieldType
from generators.core.schema import EntitySchema, field_name_words
from generators.core.seeding import stable_seed
from generators.values.context import DEFAULT_REFERENCE_TIME
from generators.values.permutation import DigitPermutation
from generators.values.templates import FormatTemplate

#: Makes a field's new value from (its old value, the record's index).
IdMaker = Callable[[Any, int], str]

#: Digits appended to an id that has none.
_APPENDED_DIGITS = 6
#: Digits of the unique number in a UUID: 10**18 < 2**60, clear of the version and variant bits.
_UUID_DIGITS = 18
_DIGIT = re.compile("[0-9]")


def identifier_paths(schema: EntitySchema) -> tuple[str, ...]:
    """The dotted paths of the fields `IdentityRefresher` gives new values, in schema order."""
    return tuple(path for path, _spec, _template in _identifiers(schema))


class IdentityRefresher:
    """Gives records of one request (`seed`) the `_index` and ids of their new position."""

    def __init__(self, schema: EntitySchema, seed: int) -> None:
        self._fields: list[tuple[tuple[str, ...], str, IdMaker]] = []
        for path, spec, template in _identifiers(schema):
            # `BuildContext.unique_key(path)`, so that ids match those generation makes
            key = stable_seed(str(seed), f"unique:{path}")
            make: IdMaker
            if template is not None:
                make = _TemplateIds(template, key)
            elif spec.type is FieldType.UUID:
                make = _UuidIds(key)
            else:
                make = _ShapedIds(key)
            *parents, leaf = path.split(".")
            self._fields.append((tuple(parents), leaf, make))

    def refresh(self, record: Record, index: int) -> None:
        """Sets `record["_index"]` and every identifier of `record` (in place) for `index`."""
        record["_index"] = index
        for parents, leaf, make in self._fields:
            holder: Any = record
            for name in parents:
                holder = holder.get(name)
                if not isinstance(holder, dict):
                    break
            else:
                old = holder.get(leaf)
                if old is not None:
                    holder[leaf] = make(old, index)


def _identifiers(
    schema: EntitySchema,
) -> Iterator[tuple[str, FieldSpec, FormatTemplate | None]]:
    """Each identifier's path, spec and id template (None for UUIDs and shaped ids)."""
    for path, spec in _object_fields(schema.fields):
        rule = schema.rule(path)
        if rule.enum_values or rule.regex:
            continue
        if spec.type is FieldType.UUID:
            yield path, spec, None
        elif spec.type is FieldType.STRING and rule.format:
            template = _id_template(rule.format)
            if template is not None:
                yield path, spec, template
        elif spec.type is FieldType.STRING and field_name_words(spec.name)[-1:] == ("id",):
            yield path, spec, None


def _object_fields(
    fields: tuple[FieldSpec, ...], prefix: str = ""
) -> Iterator[tuple[str, FieldSpec]]:
    """Fields with their dotted paths, descending into OBJECT fields only."""
    for spec in fields:
        path = f"{prefix}{spec.name}"
        yield path, spec
        if spec.type is FieldType.OBJECT:
            yield from _object_fields(spec.nested_fields, f"{path}.")


def _id_template(text: str) -> FormatTemplate | None:
    """The format's template when it has a random run to carry a unique number."""
    try:
        template = FormatTemplate.parse(text)
    except ValueError:
        return None
    return template if template.unique_digits else None


class _TemplateIds:
    def __init__(self, template: FormatTemplate, key: int) -> None:
        self._template = template
        self._key = key
        self._numbers = DigitPermutation(template.unique_digits, key)
        self._year = _year_pattern(template)

    def __call__(self, old: Any, index: int) -> str:
        year = DEFAULT_REFERENCE_TIME.year
        found = self._year.fullmatch(old) if self._year and isinstance(old, str) else None
        if found:
            year = int(found.group(1))
        number = self._numbers(index)
        if self._template.single_run_modulus is not None:
            return self._template.fill(year, number)
        # the runs after the first are drawn, from an rng that (seed, index, path) alone decide
        return self._template.render(Random(self._key ^ index), year, number)


def _year_pattern(template: FormatTemplate) -> re.Pattern[str] | None:
    """Matches the template's values, capturing the first `{year}`; None without a year."""
    pieces: list[str] = []
    has_year = False
    for part in template.parts:
        if isinstance(part, int):
            pieces.append(rf"\d{{{part}}}")
        elif isinstance(part, str):
            pieces.append(re.escape(part))
        else:
            pieces.append(r"\d{4}" if has_year else r"(\d{4})")
            has_year = True
    return re.compile("".join(pieces)) if has_year else None


class _UuidIds:
    def __init__(self, key: int) -> None:
        self._key = str(key)
        self._numbers = DigitPermutation(_UUID_DIGITS, key)

    def __call__(self, _old: Any, index: int) -> str:
        high = stable_seed(self._key, str(index)) >> 192  # 64 bits that look random
        return str(uuid.UUID(int=high << 64 | self._numbers(index), version=4))


class _ShapedIds:
    def __init__(self, key: int) -> None:
        self._key = key
        self._permutations: dict[int, DigitPermutation] = {}

    def _digits(self, index: int, width: int) -> str:
        """`index`'s unique number in `width` digits, or as many as `index` has if more (longer
        values cannot equal shorter ones, so ids stay unique past 10**width records)."""
        width = max(width, len(str(index)))
        permutation = self._permutations.get(width)
        if permutation is None:
            permutation = self._permutations[width] = DigitPermutation(width, self._key)
        return f"{permutation(index):0{width}d}"

    def __call__(self, old: Any, index: int) -> str:
        text = str(old)
        first = _DIGIT.search(text)
        if first is None:
            return f"{text}-{self._digits(index, _APPENDED_DIGITS)}"
        width = len(_DIGIT.findall(text))
        digits = self._digits(index, width)
        extra = len(digits) - width
        replacements = iter(digits[extra:])
        shaped = _DIGIT.sub(lambda _digit: next(replacements), text)
        return shaped[: first.start()] + digits[:extra] + shaped[first.start() :]
