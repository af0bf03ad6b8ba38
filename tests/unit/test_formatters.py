"""Chunk formatting: what a consumer gets when it joins the chunks of a reply."""

from __future__ import annotations

import csv
import io
import json
import sqlite3
from typing import Any

import pytest

from generators.formatters import (
    CsvChunkFormatter,
    JsonChunkFormatter,
    SqlChunkFormatter,
    make_formatter,
    merge_json_chunks,
    sql_identifier,
)
from generators.request import FieldSpec, FieldType, GenerationRequest, OutputFormat
from generators.schemas import EntitySchema, resolve_schema
from generators.traditional import TraditionalGenerator

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
    return await TraditionalGenerator().generate(request, resolve_schema(request), batch_size=10)


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
