"""The one request mapping: any gRPC request survives proto -> core -> Avro event -> core, and
the core, the proto and the Avro contract name the same fields (so a field added to one and not
the others fails here, not in production)."""

from __future__ import annotations

import dataclasses
import json
from typing import Any

from google.protobuf.json_format import MessageToDict
from hypothesis import given, settings
from hypothesis import strategies as st

from contracts._proto import test_data_pb2 as pb
from contracts.avro import SCHEMA_DIR, AvroCodec, Contract
from contracts.requests import (
    GROUPED,
    PROTO_WRAPPED,
    request_from_event,
    request_from_proto,
    request_to_event,
)
from generators.core.request import (
    FieldConstraint,
    FieldSpec,
    FieldType,
    GenerationRequest,
    OutputFormat,
    Scenario,
)

CODEC = AvroCodec()
TEXT = st.text(st.characters(codec="utf-8"), max_size=12)
NAMES = st.text("abcdefghijklmnopqrstuvwxyz_", min_size=1, max_size=8)
INT32 = st.integers(-(2**31), 2**31 - 1)
FINITE = st.floats(allow_nan=False, allow_infinity=False)


def optional(strategy: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    return st.none() | strategy


def message(cls: Any, **fields: Any) -> Any:
    """`cls(**fields)` leaving out the optional fields drawn as None (unset, not empty)."""
    return cls(**{name: value for name, value in fields.items() if value is not None})


def proto_fields(depth: int) -> st.SearchStrategy[Any]:
    nested = st.lists(proto_fields(depth - 1), max_size=2) if depth else st.just([])
    return st.builds(
        pb.Field,
        name=NAMES,
        type=st.sampled_from(list(pb.FieldType.values())),
        required=st.booleans(),
        description=TEXT,
        nested_fields=nested,
    )


CONSTRAINTS = st.builds(
    lambda **fields: message(pb.FieldConstraint, **fields),
    min=optional(FINITE),
    max=optional(FINITE),
    enum_values=st.lists(TEXT, max_size=3),
    regex=optional(TEXT),
    min_length=optional(INT32),
    max_length=optional(INT32),
    format=optional(TEXT),
    min_date=optional(TEXT),
    max_date=optional(TEXT),
)
SCENARIOS = st.builds(
    pb.Scenario,
    name=TEXT,
    count=INT32,
    overrides=st.dictionaries(NAMES, TEXT, max_size=2),
    description=TEXT,
)
REQUESTS = st.builds(
    lambda **fields: message(pb.GenerateRequest, **fields),
    request_id=TEXT,
    domain=TEXT,
    entity=TEXT,
    schema=optional(
        st.builds(
            pb.Schema,
            fields=st.lists(proto_fields(2), max_size=3),
            predefined_schema=TEXT,
        )
    ),
    constraints=optional(
        st.builds(pb.Constraints, field_constraints=st.dictionaries(NAMES, CONSTRAINTS, max_size=3))
    ),
    scenarios=st.lists(SCENARIOS, max_size=3),
    context=TEXT,
    hints=st.lists(TEXT, max_size=3),
    output_format=st.sampled_from(list(pb.OutputFormat.values())),
    count=INT32,
    use_cache=st.booleans(),
    learn_from_history=st.booleans(),
    defect_triggering=st.booleans(),
    production_like=st.booleans(),
    seed=optional(st.integers(-(2**63), 2**63 - 1)),
)


def expected_event(grpc_request: Any) -> dict[str, Any]:
    """The event a request should become, by protobuf's own JSON mapping (an oracle that shares
    nothing with `contracts.requests`): unset optional fields are null, int64 is a number, and
    the contract's two differences in shape are applied."""
    plain = MessageToDict(
        grpc_request, preserving_proto_field_name=True, always_print_fields_with_no_presence=True
    )

    def fill(data: dict[str, Any], message_type: Any) -> dict[str, Any]:
        for field in message_type.DESCRIPTOR.fields:
            if field.name not in data:
                data[field.name] = None
            elif field.message_type is not None and not field.message_type.GetOptions().map_entry:
                nested = getattr(pb, field.message_type.name)
                value = data[field.name]
                data[field.name] = (
                    [fill(item, nested) for item in value]
                    if isinstance(value, list)
                    else fill(value, nested)
                )
            elif field.message_type is not None:  # a map of messages
                nested = field.message_type.fields_by_name["value"].message_type
                if nested is not None:
                    kind = getattr(pb, nested.name)
                    data[field.name] = {k: fill(v, kind) for k, v in data[field.name].items()}
        return data

    event = fill(plain, pb.GenerateRequest)
    event["constraints"] = (event["constraints"] or {}).get("field_constraints", {})
    if event["schema"] is not None and not any(event["schema"].values()):
        event["schema"] = None  # an empty schema record is no schema
    event["seed"] = None if event["seed"] is None else int(event["seed"])
    return {**event, "request_id": "r-1", "reply_topic": "testdata.reply.x"}


@settings(max_examples=300, deadline=None)
@given(REQUESTS)
def test_a_grpc_request_survives_the_event_round_trip(grpc_request: Any) -> None:
    core = request_from_proto(grpc_request, request_id="r-1", reply_topic="testdata.reply.x")
    event = request_to_event(core)

    wire = CODEC.encode(Contract.GENERATE_REQUESTED, event)
    again = request_from_event(CODEC.decode(Contract.GENERATE_REQUESTED, wire))

    assert event == expected_event(grpc_request)
    assert again == core


def avro_named(kind: str) -> dict[str, dict[str, Any]]:
    """The named types of one kind ("record", "enum") in the request event's schema."""
    found: dict[str, dict[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if node.get("type") == kind:
                found[node["name"]] = node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(json.loads((SCHEMA_DIR / "generate_requested.avsc").read_text()))
    return found


def avro_record(record: str) -> set[str]:
    return {field["name"] for field in avro_named("record")[record]["fields"]}


def avro_enum(name: str) -> list[str]:
    symbols: list[str] = avro_named("enum")[name]["symbols"]
    return symbols


def proto_message(message_type: Any) -> set[str]:
    return set(message_type.DESCRIPTOR.fields_by_name)


def core_fields(cls: type) -> set[str]:
    return {field.name for field in dataclasses.fields(cls)}


def grouped(names: set[str]) -> set[str]:
    members = {member for group in GROUPED.values() for member in group}
    return (names - members) | set(GROUPED)


def test_the_core_the_event_and_the_proto_name_the_same_request_fields() -> None:
    request = grouped(core_fields(GenerationRequest))

    assert avro_record("GenerateRequested") == request
    assert proto_message(pb.GenerateRequest) == request - {"reply_topic"}
    assert avro_record("Schema") == proto_message(pb.Schema) == set(GROUPED["schema"])
    assert set(PROTO_WRAPPED) <= request


def test_the_core_the_event_and_the_proto_name_the_same_nested_fields() -> None:
    for core, record, proto in (
        (FieldSpec, "Field", pb.Field),
        (FieldConstraint, "FieldConstraint", pb.FieldConstraint),
        (Scenario, "Scenario", pb.Scenario),
    ):
        assert avro_record(record) == proto_message(proto) == core_fields(core), core


def test_the_core_the_event_and_the_proto_list_the_same_enum_symbols() -> None:
    for core, name, proto in (
        (FieldType, "FieldType", pb.FieldType),
        (OutputFormat, "OutputFormat", pb.OutputFormat),
    ):
        symbols = [member.value for member in core]
        assert symbols == avro_enum(name) == list(proto.keys()), name
