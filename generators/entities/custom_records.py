"""Records for custom schemas: every field compiled once into a value maker, then called per record.

A field's rule decides first (regex, enum values, format, min/max, min_date/max_date,
min_length/max_length); where the rule leaves freedom, the field's name picks a realistic kind of
value (`first_name`, `city`, `description`, `order_id`, `age`, `price`...). How each type does
that is its kind's (`generators.kinds`). Within one object, name and email fields describe the
same person. Top-level EMAIL fields and `*_id` strings are unique within a request. Optional
(`required=False`) fields are null in about one record in ten.
"""

from __future__ import annotations

from random import Random
from typing import Any

from generators.core.request import FieldSpec
from generators.kinds.kind import FieldAt, Scope, ValueMaker
from generators.kinds.registry import kind_of
from generators.values.context import BuildContext, utc_datetime

OPTIONAL_NULL_SHARE = 0.1


class CustomRecordBuilder:
    """Compiles a custom schema's fields into value makers (the `FieldMaking` the kinds use)."""

    def __init__(self, context: BuildContext) -> None:
        self._context = context
        self._year = utc_datetime(context.reference_epoch).year
        self._fields = [
            (spec.name, self._field(FieldAt(spec, spec.name, context.schema.rule(spec.name), True)))
            for spec in context.schema.fields
        ]

    @property
    def context(self) -> BuildContext:
        return self._context

    @property
    def year(self) -> int:
        return self._year

    def build(self, rng: Random, index: int, scenario: str) -> dict[str, Any]:
        scope = Scope(index)
        return {name: make(rng, scope) for name, make in self._fields}

    def nested(self, spec: FieldSpec, path: str) -> ValueMaker:
        return self._field(FieldAt(spec, path, self._context.schema.rule(path)))

    def _field(self, field: FieldAt) -> ValueMaker:
        make = kind_of(field.spec.type).maker(self, field)
        if field.spec.required:
            return make
        return lambda rng, scope: None if rng.random() < OPTIONAL_NULL_SHARE else make(rng, scope)
