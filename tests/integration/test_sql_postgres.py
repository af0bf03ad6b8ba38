"""The SQL output executed in a real PostgreSQL, read back through psycopg and compared with the
JSON records value by value (the same checks tests/unit/test_formatters.py makes in SQLite).

Needs the PostgreSQL that `make test` starts (services/postgres.sh) at `POSTGRES_URL`. When it
cannot be reached these tests fail: they are never skipped.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from typing import Any

import psycopg
import pytest

from generators.core.request import FieldSpec, FieldType, Scenario
from generators.core.schema import EntitySchema
from generators.output.sql import SqlChunkFormatter, sql_float
from generators.paths.traditional.generator import TraditionalGenerator
from testing.stack import postgres_url
from tests.unit.test_formatters import (
    ENTITIES,
    HOSTILE_NAMES_RECORD,
    HOSTILE_NAMES_SCHEMA,
    HOSTILE_VALUES,
    assert_rows_match,
    entity_request,
    generate_records,
    hostile_request,
    random_floats,
    select_all,
    sql_script,
)

pytestmark = pytest.mark.integration


@pytest.fixture(scope="module")
def connection() -> Iterator[psycopg.Connection[Any]]:
    url = postgres_url()
    try:
        conn = psycopg.connect(url, connect_timeout=10, autocommit=True)
    except psycopg.OperationalError as error:
        pytest.fail(
            f"PostgreSQL is not reachable at {url} ({error}). Start it with "
            "`bash services/postgres.sh start` (make test does), or set POSTGRES_URL."
        )
    with conn:
        # The SQL output relies on these (see generators/output/sql.py).
        settings = conn.execute(
            "SELECT current_setting('standard_conforming_strings'), "
            "current_setting('server_encoding'), current_setting('client_encoding')"
        ).fetchone()
        assert settings == ("on", "UTF8", "UTF8")
        yield conn


@pytest.fixture
def schema_name(connection: psycopg.Connection[Any]) -> Iterator[str]:
    """A fresh PostgreSQL schema, first on the search path, dropped afterwards."""
    name = f"tda_test_{uuid.uuid4().hex[:12]}"
    connection.execute(f'CREATE SCHEMA "{name}"')
    connection.execute(f'SET search_path TO "{name}"')
    try:
        yield name
    finally:
        connection.execute("SET search_path TO DEFAULT")
        connection.execute(f'DROP SCHEMA "{name}" CASCADE')


def run_and_compare(
    connection: psycopg.Connection[Any],
    schema_name: str,
    formatter: SqlChunkFormatter,
    records: list[dict[str, Any]],
) -> int:
    """Execute the whole script in one call, as a user would feed it to psql, then compare."""
    connection.execute(sql_script(formatter, records))
    tables = connection.execute(
        "SELECT table_name FROM information_schema.tables WHERE table_schema = %s",
        (schema_name,),
    ).fetchall()
    assert tables == [(formatter.table.strip('"'),)]
    rows = connection.execute(select_all(formatter)).fetchall()
    return assert_rows_match(formatter, records, rows, typed=True)


@pytest.fixture(scope="module")
def generator() -> TraditionalGenerator:
    return TraditionalGenerator()


@pytest.mark.parametrize("entity", ENTITIES)
async def test_sql_of_every_entity_round_trips_through_postgres(
    entity: str,
    connection: psycopg.Connection[Any],
    schema_name: str,
    generator: TraditionalGenerator,
) -> None:
    schema, records = await generate_records(entity_request(entity), generator)
    formatter = SqlChunkFormatter(schema)

    cells = run_and_compare(connection, schema_name, formatter, records)

    assert cells == len(records) * len(formatter.columns)


async def test_sql_with_hostile_override_values_round_trips_through_postgres(
    connection: psycopg.Connection[Any], schema_name: str, generator: TraditionalGenerator
) -> None:
    request = hostile_request()
    schema, records = await generate_records(request, generator)
    formatter = SqlChunkFormatter(schema, scenarios=request.scenarios)

    run_and_compare(connection, schema_name, formatter, records)

    texts = connection.execute('SELECT DISTINCT "text" FROM "hostile_notes"').fetchall()
    assert {text for (text,) in texts} == set(HOSTILE_VALUES)


def test_hostile_identifiers_execute_in_postgres(
    connection: psycopg.Connection[Any], schema_name: str
) -> None:
    formatter = SqlChunkFormatter(HOSTILE_NAMES_SCHEMA)

    run_and_compare(connection, schema_name, formatter, [HOSTILE_NAMES_RECORD])


def test_text_columns_for_non_iso_dates_execute_in_postgres(
    connection: psycopg.Connection[Any], schema_name: str
) -> None:
    schema = EntitySchema(
        "d", "t", "", (FieldSpec("day", FieldType.DATE), FieldSpec("at", FieldType.DATETIME))
    )
    odd = Scenario("odd", overrides={"day": "31/12/2024", "at": "2024-01-01T10:00:00"})
    records = [
        {"_index": 0, "_scenario": "odd", "day": "31/12/2024", "at": "2024-01-01T10:00:00"},
        {"_index": 1, "_scenario": "x", "day": "2024-02-29", "at": "2024-03-10T07:30:00Z"},
    ]

    run_and_compare(connection, schema_name, SqlChunkFormatter(schema, scenarios=[odd]), records)


def test_floats_come_back_exactly_from_postgres(
    connection: psycopg.Connection[Any], schema_name: str
) -> None:
    values = [*random_floats(20_000), 5e-324, 2.2250738585072014e-308, 1e-300]
    script = "CREATE TABLE f (i BIGINT, x DOUBLE PRECISION);\n" + "".join(
        f"INSERT INTO f VALUES ({i}, {sql_float(v)});\n" for i, v in enumerate(values)
    )

    connection.execute(script)

    got = [x for (x,) in connection.execute("SELECT x FROM f ORDER BY i")]
    assert [(v, g) for v, g in zip(values, got, strict=True) if v != g] == []
