"""One request mapping between the wire and the core: proto -> event shape -> core, and back to
the event.

Nothing here lists a request's fields. The core's dataclasses (`GenerationRequest`, `FieldSpec`,
`FieldConstraint`, `Scenario`) say what a request holds; the Avro event and the proto name their
fields the same way, so conversion walks the core's field types (`typing.get_type_hints`) and
the proto's descriptors. Only the shapes differ, and they are the rules below: the event and
the proto group `fields` and `predefined_schema` under `schema` (null when both are empty), and
the proto wraps the constraints map in `Constraints.field_constraints`. A field added to the
core and to both contracts is carried without touching this module, and
`tests/unit/test_request_mapping.py` fails when one of the three lacks a field the others have.
"""

from __future__ import annotations

import dataclasses
import functools
import types
import typing
from collections.abc import Mapping
from enum import Enum
from typing import Any

from google.protobuf.descriptor import FieldDescriptor
from google.protobuf.message import Message

from generators.core.request import GenerationRequest

#: Core fields that the event and the proto group into one record, by that record's name.
GROUPED: Mapping[str, tuple[str, ...]] = {"schema": ("fields", "predefined_schema")}
#: Fields the proto wraps in a message of their own: the wrapped field inside it.
PROTO_WRAPPED: Mapping[str, str] = {"constraints": "field_constraints"}


def request_from_event(event: Mapping[str, Any]) -> GenerationRequest:
    """The core request of a decoded `GenerateRequested` event."""
    plain = dict(event)
    for group, members in GROUPED.items():
        grouped = plain.pop(group, None) or {}
        for member in members:
            plain[member] = grouped.get(member, _default(GenerationRequest, member))
    return typing.cast(GenerationRequest, _typed(GenerationRequest, plain))


def request_to_event(request: GenerationRequest) -> dict[str, Any]:
    """The `GenerateRequested` event for `request` (the inverse of `request_from_event`)."""
    plain: dict[str, Any] = _plain(request)
    for group, members in GROUPED.items():
        grouped = {member: plain.pop(member) for member in members}
        plain[group] = grouped if any(grouped.values()) else None
    return plain


def request_from_proto(message: Message, *, request_id: str, reply_topic: str) -> GenerationRequest:
    """The core request of a `GenerateRequest` message, answered on `reply_topic`."""
    event = _message_plain(message)
    for field, inner in PROTO_WRAPPED.items():
        event[field] = (event.get(field) or {}).get(inner, {})
    event.update(request_id=request_id, reply_topic=reply_topic)
    return request_from_event(event)


# --- the core's side: dataclasses by their field types ----------------------------------------


def _plain(value: Any) -> Any:
    """Core values as event data: dataclasses as dicts, enums by symbol, tuples as lists."""
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        return {f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, tuple | list):
        return [_plain(item) for item in value]
    if isinstance(value, Mapping):
        return {key: _plain(item) for key, item in value.items()}
    return value


def _typed(hint: Any, data: Any) -> Any:
    """Event data as a value of the type `hint` (a core dataclass, enum, tuple, mapping...)."""
    if data is None:
        return None
    origin = typing.get_origin(hint)
    if origin in (types.UnionType, typing.Union):
        (inner,) = [arg for arg in typing.get_args(hint) if arg is not type(None)]
        return _typed(inner, data)
    if origin is tuple:
        return tuple(_typed(typing.get_args(hint)[0], item) for item in data)
    if origin is Mapping or origin is dict:
        value_hint = typing.get_args(hint)[1]
        return {key: _typed(value_hint, item) for key, item in data.items()}
    if isinstance(hint, type) and dataclasses.is_dataclass(hint):
        hints = _hints(hint)
        return hint(
            **{
                f.name: _typed(hints[f.name], data[f.name])
                for f in dataclasses.fields(hint)
                if f.name in data
            }
        )
    if isinstance(hint, type) and issubclass(hint, Enum):
        return hint(data)
    return data


@functools.cache
def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def _default(cls: type, name: str) -> Any:
    field = next(f for f in dataclasses.fields(cls) if f.name == name)
    if field.default_factory is not dataclasses.MISSING:
        return field.default_factory()
    return field.default


# --- the proto's side: messages by their descriptors ------------------------------------------


#: A protobuf `FieldDescriptor` (its stubs union the C and Python implementations, whose
#: attributes differ in type only).
_Field = Any


def _message_plain(message: Message) -> dict[str, Any]:
    """A message as event-shaped data: enums by name, unset optional fields as None."""
    plain: dict[str, Any] = {}
    field: _Field
    for field in message.DESCRIPTOR.fields:
        value = getattr(message, field.name)
        if _is_map(field):
            value_field = field.message_type.fields_by_name["value"]
            plain[field.name] = {key: _scalar(value_field, item) for key, item in value.items()}
        elif field.is_repeated:
            plain[field.name] = [_scalar(field, item) for item in value]
        elif field.has_presence and not message.HasField(field.name):
            plain[field.name] = None
        else:
            plain[field.name] = _scalar(field, value)
    return plain


def _scalar(field: _Field, value: Any) -> Any:
    if field.type == FieldDescriptor.TYPE_MESSAGE:
        return _message_plain(value)
    if field.type == FieldDescriptor.TYPE_ENUM:
        return field.enum_type.values_by_number[value].name
    return value


def _is_map(field: _Field) -> bool:
    is_message = field.type == FieldDescriptor.TYPE_MESSAGE
    return is_message and bool(field.message_type.GetOptions().map_entry)
