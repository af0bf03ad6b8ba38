"""Chunk formatting for the three output formats.

A reply streams as chunks of text. For CSV and SQL the chunks simply concatenate into the whole
answer (the first chunk carries the CSV header or the CREATE TABLE), and every record's text
depends on that record alone, so the whole answer is byte-identical however the records are cut
into chunks. For JSON each chunk is a complete JSON array, as the proto's DataChunk promises, and
`merge_json_chunks` joins them.

Layout comes from the schema, not from the records, so every chunk has the same columns:
`_index`, `_scenario`, the schema's tags, then the fields. CSV flattens objects into dotted
columns (`address.city`) and puts arrays in one cell as JSON; SQL keeps one column per top-level
field and stores objects and arrays as JSON text. Keys a record has beyond the schema are not
written to CSV or SQL.

CSV (RFC 4180)
    Comma-separated, CRLF after every row, the header row first. A cell is quoted when it holds
    `"`, `,`, CR or LF (quotes doubled). A missing or null value is an empty unquoted cell and an
    empty string is `""`, the distinction PostgreSQL's `COPY ... CSV` makes. Numbers are written
    as Python writes them (`-5`, `0.1`, `1e-05`), booleans as `true`/`false`, objects without
    nested fields and arrays as one cell of JSON. Text cells are neutralised against spreadsheet
    formula injection, see `neutralise_csv_text`. (Python's csv reader refuses cells over
    131,072 characters unless `csv.field_size_limit` is raised; the output has no such limit.)

SQL
    `CREATE TABLE` then one `INSERT` per record, runnable as one script by SQLite and by
    PostgreSQL. Column types (the names both accept; SQLite gives them its affinities):

    ==========================  ==========================================================
    field type                  column
    ==========================  ==========================================================
    `_index`                    BIGINT
    `_scenario`, other tags     TEXT
    INTEGER                     BIGINT
    FLOAT                       DOUBLE PRECISION (NaN and infinities are written NULL)
    BOOLEAN                     BOOLEAN (TRUE/FALSE; SQLite stores 1/0)
    DATE                        DATE, holding `YYYY-MM-DD` (TEXT when the field has a
                                strftime `format`, or a scenario passed to the formatter
                                overrides it with a value that is not such a date)
    DATETIME                    TIMESTAMP WITH TIME ZONE, holding ISO 8601 with an offset
                                (TEXT under the same conditions as DATE). PostgreSQL keeps
                                the instant, not the offset it was written with.
    STRING, EMAIL, PHONE,       TEXT
    UUID, ENUM
    OBJECT, ADDRESS, ARRAY      TEXT holding the value as JSON
    ==========================  ==========================================================

    A missing or null value is NULL. Floats are written so that both databases read back the
    very same double (`sql_float`; an SQLite that parses through x87 `long double`, like the
    3.40 tested here, may still misread magnitudes below about 1e-290). Strings are standard SQL
    literals: single quotes, quotes doubled, nothing else escaped (backslashes, `--`, `/* */`,
    `;` and newlines are inert inside a literal; this relies on PostgreSQL's default
    `standard_conforming_strings = on`). The script is UTF-8 and expects a UTF-8 database.
    Identifiers are double-quoted after every run of characters other than ASCII letters, digits
    and `_` becomes `_`, cut to PostgreSQL's 63 characters; names that then collide (SQLite
    compares them case-insensitively) get `_2`, `_3`... A value the column cannot hold (text in
    a BIGINT column, a NUL character, which PostgreSQL text cannot store) raises `SqlValueError`
    naming the field rather than writing SQL that would fail to load.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

import orjson

from generators.core.errors import SqlValueError
from generators.core.request import FieldSpec, OutputFormat, Scenario
from generators.core.schema import EntitySchema, children
from generators.kinds.kind import SqlType
from generators.kinds.registry import kind_of
from generators.values.timeline import is_iso_date, is_iso_datetime

RECORD_TAGS: tuple[str, ...] = ("_index", "_scenario")


class ChunkFormatter(Protocol):
    def format(self, records: Sequence[Mapping[str, Any]], first: bool) -> str:
        """One chunk of text; `first` marks the chunk that starts the answer."""
        ...


def make_formatter(
    output_format: OutputFormat, schema: EntitySchema, *, scenarios: Sequence[Scenario] = ()
) -> ChunkFormatter:
    """The formatter for one answer. `scenarios` (the request's) let SQL pick TEXT columns for
    DATE/DATETIME fields that a scenario overrides with a value a typed column cannot hold."""
    if output_format == OutputFormat.CSV:
        return CsvChunkFormatter(schema)
    if output_format == OutputFormat.SQL:
        return SqlChunkFormatter(schema, scenarios=scenarios)
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
    apostrophe get one too, the rule is reversible: `restore_csv_text` (drop one leading
    apostrophe) gives the value back exactly.

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


def restore_csv_text(cell: str) -> str:
    """The inverse of `neutralise_csv_text` for a text cell: one leading apostrophe removed."""
    return cell[1:] if cell.startswith("'") else cell


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
    text = value if isinstance(value, str) else _json_text(value)
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


# --- SQL -------------------------------------------------------------------------------------

#: PostgreSQL cuts longer identifiers (NAMEDATALEN - 1 bytes; ours are ASCII).
MAX_IDENTIFIER_LENGTH = 63
_NOT_IDENTIFIER = re.compile(r"[^A-Za-z0-9_]+")
_INT64 = (-(2**63), 2**63 - 1)


def _clean_identifier(name: str) -> str:
    cleaned = _NOT_IDENTIFIER.sub("_", name) or "data"
    if cleaned[0].isdigit():
        cleaned = f"t_{cleaned}"
    return cleaned[:MAX_IDENTIFIER_LENGTH]


def sql_identifier(name: str) -> str:
    """`name` as a double-quoted identifier: runs of other than ASCII letters, digits and _
    become _, a leading digit gets `t_` in front, and the result is cut to 63 characters."""
    return f'"{_clean_identifier(name)}"'


def unique_sql_identifiers(names: Iterable[str]) -> list[str]:
    """`sql_identifier` of each name, made unique ignoring case (as SQLite compares them) by
    suffixes `_2`, `_3`... in order of appearance."""
    taken: set[str] = set()
    result = []
    for name in names:
        base = candidate = _clean_identifier(name)
        n = 1
        while candidate.lower() in taken:
            n += 1
            suffix = f"_{n}"
            candidate = base[: MAX_IDENTIFIER_LENGTH - len(suffix)] + suffix
        taken.add(candidate.lower())
        result.append(f'"{candidate}"')
    return result


_LONG_DOUBLE_BITS = 64  # x87 extended precision, the `long double` of SQLite on x86-64
_SQLITE_EXACT_POWERS = 22  # SQLite scales by 10**e in one exact step up to e = 22


def _sqlite_reads_back(text: str) -> bool:
    """Whether SQLite reads the decimal `text` (Python's shortest `repr` of a finite float)
    back as exactly that float.

    SQLite (3.40 here, on x86-64) turns `<digits>e<exp>` into `digits / 10**exp` (or
    `* 10**exp`) computed in `long double` and then rounded to double: two roundings. When the
    extended-precision result lands exactly halfway between two doubles, the second rounding
    can pick the wrong one (SQLite 3.40 reads `35.54064318` one unit in the last place off,
    about one value in ten thousand). This replays the computation with exact integers and
    answers False when the result could be such a halfway case, or when the exponent is outside
    the range SQLite scales exactly.
    """
    mantissa, _, exponent = text.lstrip("-").partition("e")
    whole, _, fraction = mantissa.partition(".")
    digits = int(whole + fraction)
    exp10 = int(exponent or 0) - len(fraction)
    if digits == 0:
        return True
    if exp10 > 0:
        while digits < _INT64[1] // 10 and exp10 > 0:
            digits, exp10 = digits * 10, exp10 - 1
    else:
        while exp10 < 0 and digits % 10 == 0:
            digits, exp10 = digits // 10, exp10 + 1
    if exp10 == 0:
        return True  # an integer below 2**63, converted with one correct rounding
    if abs(exp10) > _SQLITE_EXACT_POWERS:
        return False
    numerator, denominator = (digits * 10**exp10, 1) if exp10 > 0 else (digits, 10**-exp10)
    # The long double result: the quotient rounded to 64 significant bits (ties to even).
    shift = _LONG_DOUBLE_BITS - (numerator.bit_length() - denominator.bit_length())
    scaled, scale = (
        (numerator << shift, denominator) if shift >= 0 else (numerator, denominator << -shift)
    )
    if scaled < scale << (_LONG_DOUBLE_BITS - 1):
        scaled <<= 1
    elif scaled >= scale << _LONG_DOUBLE_BITS:
        scale <<= 1
    quotient, remainder = divmod(scaled, scale)
    if 2 * remainder > scale or (2 * remainder == scale and quotient & 1):
        quotient += 1
    # Halfway between two doubles: the low 11 of the 64 bits are exactly 1000 0000 000.
    halfway = 1 << (_LONG_DOUBLE_BITS - 53 - 1)
    return quotient & ((halfway << 1) - 1) != halfway


def sql_float(value: float) -> str:
    """A finite float as an SQL literal that SQLite and PostgreSQL read back exactly: Python's
    shortest `repr` (`19.99`, `1e-05`) when SQLite reads it back exactly, else 17 significant
    digits (`35.540643179999996`), which every reader rounds to the same double. PostgreSQL
    reads either exactly (correctly rounded); see `_sqlite_reads_back` for SQLite."""
    text = repr(value)
    if _sqlite_reads_back(text):
        return text
    text = f"{value:.17g}"
    return text if any(c in text for c in ".e") else f"{text}.0"


def _quoted(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"


def _unfit(key: str, value: Any, column_type: str, expected: str) -> SqlValueError:
    shown = repr(value) if len(repr(value)) <= 60 else repr(value)[:57] + "..."
    msg = f"SQL output: field {key!r} holds {shown}, which a {column_type} column cannot store "
    msg += f"({expected})"
    return SqlValueError(msg)


def _text_literal(key: str, value: Any) -> str:
    text = value if isinstance(value, str) else _json_text(value)
    if "\x00" in text:
        msg = f"SQL output: field {key!r} holds a NUL character (U+0000), "
        msg += "which PostgreSQL text cannot store"
        raise SqlValueError(msg)
    return _quoted(text)


def _literal_maker(key: str, column_type: str) -> Callable[[Any], str]:
    """How one column writes a record's value (never called with None)."""

    def bigint(value: Any) -> str:
        if type(value) is int and _INT64[0] <= value <= _INT64[1]:
            return str(value)
        raise _unfit(key, value, column_type, "expected a 64-bit integer")

    def double(value: Any) -> str:
        if type(value) is float:
            return sql_float(value) if math.isfinite(value) else "NULL"
        if type(value) is int:
            return str(value)
        raise _unfit(key, value, column_type, "expected a number")

    def boolean(value: Any) -> str:
        if isinstance(value, bool):
            return "TRUE" if value else "FALSE"
        raise _unfit(key, value, column_type, "expected true or false")

    def iso_date(value: Any) -> str:
        if is_iso_date(value):
            return _quoted(value)
        raise _unfit(key, value, column_type, "expected YYYY-MM-DD")

    def iso_datetime(value: Any) -> str:
        if is_iso_datetime(value):
            return _quoted(value)
        raise _unfit(key, value, column_type, "expected ISO 8601 with an offset")

    def text(value: Any) -> str:
        return _text_literal(key, value)

    makers: dict[str, Callable[[Any], str]] = {
        SqlType.BIGINT: bigint,
        SqlType.DOUBLE: double,
        SqlType.BOOLEAN: boolean,
        SqlType.DATE: iso_date,
        SqlType.TIMESTAMPTZ: iso_datetime,
    }
    return makers.get(column_type, text)


@dataclass(frozen=True, slots=True)
class SqlColumn:
    """One column of the table: the record key it holds, its quoted name, its SQL type."""

    key: str
    name: str
    type: str
    literal: Callable[[Any], str]

    def value_sql(self, value: Any) -> str:
        return "NULL" if value is None else self.literal(value)


def sql_column_type(
    schema: EntitySchema, spec: FieldSpec, scenarios: Sequence[Scenario] = ()
) -> SqlType:
    """The column type of a top-level field (see the table in the module docstring)."""
    overrides = [raw for s in scenarios if (raw := s.overrides.get(spec.name)) is not None]
    return kind_of(spec.type).sql_type(schema.rule(spec.name), overrides)


class SqlChunkFormatter:
    """CREATE TABLE in the first chunk, then one INSERT per record (see the module docstring)."""

    def __init__(self, schema: EntitySchema, *, scenarios: Sequence[Scenario] = ()) -> None:
        self.table = sql_identifier(schema.name)
        tags = [*RECORD_TAGS, *schema.tags]
        keys = [*tags, *(spec.name for spec in schema.fields)]
        types = [SqlType.BIGINT if tag == "_index" else SqlType.TEXT for tag in tags]
        types += [sql_column_type(schema, spec, scenarios) for spec in schema.fields]
        names = unique_sql_identifiers(keys)
        self.columns: tuple[SqlColumn, ...] = tuple(
            SqlColumn(key, name, kind, _literal_maker(key, kind))
            for key, name, kind in zip(keys, names, types, strict=True)
        )
        definitions = ",\n".join(f"  {c.name} {c.type}" for c in self.columns)
        self._create = f"CREATE TABLE {self.table} (\n{definitions}\n);\n"
        self._insert = f"INSERT INTO {self.table} ({', '.join(names)}) VALUES ("

    def format(self, records: Sequence[Mapping[str, Any]], first: bool) -> str:
        lines = [self._create] if first else []
        columns = self.columns
        for record in records:
            values = ", ".join([c.value_sql(record.get(c.key)) for c in columns])
            lines.append(f"{self._insert}{values});\n")
        return "".join(lines)
