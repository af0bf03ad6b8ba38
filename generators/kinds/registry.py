"""Every field type's kind, by an exhaustive match: a `FieldType` without a case here fails
mypy (`assert_never`), so a new type cannot be forgotten.

Adding a type: its symbol in the contracts (`protos/test_data.proto`, `FieldType` in
`schemas-avro/generate_requested.avsc` under a new schema id, and `FieldType` in
`generators/core/request.py`), a module `generators/kinds/<type>.py` with its `FieldKind`, and
its case below; see `docs/architecture.md`.
"""

from __future__ import annotations

from typing import assert_never

from generators.core.request import FieldType
from generators.kinds.address import ADDRESS
from generators.kinds.array import ARRAY
from generators.kinds.boolean import BOOLEAN
from generators.kinds.date import DATE
from generators.kinds.datetime import DATETIME
from generators.kinds.email import EMAIL
from generators.kinds.enum import ENUM
from generators.kinds.float import FLOAT
from generators.kinds.integer import INTEGER
from generators.kinds.kind import FieldKind
from generators.kinds.object import OBJECT
from generators.kinds.phone import PHONE
from generators.kinds.string import STRING
from generators.kinds.uuid import UUID


def _kind(field_type: FieldType) -> FieldKind:
    match field_type:
        case FieldType.STRING:
            return STRING
        case FieldType.INTEGER:
            return INTEGER
        case FieldType.FLOAT:
            return FLOAT
        case FieldType.BOOLEAN:
            return BOOLEAN
        case FieldType.DATE:
            return DATE
        case FieldType.DATETIME:
            return DATETIME
        case FieldType.EMAIL:
            return EMAIL
        case FieldType.PHONE:
            return PHONE
        case FieldType.ADDRESS:
            return ADDRESS
        case FieldType.UUID:
            return UUID
        case FieldType.ENUM:
            return ENUM
        case FieldType.OBJECT:
            return OBJECT
        case FieldType.ARRAY:
            return ARRAY
        case _:
            assert_never(field_type)


_KINDS: dict[FieldType, FieldKind] = {field_type: _kind(field_type) for field_type in FieldType}


def kind_of(field_type: FieldType) -> FieldKind:
    return _KINDS[field_type]


def types_taking(attribute: str) -> list[FieldType]:
    """The field types for which constraint `attribute` means something."""
    return [t for t, kind in _KINDS.items() if attribute in kind.constraints]
