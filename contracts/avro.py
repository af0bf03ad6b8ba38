"""Avro in the Confluent wire format: magic byte 0, a 4-byte big-endian schema id, the Avro body.

Schema ids come from `schemas-avro/ids.json` (fixed ids, so a team with only a Kafka client and
fastavro can produce and consume). Every id stays readable: a record written with an older
version of a contract is resolved to the current one by Avro's schema-resolution rules.
"""

from __future__ import annotations

import io
import json
import struct
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import fastavro

from generators.core.errors import UndecodableEvent

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "schemas-avro"
_MAGIC = 0
_HEADER = struct.Struct(">bI")


class Contract(StrEnum):
    """The Kafka contracts, named by their `.avsc` file stem."""

    GENERATE_REQUESTED = "generate_requested"
    DATA_CHUNK = "data_chunk"
    DEFECT_REPORTED = "defect_reported"
    FEEDBACK_SUBMITTED = "feedback_submitted"
    DEAD_LETTER = "dead_letter"
    GENERATION_CANCELLED = "generation_cancelled"


@dataclass(frozen=True, slots=True)
class _Version:
    schema_id: int
    contract: Contract
    parsed: Any


class AvroCodec:
    """Encodes and decodes every contract; built once per process from the schema folder."""

    def __init__(self, schema_dir: Path = SCHEMA_DIR) -> None:
        listing = json.loads((schema_dir / "ids.json").read_text())
        self._by_id: dict[int, _Version] = {}
        self._current: dict[Contract, _Version] = {}
        for entry in listing["schemas"]:
            path = schema_dir / entry["file"]
            contract = Contract(path.name.split(".")[0])
            parsed = fastavro.parse_schema(json.loads(path.read_text()), named_schemas={})
            version = _Version(int(entry["id"]), contract, parsed)
            self._by_id[version.schema_id] = version
            if path.parent == schema_dir:
                self._current[contract] = version

    def schema_id(self, contract: Contract) -> int:
        return self._current[contract].schema_id

    def encode(self, contract: Contract, record: Mapping[str, Any]) -> bytes:
        version = self._current[contract]
        buffer = io.BytesIO()
        buffer.write(_HEADER.pack(_MAGIC, version.schema_id))
        fastavro.schemaless_writer(buffer, version.parsed, record)
        return buffer.getvalue()

    def decode(self, contract: Contract, payload: bytes | None) -> dict[str, Any]:
        """Decode `payload` as `contract`, resolving older writer versions to the current one."""
        if payload is None or len(payload) < _HEADER.size:
            msg = f"{contract}: payload is {'missing' if payload is None else 'too short'}"
            raise UndecodableEvent(msg)
        magic, schema_id = _HEADER.unpack_from(payload)
        if magic != _MAGIC:
            msg = f"{contract}: magic byte is {magic}, not 0 (not Confluent-framed Avro)"
            raise UndecodableEvent(msg)
        writer = self._by_id.get(schema_id)
        if writer is None or writer.contract is not contract:
            msg = f"{contract}: schema id {schema_id} is not a known version of this contract"
            raise UndecodableEvent(msg)
        reader = self._current[contract]
        body = io.BytesIO(payload)
        body.seek(_HEADER.size)
        try:
            record = fastavro.schemaless_reader(
                body, writer.parsed, None if writer is reader else reader.parsed
            )
        except (EOFError, ValueError, TypeError, IndexError, KeyError, UnicodeDecodeError) as exc:
            msg = f"{contract}: Avro body does not decode with schema id {schema_id}: {exc}"
            raise UndecodableEvent(msg) from exc
        if body.tell() != len(payload):
            msg = f"{contract}: {len(payload) - body.tell()} trailing bytes after the Avro record"
            raise UndecodableEvent(msg)
        if not isinstance(record, dict):
            msg = f"{contract}: decoded to {type(record).__name__}, not a record"
            raise UndecodableEvent(msg)
        return record
