"""Chunk formatting for the three output formats.

A reply streams as chunks of text. For CSV and SQL the chunks simply concatenate into the whole
answer (the first chunk carries the CSV header or the CREATE TABLE). For JSON each chunk is a
complete JSON array, as the proto's DataChunk promises, and `merge_json_chunks` joins them.

Layout comes from the schema, not from the records, so every chunk has the same columns:
`_index`, `_scenario`, the schema's tags, then the fields. CSV flattens objects into dotted
columns (`address.city`) and puts arrays in one cell as JSON; SQL keeps one column per top-level
field and stores objects and arrays as JSON text. Keys a record has beyond the schema are not
written to CSV or SQL.
"""

from __future__ import annotations

import csv
import io
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any, Protocol

import orjson

from generators.request import FieldSpec, FieldType, OutputFormat
from generators.schemas import EntitySchema, children

RECORD_TAGS: tuple[str, ...] = ("_index", "_scenario")

_SQL_TYPES: dict[FieldType, str] = {
    FieldType.INTEGER: "BIGINT",
    FieldType.FLOAT: "DOUBLE PRECISION",
    FieldType.BOOLEAN: "BOOLEAN",
    FieldType.DATE: "DATE",
    FieldType.DATETIME: "TIMESTAMP WITH TIME ZONE",
}
_TAG_SQL_TYPES = {"_index": "BIGINT"}
#: A cell starting with one of these could run as a formula in a spreadsheet (CSV injection).
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
_NOT_IDENTIFIER = re.compile(r"[^A-Za-z0-9_]+")


class ChunkFormatter(Protocol):
    def format(self, records: Sequence[Mapping[str, Any]], first: bool) -> str:
        """One chunk of text; `first` marks the chunk that starts the answer."""
        ...


def make_formatter(output_format: OutputFormat, schema: EntitySchema) -> ChunkFormatter:
    if output_format == OutputFormat.CSV:
        return CsvChunkFormatter(schema)
    if output_format == OutputFormat.SQL:
        return SqlChunkFormatter(schema)
    return JsonChunkFormatter()


def _json_text(value: Any) -> str:
    return orjson.dumps(value).decode()


# --- JSON ------------------------------------------------------------------------------------


class JsonChunkFormatter:
    def format(self, records: Sequence[Mapping[str, Any]], first: bool) -> str:
        return orjson.dumps(list(records)).decode()


def merge_json_chunks(chunks: Iterable[str]) -> str:
    """JSON-array chunks joined into one array, by text: strip brackets, join with commas."""
    bodies = []
    for chunk in chunks:
        text = chunk.strip()
        if not (text.startswith("[") and text.endswith("]")):
            msg = f"not a JSON array chunk: {text[:40]!r}"
            raise ValueError(msg)
        body = text[1:-1].strip()
        if body:
            bodies.append(body)
    return f"[{','.join(bodies)}]"


# --- CSV -------------------------------------------------------------------------------------


def csv_columns(schema: EntitySchema) -> list[str]:
    """Tags, then fields: objects (and addresses) flattened to dotted leaves, arrays whole."""
    return [*RECORD_TAGS, *schema.tags, *_leaf_paths(schema.fields, "")]


def _leaf_paths(fields: tuple[FieldSpec, ...], prefix: str) -> list[str]:
    paths: list[str] = []
    for spec in fields:
        path = f"{prefix}{spec.name}"
        if spec.type in (FieldType.OBJECT, FieldType.ADDRESS):
            paths += _leaf_paths(children(spec), f"{path}.")
        else:
            paths.append(path)
    return paths


def _lookup(record: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = record
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int | float):
        return repr(value)
    text = value if isinstance(value, str) else _json_text(value)
    return f"'{text}" if text.startswith(_FORMULA_START) else text


class CsvChunkFormatter:
    """RFC 4180 CSV (CRLF line ends, quoting as needed); the first chunk carries the header.

    Text cells that a spreadsheet would run as a formula get a leading apostrophe; numbers
    (negative ones included) are written as numbers.
    """

    def __init__(self, schema: EntitySchema) -> None:
        self.columns = csv_columns(schema)
        self._paths = [tuple(column.split(".")) for column in self.columns]

    def format(self, records: Sequence[Mapping[str, Any]], first: bool) -> str:
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\r\n")
        if first:
            writer.writerow(self.columns)
        for record in records:
            writer.writerow([_csv_cell(_lookup(record, path)) for path in self._paths])
        return buffer.getvalue()


# --- SQL -------------------------------------------------------------------------------------


def sql_identifier(name: str) -> str:
    """`name` as a double-quoted identifier: runs of other than letters, digits and _ become _."""
    cleaned = _NOT_IDENTIFIER.sub("_", name) or "data"
    if cleaned[0].isdigit():
        cleaned = f"t_{cleaned}"
    return f'"{cleaned}"'


def sql_literal(value: Any) -> str:
    """A standard SQL literal: strings in single quotes with quotes doubled (no backslash
    escapes), NULL, TRUE/FALSE, plain numbers, objects and arrays as JSON text."""
    if value is None:
        return "NULL"
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else "NULL"
    text = value if isinstance(value, str) else _json_text(value)
    return "'" + text.replace("'", "''") + "'"


class SqlChunkFormatter:
    """CREATE TABLE in the first chunk, then one INSERT per record."""

    def __init__(self, schema: EntitySchema) -> None:
        self.table = sql_identifier(schema.name)
        tags = [*RECORD_TAGS, *schema.tags]
        self._keys = [*tags, *(spec.name for spec in schema.fields)]
        types = [_TAG_SQL_TYPES.get(tag, "TEXT") for tag in tags]
        types += [_SQL_TYPES.get(spec.type, "TEXT") for spec in schema.fields]
        columns = [sql_identifier(key) for key in self._keys]
        definitions = ",\n".join(f"  {c} {t}" for c, t in zip(columns, types, strict=True))
        self._create = f"CREATE TABLE {self.table} (\n{definitions}\n);\n"
        self._insert = f"INSERT INTO {self.table} ({', '.join(columns)}) VALUES "

    def format(self, records: Sequence[Mapping[str, Any]], first: bool) -> str:
        lines = [self._create] if first else []
        for record in records:
            values = ", ".join(sql_literal(record.get(key)) for key in self._keys)
            lines.append(f"{self._insert}({values});\n")
        return "".join(lines)
