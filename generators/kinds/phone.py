"""PHONE: a North American number in the fictional 555-0100..0199 range."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from generators.core.request import FieldConstraint, FieldType
from generators.kinds.kind import FieldAt, FieldKind, FieldMaking, NestedSchema, ValueMaker
from generators.values.people import make_phone


class PhoneKind(FieldKind):
    field_type = FieldType.PHONE

    def is_value(self, rule: FieldConstraint) -> Callable[[Any], bool]:
        return lambda v: isinstance(v, str)

    def json_schema(self, field: FieldAt, nested: NestedSchema) -> dict[str, Any]:
        return {"type": "string"}

    def maker(self, making: FieldMaking, field: FieldAt) -> ValueMaker:
        return lambda rng, _scope: make_phone(rng)


PHONE = PhoneKind()
