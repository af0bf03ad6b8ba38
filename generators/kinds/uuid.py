"""UUID: a version-4 UUID from the request's RNG (so the same request gives the same ids)."""

from __future__ import annotations

import uuid
from collections.abc import Callable
from typing import Any

from generators.core.request import FieldConstraint, FieldType
from generators.kinds.kind import FieldAt, FieldKind, FieldMaking, NestedSchema, ValueMaker


class UuidKind(FieldKind):
    field_type = FieldType.UUID

    def is_value(self, rule: FieldConstraint) -> Callable[[Any], bool]:
        return lambda v: isinstance(v, str) and _parses(v)

    def json_schema(self, field: FieldAt, nested: NestedSchema) -> dict[str, Any]:
        return {"type": "string", "format": "uuid"}

    def maker(self, making: FieldMaking, field: FieldAt) -> ValueMaker:
        return lambda rng, _scope: str(uuid.UUID(int=rng.getrandbits(128), version=4))


def _parses(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


UUID = UuidKind()
