"""Chunk formatting: what a consumer gets when it joins the chunks of a reply."""

from __future__ import annotations

import csv
import io
import json
import math
import random
import sqlite3
import struct
from collections.abc import Sequence
from datetime import date, datetime
from typing import Any

import pytest

from generators.core.errors import SqlValueError
from generators.core.request import (
    FieldConstraint,
    FieldSpec,
    FieldType,
    GenerationRequest,
    OutputFormat,
    Scenario,
)
from generators.core.schema import EntitySchema
from generators.entities.registry import resolve_schema
from generators.kinds.kind import SqlType
from generators.output.csv import CsvChunkFormatter
from generators.output.json import JsonChunkFormatter, merge_json_chunks
from generators.output.registry import make_formatter
from generators.output.sql import (
    SqlChunkFormatter,
    sql_float,
    sql_identifier,
    unique_sql_identifiers,
)
from generators.paths.traditional.generator import TraditionalGenerator
from testing.generation import generate_all

HOSTILE = 'O\'Brien -- \\ "x" ☃ 😀'

NOTE_SCHEMA = EntitySchema(
    name="note",
    domain="test",
    description="",
    fields=(
        FieldSpec("text", FieldType.STRING),
        FieldSpec("n", FieldType.INTEGER),
        FieldSpec("x", FieldType.FLOAT),
        FieldSpec("ok", FieldType.BOOLEAN),
        FieldSpec("where", FieldType.ADDRESS),
        FieldSpec("meta", FieldType.OBJECT, nested_fields=(FieldSpec("k", FieldType.STRING),)),
        FieldSpec("tags", FieldType.ARRAY, nested_fields=(FieldSpec("t", FieldType.STRING),)),
    ),
    tags=("_mood",),
)


def note(index: int, text: str, **extra: Any) -> dict[str, Any]:
    return {
        "_index": index,
        "_scenario": "edge",
        "_mood": "calm",
        "text": text,
        "n": -index,
        "x": 1.5,
        "ok": index % 2 == 0,
        "where": {
            "street": "1 Main St",
            "city": "Springfield",
            "state": "IL",
            "postal_code": "62704",
            "country": "US",
        },
        "meta": {"k": "v"},
        "tags": [{"t": "a"}, {"t": "b,c"}],
        **extra,
    }


def chunked(records: list[dict[str, Any]], size: int) -> list[list[dict[str, Any]]]:
    return [records[i : i + size] for i in range(0, len(records), size)]


def format_all(formatter: Any, records: list[dict[str, Any]], size: int = 2) -> list[str]:
    batches = chunked(records, size) or [[]]
    return [formatter.format(batch, i == 0) for i, batch in enumerate(batches)]


@pytest.fixture(scope="module")
async def carts() -> list[dict[str, Any]]:
    request = GenerationRequest(request_id="fmt", entity="cart", count=25)
    return await generate_all(
        request, resolve_schema(request), TraditionalGenerator(), batch_size=10
    )


# --- JSON ------------------------------------------------------------------------------------


async def test_json_chunks_are_arrays_that_merge_into_the_whole_answer(
    carts: list[dict[str, Any]],
) -> None:
    chunks = format_all(JsonChunkFormatter(), carts, size=10)

    assert all(isinstance(json.loads(chunk), list) for chunk in chunks)
    assert json.loads(merge_json_chunks(chunks)) == carts


def test_merging_skips_empty_arrays_and_whitespace() -> None:
    merged = merge_json_chunks(["[]", ' [ {"a": 1} ] ', "[\n]", '[{"a": 2},{"a": 3}]', "[]"])

    assert json.loads(merged) == [{"a": 1}, {"a": 2}, {"a": 3}]
    assert merge_json_chunks([]) == "[]"
    assert merge_json_chunks(["[]", "[]"]) == "[]"


def test_merging_refuses_text_that_is_not_an_array_chunk() -> None:
    with pytest.raises(ValueError, match="not a JSON array"):
        merge_json_chunks(['{"a": 1}'])


def test_json_keeps_unicode_and_quotes_intact() -> None:
    chunk = JsonChunkFormatter().format([note(0, HOSTILE)], True)

    assert json.loads(chunk)[0]["text"] == HOSTILE


# --- CSV -------------------------------------------------------------------------------------


def test_csv_header_comes_once_and_chunks_concatenate_into_rfc4180() -> None:
    records = [note(i, f"line {i}") for i in range(5)]

    chunks = format_all(CsvChunkFormatter(NOTE_SCHEMA), records)

    assert chunks[0].startswith("_index,_scenario,_mood,text,n,x,ok,where.street,")
    assert all(not chunk.startswith("_index") for chunk in chunks[1:])
    assert all(line.endswith("\r\n") for line in chunks[0].splitlines(keepends=True))
    rows = list(csv.DictReader(io.StringIO("".join(chunks), newline="")))
    assert [row["_index"] for row in rows] == ["0", "1", "2", "3", "4"]
    assert rows[1]["where.city"] == "Springfield"
    assert rows[1]["meta.k"] == "v"
    assert json.loads(rows[1]["tags"]) == [{"t": "a"}, {"t": "b,c"}]
    assert (rows[0]["ok"], rows[1]["ok"]) == ("true", "false")


def test_csv_round_trips_quotes_commas_newlines_and_unicode() -> None:
    text = f'{HOSTILE}, with "quotes"\nand a second line'

    chunk = CsvChunkFormatter(NOTE_SCHEMA).format([note(0, text)], True)

    assert next(csv.DictReader(io.StringIO(chunk, newline="")))["text"] == text


@pytest.mark.parametrize("formula", ["=1+2", "+SUM(A1)", "-2+3", "@cmd", "\tx", "\rx"])
def test_csv_neutralises_cells_a_spreadsheet_would_run(formula: str) -> None:
    chunk = CsvChunkFormatter(NOTE_SCHEMA).format([note(3, formula)], True)

    row = next(csv.DictReader(io.StringIO(chunk, newline="")))
    assert row["text"] == f"'{formula}"
    assert row["n"] == "-3"  # a negative number is a number, not a formula


def test_csv_of_generated_carts_has_a_column_per_field(carts: list[dict[str, Any]]) -> None:
    schema = resolve_schema(GenerationRequest(request_id="c", entity="cart"))

    chunks = format_all(make_formatter(OutputFormat.CSV, schema), carts, size=10)

    rows = list(csv.DictReader(io.StringIO("".join(chunks), newline="")))
    assert len(rows) == 25
    assert rows[0]["_shopping_occasion"] == carts[0]["_shopping_occasion"]
    assert json.loads(rows[0]["items"]) == carts[0]["items"]
    assert float(rows[0]["total"]) == carts[0]["total"]


def test_csv_writes_missing_and_null_values_as_empty_cells() -> None:
    record = note(0, "x") | {"meta": None}
    del record["n"]

    row = next(csv.DictReader(io.StringIO(CsvChunkFormatter(NOTE_SCHEMA).format([record], True))))

    assert (row["n"], row["meta.k"]) == ("", "")


# --- SQL -------------------------------------------------------------------------------------


def run_sql(script: str) -> sqlite3.Connection:
    connection = sqlite3.connect(":memory:")
    connection.executescript(script)
    return connection


def test_sql_executes_and_round_trips_a_hostile_string() -> None:
    records = [note(0, HOSTILE), note(1, "plain"), note(2, "'; DROP TABLE note; --")]

    connection = run_sql("".join(format_all(SqlChunkFormatter(NOTE_SCHEMA), records)))

    rows = connection.execute(
        'SELECT "text", "n", "x", "ok", "meta", "tags", "_mood" FROM "note" ORDER BY "_index"'
    ).fetchall()
    assert [r[0] for r in rows] == [HOSTILE, "plain", "'; DROP TABLE note; --"]
    assert rows[1][1:4] == (-1, 1.5, 0)
    assert json.loads(rows[0][4]) == {"k": "v"}
    assert json.loads(rows[0][5]) == [{"t": "a"}, {"t": "b,c"}]
    assert rows[0][6] == "calm"


def test_sql_writes_null_true_and_false() -> None:
    record = note(0, "x") | {"text": None, "ok": True}

    chunk = SqlChunkFormatter(NOTE_SCHEMA).format([record], True)

    assert "NULL" in chunk and "TRUE" in chunk
    assert run_sql(chunk).execute('SELECT "text", "ok" FROM "note"').fetchone() == (None, 1)


def test_only_the_first_sql_chunk_creates_the_table() -> None:
    chunks = format_all(SqlChunkFormatter(NOTE_SCHEMA), [note(i, "t") for i in range(4)])

    assert chunks[0].startswith('CREATE TABLE "note" (')
    assert all("CREATE TABLE" not in chunk for chunk in chunks[1:])
    assert sum(chunk.count("INSERT INTO") for chunk in chunks) == 4


async def test_sql_of_generated_carts_loads_into_sqlite(carts: list[dict[str, Any]]) -> None:
    schema = resolve_schema(GenerationRequest(request_id="c", entity="cart"))

    connection = run_sql("".join(format_all(make_formatter(OutputFormat.SQL, schema), carts, 10)))

    assert connection.execute('SELECT COUNT(*), SUM("total") FROM "cart"').fetchone() == (
        25,
        pytest.approx(sum(c["total"] for c in carts)),
    )


def test_table_names_are_sanitised_and_quoted() -> None:
    hostile = EntitySchema('x"; DROP TABLE users; --', "d", "", (FieldSpec("a", FieldType.STRING),))

    chunk = SqlChunkFormatter(hostile).format([{"_index": 0, "_scenario": "s", "a": "v"}], True)

    assert chunk.startswith('CREATE TABLE "x_DROP_TABLE_users_" (')
    assert run_sql(chunk).execute('SELECT "a" FROM "x_DROP_TABLE_users_"').fetchone() == ("v",)
    assert sql_identifier("2024 orders") == '"t_2024_orders"'
    assert sql_identifier("_index") == '"_index"'


# --- SQL round trips: what a database gives back equals the JSON records ----------------------
# The helpers below are shared with tests/integration/test_sql_postgres.py, which runs the same
# SQL in PostgreSQL.

ENTITIES = ("cart", "order", "payment", "user", "review")

#: Values that break naive quoting, as string overrides (NUL-free: PostgreSQL text has no NUL).
HOSTILE_VALUES: tuple[str, ...] = (
    "'); DROP TABLE x; --",
    "O'Brien's ''doubled'' '",
    "back\\slash \\' \\n \\x41 E'\\047' ending in a backslash \\",
    "-- a comment; /* a block */ */ /* ; SELECT 1;",
    "line one\nline two\r\nline three\rend",
    "$$ dollar $$ $tag$ quoted $tag$",
    '"double" ""quotes""',
    "tab\tand\u2028line\u2029separators and \u00a0nbsp",
    "unicode: Ünïcødé 日本語 עברית العربية \u202eRTL",
    "emoji: 😀 👩‍👩‍👧‍👦 🏳️‍🌈 🇫🇷 \U0001f9ec",
    "=cmd|' /C calc'!A0",
    "",
    " ",
    "é😀'\\" * 25_000,  # 100,000 characters
)

HOSTILE_FIELDS = (
    FieldSpec("id", FieldType.UUID),
    FieldSpec("text", FieldType.STRING),
    FieldSpec("age", FieldType.INTEGER),
    FieldSpec("score", FieldType.FLOAT),
    FieldSpec("active", FieldType.BOOLEAN),
    FieldSpec("born", FieldType.DATE),
    FieldSpec("seen_at", FieldType.DATETIME),
    FieldSpec("email", FieldType.EMAIL),
    FieldSpec("phone", FieldType.PHONE),
    FieldSpec("home", FieldType.ADDRESS),
    FieldSpec("status", FieldType.ENUM),
    FieldSpec(
        "meta",
        FieldType.OBJECT,
        nested_fields=(FieldSpec("note", FieldType.STRING), FieldSpec("level", FieldType.INTEGER)),
    ),
    FieldSpec(
        "lines",
        FieldType.ARRAY,
        nested_fields=(FieldSpec("sku", FieldType.STRING), FieldSpec("price", FieldType.FLOAT)),
    ),
    FieldSpec("maybe", FieldType.STRING, required=False),
    FieldSpec("stamp", FieldType.DATE),
)


def hostile_request() -> GenerationRequest:
    """A custom schema of all 13 field types; one scenario per hostile value, which overrides a
    top-level string, a string in an object and a string in every array element."""
    scenarios = tuple(
        Scenario(f"hostile_{i}", count=2, overrides={"text": v, "meta.note": v, "lines.sku": v})
        for i, v in enumerate(HOSTILE_VALUES)
    )
    return GenerationRequest(
        request_id="hostile-sql",
        entity="hostile notes",
        fields=HOSTILE_FIELDS,
        constraints={
            "status": FieldConstraint(enum_values=("new", "it's --", "a;b")),
            "stamp": FieldConstraint(format="%d/%m/%Y"),  # not ISO: a TEXT column
        },
        scenarios=scenarios,
        count=2 * len(scenarios),
    )


def entity_request(entity: str, count: int = 60) -> GenerationRequest:
    return GenerationRequest(request_id=f"sql-{entity}", entity=entity, count=count)


async def generate_records(
    request: GenerationRequest, generator: TraditionalGenerator | None = None
) -> tuple[EntitySchema, list[dict[str, Any]]]:
    """The schema and the records, as a JSON consumer would read them (through JSON)."""
    schema = resolve_schema(request)
    records = await generate_all(request, schema, generator or TraditionalGenerator(), batch_size=7)
    return schema, json.loads(JsonChunkFormatter().format(records, True))


def sql_script(formatter: SqlChunkFormatter, records: list[dict[str, Any]], size: int = 7) -> str:
    return "".join(format_all(formatter, records, size))


def select_all(formatter: SqlChunkFormatter) -> str:
    columns = ", ".join(column.name for column in formatter.columns)
    return f'SELECT {columns} FROM {formatter.table} ORDER BY "_index"'


def expected_value(column_type: str, value: Any) -> Any:
    """What a column gives back for a JSON value, before dialect differences."""
    if value is None or (isinstance(value, float) and not math.isfinite(value)):
        return None
    if column_type == SqlType.TEXT and not isinstance(value, str):
        return ("json", value)  # stored as JSON text, compared parsed
    return value


def assert_rows_match(
    formatter: SqlChunkFormatter,
    records: list[dict[str, Any]],
    rows: Sequence[Sequence[Any]],
    *,
    typed: bool,
) -> int:
    """Every cell equals the record's value. `typed`: the driver returns dates, times and
    booleans as Python objects (PostgreSQL), not as text and 0/1 (SQLite). Returns the number
    of cells compared."""
    assert len(rows) == len(records)
    compared = 0
    for record, row in zip(sorted(records, key=lambda r: r["_index"]), rows, strict=True):
        for column, got in zip(formatter.columns, row, strict=True):
            want = expected_value(column.type, record.get(column.key))
            where = f"record {record['_index']} column {column.name}"
            if want is None:
                assert got is None, where
            elif isinstance(want, tuple):
                assert json.loads(got) == want[1], where
            elif column.type == SqlType.BOOLEAN:
                assert got in (True, False) and bool(got) is want, where
            elif column.type == SqlType.DATE and typed:
                assert isinstance(got, date) and got.isoformat() == want, where
            elif column.type == SqlType.TIMESTAMPTZ and typed:
                # PostgreSQL keeps the instant; the offset it was written with is not stored.
                assert isinstance(got, datetime) and got == datetime.fromisoformat(want), where
            elif column.type == SqlType.DOUBLE:
                assert isinstance(got, float) and got == want, where
            else:
                assert type(got) is type(want) and got == want, where
            compared += 1
    return compared


def sqlite_round_trip(formatter: SqlChunkFormatter, records: list[dict[str, Any]]) -> int:
    connection = run_sql(sql_script(formatter, records))
    tables = connection.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall()
    assert tables == [(formatter.table.strip('"'),)]
    return assert_rows_match(
        formatter, records, connection.execute(select_all(formatter)).fetchall(), typed=False
    )


@pytest.fixture(scope="module")
def shared_generator() -> TraditionalGenerator:
    return TraditionalGenerator()


@pytest.mark.parametrize("entity", ENTITIES)
async def test_sql_of_every_entity_round_trips_through_sqlite(
    entity: str, shared_generator: TraditionalGenerator
) -> None:
    schema, records = await generate_records(entity_request(entity), shared_generator)
    formatter = SqlChunkFormatter(schema)

    cells = sqlite_round_trip(formatter, records)

    assert cells == len(records) * len(formatter.columns)


async def test_sql_with_hostile_override_values_round_trips_through_sqlite(
    shared_generator: TraditionalGenerator,
) -> None:
    request = hostile_request()
    schema, records = await generate_records(request, shared_generator)
    formatter = SqlChunkFormatter(schema, scenarios=request.scenarios)
    types = {column.key: column.type for column in formatter.columns}

    sqlite_round_trip(formatter, records)

    assert formatter.table == '"hostile_notes"'
    assert types["stamp"] == SqlType.TEXT  # a strftime format is not a DATE
    assert (types["born"], types["seen_at"]) == (SqlType.DATE, SqlType.TIMESTAMPTZ)
    assert (types["age"], types["score"], types["active"]) == (
        SqlType.BIGINT,
        SqlType.DOUBLE,
        SqlType.BOOLEAN,
    )
    texts = {record["text"] for record in records}
    assert texts == set(HOSTILE_VALUES)
    assert {line["sku"] for record in records for line in record["lines"]} <= texts


@pytest.mark.parametrize("entity", [*ENTITIES, "hostile"])
async def test_sql_is_byte_identical_however_the_records_are_chunked(
    entity: str, shared_generator: TraditionalGenerator
) -> None:
    request = hostile_request() if entity == "hostile" else entity_request(entity, 40)
    schema, records = await generate_records(request, shared_generator)
    formatter = SqlChunkFormatter(schema, scenarios=request.scenarios)

    scripts = {sql_script(formatter, records, size) for size in (1, 3, 16, len(records))}

    assert len(scripts) == 1
    assert next(iter(scripts)).count("\nINSERT INTO ") == len(records)


HOSTILE_NAMES_SCHEMA = EntitySchema(
    name="1 select; DROP",
    domain="test",
    description="",
    fields=(
        FieldSpec('a"b', FieldType.STRING),
        FieldSpec("A_B", FieldType.INTEGER),  # collides with a"b -> a_b, ignoring case
        FieldSpec("select", FieldType.BOOLEAN),
        FieldSpec("x" * 80, FieldType.STRING),
        FieldSpec("x" * 70, FieldType.STRING),  # the same first 63 characters
        FieldSpec("prénom", FieldType.STRING),
    ),
)


HOSTILE_NAMES_RECORD: dict[str, Any] = {
    "_index": 0,
    "_scenario": "s",
    'a"b': "quote",
    "A_B": 7,
    "select": True,
    "x" * 80: "long",
    "x" * 70: "long too",
    "prénom": "Zoë",
}


def test_hostile_identifiers_are_sanitised_quoted_and_unique() -> None:
    formatter = SqlChunkFormatter(HOSTILE_NAMES_SCHEMA)

    names = [column.name for column in formatter.columns]

    assert formatter.table == '"t_1_select_DROP"'
    assert names[2:] == [
        '"a_b"',
        '"A_B_2"',
        '"select"',
        f'"{"x" * 63}"',
        f'"{"x" * 61}_2"',
        '"pr_nom"',
    ]
    assert len({name.lower() for name in names}) == len(names)
    connection = run_sql(formatter.format([HOSTILE_NAMES_RECORD], True))
    row = connection.execute(select_all(formatter)).fetchone()
    assert row == (0, "s", "quote", 7, 1, "long", "long too", "Zoë")


def test_unique_identifiers_cut_suffixed_names_to_63_characters() -> None:
    names = unique_sql_identifiers(["y" * 63, "Y" * 63, "y" * 63])

    assert names == [f'"{"y" * 63}"', f'"{"Y" * 61}_2"', f'"{"y" * 61}_3"']


def test_dates_overridden_with_non_iso_values_get_text_columns() -> None:
    schema = EntitySchema(
        "d",
        "t",
        "",
        (FieldSpec("day", FieldType.DATE), FieldSpec("at", FieldType.DATETIME)),
    )
    odd = Scenario("odd", overrides={"day": "31/12/2024", "at": "2024-01-01T10:00:00"})
    fine = Scenario("fine", overrides={"day": "2024-02-29", "at": "2024-03-10T02:30:00-05:00"})
    records = [
        {"_index": 0, "_scenario": "odd", "day": "31/12/2024", "at": "2024-01-01T10:00:00"},
        {"_index": 1, "_scenario": "x", "day": "2024-02-29", "at": "2024-03-10T07:30:00Z"},
    ]

    typed = SqlChunkFormatter(schema, scenarios=[fine])
    text = SqlChunkFormatter(schema, scenarios=[fine, odd])

    assert [c.type for c in typed.columns[2:]] == [SqlType.DATE, SqlType.TIMESTAMPTZ]
    assert [c.type for c in text.columns[2:]] == [SqlType.TEXT, SqlType.TEXT]
    sqlite_round_trip(text, records)
    with pytest.raises(SqlValueError, match=r"field 'day' holds '31/12/2024'.*DATE column"):
        typed.format(records, True)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("n", "12", "BIGINT column"),
        ("n", True, "BIGINT column"),
        ("n", 2**63, "BIGINT column"),
        ("x", "1.5", "DOUBLE PRECISION column"),
        ("ok", 1, "BOOLEAN column"),
        ("when", "2024-02-30", "DATE column"),
        ("at", "2024-01-01 10:00", "TIME ZONE column"),
        ("text", "nul \x00 inside", "NUL character"),
    ],
)
def test_values_a_column_cannot_hold_are_refused_by_name(
    field: str, value: Any, message: str
) -> None:
    schema = EntitySchema(
        "v",
        "t",
        "",
        (
            FieldSpec("n", FieldType.INTEGER),
            FieldSpec("x", FieldType.FLOAT),
            FieldSpec("ok", FieldType.BOOLEAN),
            FieldSpec("when", FieldType.DATE),
            FieldSpec("at", FieldType.DATETIME),
            FieldSpec("text", FieldType.STRING),
        ),
    )

    with pytest.raises(SqlValueError, match=f"field '{field}'.*{message}"):
        SqlChunkFormatter(schema).format([{"_index": 0, "_scenario": "s", field: value}], True)


def test_sql_writes_non_finite_floats_as_null_and_other_scalars_in_text_as_json() -> None:
    record = note(0, "x") | {"x": math.inf, "text": 5, "meta": [1, "two"]}

    row = (
        run_sql(SqlChunkFormatter(NOTE_SCHEMA).format([record], True))
        .execute('SELECT "x", "text", "meta" FROM "note"')
        .fetchone()
    )

    assert row == (None, "5", '[1,"two"]')


def random_floats(count: int, seed: int = 11) -> list[float]:
    """Floats of every magnitude SQLite reads exactly (from 1e-290 up), of many shapes."""
    rng = random.Random(seed)
    values: list[float] = []
    for i in range(count):
        kind = i % 4
        if kind == 0:
            value = struct.unpack("<d", struct.pack("<Q", rng.getrandbits(64)))[0]
        elif kind == 1:
            value = float(f"{rng.randint(1, 10 ** rng.randint(1, 15))}e{rng.randint(-40, 40)}")
        elif kind == 2:
            value = rng.uniform(-1, 1) * 10 ** rng.randint(-30, 30)
        else:
            value = round(rng.uniform(-1e6, 1e6), rng.randint(0, 4))
        if math.isfinite(value) and (value == 0 or abs(value) > 1e-290):
            values.append(value)
    return [*values, 35.54064318, 5.045404, 0.1, -0.0, 1e16, 1e22, 1e23, 1.7976931348623157e308]


def test_floats_come_back_exactly_from_sqlite() -> None:
    values = random_floats(40_000)
    script = "CREATE TABLE f (i BIGINT, x DOUBLE PRECISION);\n" + "".join(
        f"INSERT INTO f VALUES ({i}, {sql_float(v)});\n" for i, v in enumerate(values)
    )

    got = [x for (x,) in run_sql(script).execute("SELECT x FROM f ORDER BY i")]

    assert [(v, g) for v, g in zip(values, got, strict=True) if v != g] == []


def test_floats_are_written_shortest_when_that_is_read_back_exactly() -> None:
    assert [sql_float(v) for v in (19.99, 0.1, 1e-05, -2.5, 1e16, 1234.5)] == [
        "19.99",
        "0.1",
        "1e-05",
        "-2.5",
        "1e+16",
        "1234.5",
    ]
    # SQLite 3.40 reads "35.54064318" one unit in the last place off: 17 digits instead.
    assert sql_float(35.54064318) == "35.540643179999996"
    assert float(sql_float(35.54064318)) == 35.54064318
