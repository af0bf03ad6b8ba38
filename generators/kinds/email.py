"""EMAIL: an address at a reserved `example.*` domain, from the name of the object's person;
unique within the request for a top-level field."""

from __future__ import annotations

import re
from collections.abc import Callable
from random import Random
from typing import Any

from generators.core.request import FieldConstraint, FieldType
from generators.kinds.kind import FieldAt, FieldKind, FieldMaking, NestedSchema, Scope, ValueMaker
from generators.values.people import make_email
from generators.values.permutation import DigitPermutation
from generators.values.sampling import draw_int

_EMAIL = re.compile(r"[^@\s]+@[^@\s]+\.[^@\s]+")


class EmailKind(FieldKind):
    field_type = FieldType.EMAIL

    def is_value(self, rule: FieldConstraint) -> Callable[[Any], bool]:
        return lambda v: isinstance(v, str) and _EMAIL.fullmatch(v) is not None

    def json_schema(self, field: FieldAt, nested: NestedSchema) -> dict[str, Any]:
        return {"type": "string", "format": "email"}

    def maker(self, making: FieldMaking, field: FieldAt) -> ValueMaker:
        context = making.context
        digits = max(2, len(str(max(context.count - 1, 0))))
        unique = (
            DigitPermutation(digits, context.unique_key(field.path)) if field.top_level else None
        )

        def make(rng: Random, scope: Scope) -> str:
            first, last = scope.person(rng, context)
            number = unique(scope.index) if unique else draw_int(rng, 0, 10**digits - 1)
            return make_email(rng, first, last, f"{number:0{digits}d}")

        return make


EMAIL = EmailKind()
