"""CSV (RFC 4180): the chunks concatenate into the answer; the first carries the header.

Comma-separated, CRLF after every row, the header row first. A cell is quoted when it holds
`"`, `,`, CR or LF (quotes doubled). A missing or null value is an empty unquoted cell and an
empty string is `""`, the distinction PostgreSQL's `COPY ... CSV` makes. Numbers are written
as Python writes them (`-5`, `0.1`, `1e-05`), booleans as `true`/`false`, objects without
nested fields and arrays as one cell of JSON. Text cells are neutralised against spreadsheet
formula injection, see `neutralise_csv_text`. (Python's csv reader refuses cells over
131,072 characters unless `csv.field_size_limit` is raised; the output has no such limit.)
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from generators.core.request import FieldSpec, OutputFormat, Scenario
from generators.core.schema import EntitySchema, children
from generators.kinds.registry import kind_of
from generators.output.format import RECORD_TAGS, ChunkFormatter, json_text

#: A text cell whose first non-blank character is one of these could run as a formula
#: (`=`, `+`, `-`, `@`, and the full-width forms some spreadsheets also accept).
_FORMULA_START = frozenset("=+-@\uff1d\uff0b\uff0d\uff20")
#: A text cell starting with one of these is neutralised too: tab and CR (OWASP's list) and the
#: apostrophe itself, so that removing one leading apostrophe always restores the value.
_NEUTRALISED_FIRST = frozenset("\t\r'")
_BLANKS = " \t\r\n"
_NEEDS_QUOTES = re.compile(r'[",\r\n]')


def neutralise_csv_text(text: str) -> str:
    """`text` with a leading apostrophe when a spreadsheet could run it as a formula.

    The rule (after OWASP's CSV injection advice): a text cell gets an apostrophe in front when
    it starts with tab, CR or an apostrophe, or when its first character other than space, tab,
    CR and LF is `=`, `+`, `-` or `@` (or their full-width forms U+FF1D, U+FF0B, U+FF0D,
    U+FF20). Spreadsheets show such a cell as text. Because cells already starting with an
    apostrophe get one too, the rule is reversible: dropping one leading apostrophe from a
    text cell that has one gives the value back exactly.

    Only text is neutralised. Numbers are written as numbers even when negative (`-5`,
    `-0.25`, `-1e-05`): such a cell is a numeric constant, which spreadsheets parse as a number
    and never evaluate, and it comes only from an int or float value, formatted by `repr`, so it
    can hold nothing but digits, `-`, `.`, `e` and `+` after the first character. Prefixing it
    would turn every negative number into text and break sums and sorting in the very
    spreadsheets the rule protects. A *string* that looks like a number (`"-5"`) is text and is
    neutralised.
    """
    if not text:
        return text
    if text[0] in _NEUTRALISED_FIRST or text.lstrip(_BLANKS)[:1] in _FORMULA_START:
        return "'" + text
    return text


def csv_columns(schema: EntitySchema) -> list[str]:
    """Tags, then fields: objects (and addresses) flattened to dotted leaves, arrays whole."""
    return [*RECORD_TAGS, *schema.tags, *_leaf_paths(schema.fields, "")]


def _leaf_paths(fields: tuple[FieldSpec, ...], prefix: str) -> list[str]:
    paths: list[str] = []
    for spec in fields:
        path = f"{prefix}{spec.name}"
        nested = children(spec)
        if kind_of(spec.type).flattens and nested:
            paths += _leaf_paths(nested, f"{path}.")
        else:
            paths.append(path)  # a scalar, an array, or an object of unknown shape: one cell
    return paths


def _lookup(record: Mapping[str, Any], path: tuple[str, ...]) -> Any:
    value: Any = record
    for key in path:
        if not isinstance(value, Mapping):
            return None
        value = value.get(key)
    return value


def _csv_field(text: str) -> str:
    """One RFC 4180 field: quoted when it holds a quote, comma, CR or LF, or is empty."""
    if not text:
        return '""'
    if _NEEDS_QUOTES.search(text):
        return '"' + text.replace('"', '""') + '"'
    return text


def _csv_cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        return repr(value) if math.isfinite(value) else ""
    text = value if isinstance(value, str) else json_text(value)
    return _csv_field(neutralise_csv_text(text))


class CsvChunkFormatter:
    """RFC 4180 CSV (CRLF line ends, quoting as needed); the first chunk carries the header.
    See the module docstring for nulls and `neutralise_csv_text` for formula injection."""

    def __init__(self, schema: EntitySchema) -> None:
        self.columns = csv_columns(schema)
        self._paths = [tuple(column.split(".")) for column in self.columns]
        self._header = ",".join(_csv_cell(column) for column in self.columns) + "\r\n"

    def format(self, records: Sequence[Mapping[str, Any]], first: bool) -> str:
        lines = [self._header] if first else []
        paths = self._paths
        for record in records:
            lines.append(",".join([_csv_cell(_lookup(record, path)) for path in paths]) + "\r\n")
        return "".join(lines)


class CsvFormat:
    output_format = OutputFormat.CSV

    def formatter(self, schema: EntitySchema, scenarios: Sequence[Scenario]) -> ChunkFormatter:
        return CsvChunkFormatter(schema)

    def merge(self, chunks: Iterable[str]) -> str:
        return "".join(chunks)


CSV = CsvFormat()
