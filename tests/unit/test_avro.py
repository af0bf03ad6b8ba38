"""The Confluent-framed Avro codec, including reading across schema versions both ways."""

from __future__ import annotations

import copy
import io
import json
import struct
from pathlib import Path
from typing import Any

import fastavro
import pytest

from contracts.avro import SCHEMA_DIR, AvroCodec, Contract
from contracts.requests import request_from_event, request_to_event
from generators.core.errors import UndecodableEvent
from generators.core.request import (
    FieldConstraint,
    FieldSpec,
    FieldType,
    GenerationRequest,
    Scenario,
)

CODEC = AvroCodec()


def current_schema(contract: Contract) -> dict[str, Any]:
    schema: dict[str, Any] = json.loads((SCHEMA_DIR / f"{contract}.avsc").read_text())
    return schema


def framed(schema_id: int, schema: dict[str, Any], record: dict[str, Any]) -> bytes:
    out = io.BytesIO()
    out.write(struct.pack(">bI", 0, schema_id))
    fastavro.schemaless_writer(out, fastavro.parse_schema(schema, named_schemas={}), record)
    return out.getvalue()


def codec_with(
    folder: Path, current: tuple[int, dict[str, Any]], other: tuple[int, dict[str, Any]]
) -> AvroCodec:
    """A schema folder whose reader schema is `current` and which also knows writer `other`."""
    (folder / "history").mkdir(parents=True)
    (folder / "generate_requested.avsc").write_text(json.dumps(current[1]))
    (folder / "history" / "generate_requested.other.avsc").write_text(json.dumps(other[1]))
    (folder / "ids.json").write_text(
        json.dumps(
            {
                "schemas": [
                    {"id": current[0], "file": "generate_requested.avsc"},
                    {"id": other[0], "file": "history/generate_requested.other.avsc"},
                ]
            }
        )
    )
    return AvroCodec(folder)


def test_every_contract_is_confluent_framed_with_its_fixed_id() -> None:
    payload = CODEC.encode(
        Contract.GENERATE_REQUESTED,
        request_to_event(GenerationRequest(request_id="r", entity="user", count=1)),
    )

    assert payload[0] == 0
    assert struct.unpack(">I", payload[1:5])[0] == 1006
    ids = {e["file"]: e["id"] for e in json.loads((SCHEMA_DIR / "ids.json").read_text())["schemas"]}
    current = {f for f in ids if not f.startswith("history/")}
    assert {f.removesuffix(".avsc") for f in current} == {c.value for c in Contract}
    assert all((SCHEMA_DIR / f).is_file() for f in ids)
    assert len(set(ids.values())) == len(ids)


def test_requests_written_before_date_bounds_still_decode() -> None:
    """Id 1001 (history/generate_requested.v1.avsc) predates min_date/max_date: its bytes,
    constraints included, read with the bounds unset."""
    v1 = json.loads((SCHEMA_DIR / "history" / "generate_requested.v1.avsc").read_text())
    old = request_to_event(
        GenerationRequest(
            request_id="v1",
            count=2,
            fields=(FieldSpec("born", FieldType.DATE), FieldSpec("n", FieldType.INTEGER)),
            constraints={"n": FieldConstraint(min=1, max=9), "born": FieldConstraint(format="%Y")},
        )
    )
    for constraint in old["constraints"].values():
        del constraint["min_date"], constraint["max_date"]

    event = CODEC.decode(Contract.GENERATE_REQUESTED, framed(1001, v1, old))

    request = request_from_event(event)
    assert request.constraints["n"] == FieldConstraint(min=1, max=9)
    assert request.constraints["born"] == FieldConstraint(format="%Y")


def test_a_request_survives_the_round_trip_through_avro() -> None:
    request = GenerationRequest(
        request_id="r-1",
        entity="custom",
        reply_topic="testdata.reply.x.001",
        count=3,
        fields=(
            FieldSpec(
                "address", FieldType.OBJECT, nested_fields=(FieldSpec("zip", FieldType.STRING),)
            ),
        ),
        scenarios=(Scenario("happy_path", 3, {"address.zip": "10001"}, "normal"),),
        hints=("fast",),
    )

    event = CODEC.decode(
        Contract.GENERATE_REQUESTED,
        CODEC.encode(Contract.GENERATE_REQUESTED, request_to_event(request)),
    )

    assert request_from_event(event) == request


def test_old_bytes_are_read_with_the_new_schema_and_new_bytes_with_the_old(tmp_path: Path) -> None:
    newer = current_schema(Contract.GENERATE_REQUESTED)
    older = copy.deepcopy(newer)
    older["fields"] = [f for f in older["fields"] if f["name"] != "production_like"]
    old_record = request_to_event(GenerationRequest(request_id="old", count=4))
    del old_record["production_like"]
    new_record = request_to_event(
        GenerationRequest(request_id="new", count=5, production_like=True)
    )

    new_reader = codec_with(tmp_path / "new", (9002, newer), (9001, older))
    old_reader = codec_with(tmp_path / "old", (9001, older), (9002, newer))
    old_read_by_new = new_reader.decode(
        Contract.GENERATE_REQUESTED, framed(9001, older, old_record)
    )
    new_read_by_old = old_reader.decode(
        Contract.GENERATE_REQUESTED, framed(9002, newer, new_record)
    )

    assert old_read_by_new["request_id"] == "old"
    assert old_read_by_new["production_like"] is False
    assert new_read_by_old["request_id"] == "new"
    assert new_read_by_old["count"] == 5 and "production_like" not in new_read_by_old


@pytest.mark.parametrize(
    ("payload", "words"),
    [
        (None, "missing"),
        (b"\x00\x00", "too short"),
        (b"\x01\x00\x00\x03\xe9abc", "magic byte"),
        (b"\x00\x00\x00\x03\xea" + b"\x02", "not a known version"),
        (b"\x00\x00\x00\x03\xe9\xff\xff\xff", "does not decode"),
    ],
    ids=["none", "short", "magic", "wrong-contract-id", "garbage-body"],
)
def test_undecodable_payloads_raise_with_a_reason(payload: bytes | None, words: str) -> None:
    with pytest.raises(UndecodableEvent, match=words):
        CODEC.decode(Contract.GENERATE_REQUESTED, payload)
