"""`EntitySchema`: the fields of one entity plus the rules (per dotted field) that shape values.

Rules reuse the request's `FieldConstraint`, so a predefined rule (say `items.quantity` in 1..99)
and a caller's constraint on the same field merge attribute by attribute: whatever the caller
sets wins, whatever it leaves unset keeps the predefined value.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field

from generators.core.request import FieldConstraint, FieldSpec, FieldType

#: The parts of an ADDRESS value, which is always an object with exactly these keys.
ADDRESS_PARTS: tuple[FieldSpec, ...] = (
    FieldSpec("street", FieldType.STRING),
    FieldSpec("city", FieldType.STRING),
    FieldSpec("state", FieldType.STRING),
    FieldSpec("postal_code", FieldType.STRING),
    FieldSpec("country", FieldType.STRING),
)


#: Words that mark a STRING field as free text (what an LLM writes better than Faker).
TEXT_FIELD_WORDS = frozenset(
    {"description", "comment", "comments", "body", "notes", "note", "message", "summary", "bio",
     "review", "feedback", "text", "content", "details", "title", "subject", "headline"}
)  # fmt: skip
#: Rule attributes that shape a string's whole value; the caller's replace the schema's.
_SHAPES = ("regex", "enum_values", "format")
_WORD_BOUNDARY = re.compile(r"[^A-Za-z0-9]+|(?<=[a-z0-9])(?=[A-Z])")


def field_name_words(name: str) -> tuple[str, ...]:
    """`customerEmail`, `customer_email` and `Customer-Email` all give ("customer", "email")."""
    return tuple(word.lower() for word in _WORD_BOUNDARY.split(name) if word)


def is_free_text(spec: FieldSpec) -> bool:
    """A STRING field whose name ends in a text word: `body`, `product_description`, `title`
    (but not `review_id`)."""
    words = field_name_words(spec.name)
    return spec.type is FieldType.STRING and bool(words) and words[-1] in TEXT_FIELD_WORDS


def children(spec: FieldSpec) -> tuple[FieldSpec, ...]:
    """The fields inside a value of `spec`: nested fields for OBJECT/ARRAY, parts for ADDRESS."""
    if spec.type is FieldType.ADDRESS:
        return ADDRESS_PARTS
    return spec.nested_fields


def iter_field_paths(
    fields: tuple[FieldSpec, ...], prefix: str = ""
) -> Iterator[tuple[str, FieldSpec]]:
    """Every field with its dotted path, parents before their children (arrays included)."""
    for spec in fields:
        path = f"{prefix}{spec.name}"
        yield path, spec
        yield from iter_field_paths(children(spec), f"{path}.")


def find_field(fields: tuple[FieldSpec, ...], path: str) -> FieldSpec | None:
    """The field a dotted path names (`items.price` reaches into array elements), or None."""
    head, _, rest = path.partition(".")
    for spec in fields:
        if spec.name == head:
            return find_field(children(spec), rest) if rest else spec
    return None


def merge_constraint(base: FieldConstraint, override: FieldConstraint) -> FieldConstraint:
    """`base` with every attribute that `override` sets (not None, not empty) replaced."""
    changes = {
        f.name: getattr(override, f.name)
        for f in dataclasses.fields(override)
        if getattr(override, f.name) not in (None, ())
    }
    return dataclasses.replace(base, **changes)


def _array_lengths(constraint: FieldConstraint) -> FieldConstraint:
    """On an ARRAY field, min/max bound how many elements it has, as min_length/max_length do
    (the length attributes win when both are given; validation rejects non-whole bounds)."""

    def whole(bound: float | None) -> int | None:
        return int(bound) if bound is not None and float(bound).is_integer() else None

    return dataclasses.replace(
        constraint,
        min_length=constraint.min_length
        if constraint.min_length is not None
        else whole(constraint.min),
        max_length=constraint.max_length
        if constraint.max_length is not None
        else whole(constraint.max),
    )


@dataclass(frozen=True, slots=True)
class EntitySchema:
    """One entity: what GetSchemas lists, what generators fill and formatters lay out.

    `tags` are the `_`-prefixed keys records carry besides `_index` and `_scenario` (known up
    front so CSV and SQL can give them columns). `predefined` marks the five built-in entities,
    whose records come from hand-written coherent builders rather than field-by-field rules.
    """

    name: str
    domain: str
    description: str
    fields: tuple[FieldSpec, ...]
    rules: Mapping[str, FieldConstraint] = field(default_factory=dict)
    tags: tuple[str, ...] = ()
    coherence_rules: tuple[str, ...] = ()
    predefined: bool = False

    def field_at(self, path: str) -> FieldSpec | None:
        return find_field(self.fields, path)

    def rule(self, path: str) -> FieldConstraint:
        """The rule for a dotted field; an empty constraint when there is none."""
        return self.rules.get(path) or FieldConstraint()

    def with_tag(self, tag: str | None) -> EntitySchema:
        """This schema with one more `_` tag its records carry (unchanged for None or a tag
        it has already)."""
        if tag is None or tag in self.tags:
            return self
        return dataclasses.replace(self, tags=(*self.tags, tag))

    def with_constraints(self, constraints: Mapping[str, FieldConstraint]) -> EntitySchema:
        """This schema with a request's constraints merged over its own rules."""
        if not constraints:
            return self
        merged = dict(self.rules)
        for path, given in constraints.items():
            spec = self.field_at(path)
            constraint = _array_lengths(given) if spec and spec.type is FieldType.ARRAY else given
            base = merged.get(path, FieldConstraint())
            if any(getattr(constraint, shape) not in (None, ()) for shape in _SHAPES):
                # the caller's regex, enum values or format replaces the schema's own shape
                base = dataclasses.replace(base, regex=None, enum_values=(), format=None)
            merged[path] = merge_constraint(base, constraint)
        return dataclasses.replace(self, rules=merged)
