"""CSV output read back with the csv module: RFC 4180 framing, flattening of nested values, and
neutralisation of cells a spreadsheet would run as formulas."""

from __future__ import annotations

import csv
import io
import json
from typing import Any

import pytest

from generators.core.request import FieldSpec, FieldType
from generators.core.schema import EntitySchema
from generators.output.csv import (
    CsvChunkFormatter,
    csv_columns,
    neutralise_csv_text,
)
from generators.paths.traditional.generator import TraditionalGenerator
from tests.unit.test_formatters import (
    ENTITIES,
    HOSTILE_VALUES,
    entity_request,
    format_all,
    generate_records,
    hostile_request,
)

DEEP = EntitySchema(
    name="deep",
    domain="test",
    description="",
    fields=(
        FieldSpec("name", FieldType.STRING),
        FieldSpec(
            "outer",
            FieldType.OBJECT,
            nested_fields=(
                FieldSpec("label", FieldType.STRING),
                FieldSpec(
                    "inner",
                    FieldType.OBJECT,
                    nested_fields=(
                        FieldSpec("n", FieldType.INTEGER),
                        FieldSpec("where", FieldType.ADDRESS),
                    ),
                ),
                FieldSpec(
                    "items", FieldType.ARRAY, nested_fields=(FieldSpec("x", FieldType.FLOAT),)
                ),
            ),
        ),
        FieldSpec("blob", FieldType.OBJECT),  # no nested fields: one cell of JSON
        FieldSpec("flag", FieldType.BOOLEAN, required=False),
    ),
)

ADDRESS = {
    "street": "1 Main St",
    "city": "=Springfield",
    "state": "IL",
    "postal_code": "0",
    "country": "US",
}


def restore_csv_text(cell: str) -> str:
    """What a reader does to undo the formula neutralisation: drop one leading apostrophe."""
    return cell[1:] if cell.startswith("'") else cell


def deep_record(index: int, **changes: Any) -> dict[str, Any]:
    record: dict[str, Any] = {
        "_index": index,
        "_scenario": "s",
        "name": f"n{index}",
        "outer": {
            "label": "-label",
            "inner": {"n": -index, "where": dict(ADDRESS)},
            "items": [{"x": -1.5}, {"x": 2.0}],
        },
        "blob": {"k": ["=1+2", None]},
        "flag": None,
    }
    record.update(changes)
    return record


def parse(text: str) -> list[dict[str, str]]:
    csv.field_size_limit(2**31 - 1)  # the hostile values include 100,000-character strings
    return list(csv.DictReader(io.StringIO(text, newline="")))


def flatten(value: Any, path: tuple[str, ...]) -> Any:
    for key in path:
        if not isinstance(value, dict):
            return None
        value = value.get(key)
    return value


def assert_cell(cell: str, value: Any, where: str) -> None:
    """The parsed cell is the JSON value, with the rules of the CSV output undone."""
    if value is None:
        assert cell == "", where
    elif isinstance(value, bool):
        assert cell == ("true" if value else "false"), where
    elif isinstance(value, int):
        assert int(cell) == value and cell == str(value), where
    elif isinstance(value, float):
        assert float(cell) == value, where
    elif isinstance(value, str):
        assert restore_csv_text(cell) == value, where
        assert cell[:1] not in {"=", "+", "-", "@", "\t", "\r"}, where
    else:
        assert json.loads(restore_csv_text(cell)) == value, where


def assert_csv_round_trips(schema: EntitySchema, records: list[dict[str, Any]], text: str) -> int:
    columns = csv_columns(schema)
    rows = parse(text)
    assert len(rows) == len(records)
    assert list(rows[0]) == columns if rows else True
    compared = 0
    for record, row in zip(records, rows, strict=True):
        for column in columns:
            assert_cell(row[column], flatten(record, tuple(column.split("."))), column)
            compared += 1
    return compared


# --- flattening ------------------------------------------------------------------------------


def test_nested_objects_flatten_to_dotted_columns_at_any_depth() -> None:
    columns = csv_columns(DEEP)

    assert columns == [
        "_index",
        "_scenario",
        "name",
        "outer.label",
        "outer.inner.n",
        "outer.inner.where.street",
        "outer.inner.where.city",
        "outer.inner.where.state",
        "outer.inner.where.postal_code",
        "outer.inner.where.country",
        "outer.items",
        "blob",
        "flag",
    ]


def test_flattened_cells_hold_the_nested_values_and_arrays_hold_json() -> None:
    records = [deep_record(i) for i in range(3)]

    text = "".join(format_all(CsvChunkFormatter(DEEP), records))

    row = parse(text)[2]
    assert row["outer.inner.n"] == "-2"
    assert row["outer.inner.where.city"] == "'=Springfield"
    assert row["outer.label"] == "'-label"
    assert json.loads(row["outer.items"]) == [{"x": -1.5}, {"x": 2.0}]
    assert json.loads(row["blob"]) == {"k": ["=1+2", None]}
    assert assert_csv_round_trips(DEEP, records, text) == 3 * 13


def test_a_null_object_leaves_all_its_columns_empty() -> None:
    record = deep_record(0, outer=None)

    row = parse(CsvChunkFormatter(DEEP).format([record], True))[0]

    assert all(row[c] == "" for c in row if c.startswith("outer."))


# --- RFC 4180 --------------------------------------------------------------------------------


def test_rows_end_in_crlf_and_special_cells_are_quoted_with_doubled_quotes() -> None:
    record = deep_record(0, name='say "hi", then\nleave')

    text = CsvChunkFormatter(DEEP).format([record], True)

    header, body = text.split("\r\n", 1)
    assert header == ",".join(csv_columns(DEEP))
    assert body.startswith('0,s,"say ""hi"", then\nleave",')
    assert body.endswith("\r\n") and body.count("\r\n") == 1
    assert parse(text)[0]["name"] == 'say "hi", then\nleave'


def test_empty_strings_are_quoted_and_nulls_are_not() -> None:
    record = deep_record(0, name="", flag=None)

    line = CsvChunkFormatter(DEEP).format([record], False)

    assert line.startswith('0,s,"",')
    assert line.endswith(",\r\n")  # flag: null, the last cell, empty and unquoted


def test_csv_is_byte_identical_however_the_records_are_chunked() -> None:
    records = [deep_record(i, name=HOSTILE_VALUES[i % len(HOSTILE_VALUES)]) for i in range(30)]
    formatter = CsvChunkFormatter(DEEP)

    texts = {"".join(format_all(formatter, records, size)) for size in (1, 4, 30)}

    assert len(texts) == 1


# --- formula neutralisation ------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "=1+2",
        "+SUM(A1)",
        "-2+3",
        "-5",
        "@cmd",
        "\tx",
        "\rx",
        "  =HYPERLINK(x)",
        "\n-1",
        "\uff1d1+2",  # full-width equals sign
        "\uff20cmd",
        "'quoted already",
        "'",
    ],
)
def test_text_a_spreadsheet_could_run_gets_an_apostrophe_that_restores_away(text: str) -> None:
    cell = neutralise_csv_text(text)

    assert cell == "'" + text
    assert restore_csv_text(cell) == text
    row = parse(CsvChunkFormatter(DEEP).format([deep_record(0, name=text)], True))[0]
    assert row["name"] == cell


@pytest.mark.parametrize("text", ["", " ", "plain", "a=b", "1+1", "5", "x-y", "(=)", " x"])
def test_harmless_text_is_left_alone(text: str) -> None:
    assert neutralise_csv_text(text) == text
    assert restore_csv_text(text) == text or text.startswith("'")


@pytest.mark.parametrize(("value", "cell"), [(-5, "-5"), (-0.25, "-0.25"), (-1e-05, "-1e-05")])
def test_negative_numbers_stay_numbers(value: float, cell: str) -> None:
    record = deep_record(0)
    record["outer"]["inner"]["n"] = value

    row = parse(CsvChunkFormatter(DEEP).format([record], True))[0]

    assert row["outer.inner.n"] == cell


def test_non_finite_floats_are_empty_cells() -> None:
    record = deep_record(0)
    record["outer"]["inner"]["n"] = float("nan")

    row = parse(CsvChunkFormatter(DEEP).format([record], True))[0]

    assert row["outer.inner.n"] == ""


# --- generated records -----------------------------------------------------------------------


@pytest.fixture(scope="module")
def generator() -> TraditionalGenerator:
    return TraditionalGenerator()


@pytest.mark.parametrize("entity", ENTITIES)
async def test_csv_of_every_entity_reads_back_value_by_value(
    entity: str, generator: TraditionalGenerator
) -> None:
    schema, records = await generate_records(entity_request(entity), generator)

    text = "".join(format_all(CsvChunkFormatter(schema), records, 7))

    assert assert_csv_round_trips(schema, records, text) == len(records) * len(csv_columns(schema))


async def test_csv_of_hostile_values_reads_back_value_by_value(
    generator: TraditionalGenerator,
) -> None:
    schema, records = await generate_records(hostile_request(), generator)

    text = "".join(format_all(CsvChunkFormatter(schema), records, 5))

    assert_csv_round_trips(schema, records, text)
    cells = {restore_csv_text(row["meta.note"]) for row in parse(text)}
    assert cells == set(HOSTILE_VALUES)
