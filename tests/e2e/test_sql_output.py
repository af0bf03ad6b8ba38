"""SQL answers through the bridge execute in real SQLite and PostgreSQL and round-trip exactly,
even with a hostile value a caller forced in through a scenario override."""

from __future__ import annotations

import sqlite3
import uuid

import psycopg
import pytest

from contracts._proto import test_data_pb2 as pb
from contracts._proto import test_data_pb2_grpc as pb_grpc
from testing.stack import postgres_url

pytestmark = pytest.mark.e2e

HOSTILE = "O'Brien'); DROP TABLE \"user\"; -- \\ /* ☃ */ 😀\nnext line"


async def hostile_users(stub: pb_grpc.TestDataServiceStub) -> pb.GenerateResponse:
    request = pb.GenerateRequest(
        entity="user",
        count=30,
        output_format=pb.SQL,
        seed=7,
        scenarios=[
            pb.Scenario(name="normal", count=20),
            pb.Scenario(name="hostile", count=10, overrides={"last_name": HOSTILE}),
        ],
    )
    response: pb.GenerateResponse = await stub.GenerateData(request, timeout=30)
    return response


async def test_sql_with_a_hostile_override_round_trips_in_sqlite(
    stub: pb_grpc.TestDataServiceStub,
) -> None:
    response = await hostile_users(stub)

    db = sqlite3.connect(":memory:")
    db.executescript(response.data)
    rows = db.execute('SELECT "_scenario", "last_name" FROM "user" ORDER BY "_index"').fetchall()

    assert len(rows) == 30
    assert [name for scenario, name in rows if scenario == "hostile"] == [HOSTILE] * 10
    assert all(name != HOSTILE for scenario, name in rows if scenario == "normal")


async def test_sql_with_a_hostile_override_round_trips_in_postgresql(
    stub: pb_grpc.TestDataServiceStub,
) -> None:
    response = await hostile_users(stub)
    schema = f"e2e_{uuid.uuid4().hex[:8]}"

    with psycopg.connect(postgres_url(), autocommit=True) as conn:
        conn.execute(f'CREATE SCHEMA "{schema}"')
        try:
            conn.execute(f'SET search_path TO "{schema}"')
            conn.execute(response.data)
            rows = conn.execute(
                'SELECT "_scenario", "last_name" FROM "user" ORDER BY "_index"'
            ).fetchall()
        finally:
            conn.execute(f'DROP SCHEMA "{schema}" CASCADE')

    assert len(rows) == 30
    assert [name for scenario, name in rows if scenario == "hostile"] == [HOSTILE] * 10
