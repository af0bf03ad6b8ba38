"""SQL: `CREATE TABLE` in the first chunk, then one `INSERT` per record; the chunks concatenate
into one script that SQLite and PostgreSQL both run. Column types (each field kind's
`sql_type`; the names both databases accept, SQLite giving them its affinities):

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
from typing import Any

from generators.core.errors import SqlValueError
from generators.core.request import FieldSpec, OutputFormat, Scenario
from generators.core.schema import EntitySchema
from generators.kinds.kind import SqlType
from generators.kinds.registry import kind_of
from generators.output.format import RECORD_TAGS, ChunkFormatter, json_text
from generators.values.timeline import is_iso_date, is_iso_datetime

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
    text = value if isinstance(value, str) else json_text(value)
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


class SqlFormat:
    output_format = OutputFormat.SQL

    def formatter(self, schema: EntitySchema, scenarios: Sequence[Scenario]) -> ChunkFormatter:
        return SqlChunkFormatter(schema, scenarios=scenarios)

    def merge(self, chunks: Iterable[str]) -> str:
        return "".join(chunks)


SQL = SqlFormat()
