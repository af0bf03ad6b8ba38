"""min_date/max_date on DATE and DATETIME fields: validation, generation, edge cases, coherence,
and the contracts that carry them."""

from __future__ import annotations

import asyncio
import json
from collections import Counter
from datetime import UTC, date, datetime, timedelta
from typing import Any

import pytest

from contracts._proto import test_data_pb2 as pb
from contracts.avro import AvroCodec, Contract
from contracts.requests import request_from_event, request_from_proto, request_to_event
from generators.core.hints import EDGE_CASE_TAG
from generators.core.request import FieldConstraint, FieldSpec, FieldType, GenerationRequest
from generators.entities.registry import resolve_schema
from generators.paths.traditional.generator import TraditionalGenerator
from generators.quality.coherence import CoherenceTracker
from generators.quality.validation import validate_request
from generators.values.date_bounds import BOUND_WINDOW_DAYS
from testing.generation import generate_all

DAY_MIN, DAY_MAX = date(2024, 2, 1), date(2024, 3, 31)
# 2024-03-10 05:00Z .. 11:00Z: holds the spring DST transition (07:00Z and 07:30Z)
MOMENT_MIN = datetime(2024, 3, 10, 0, 0, tzinfo=UTC).replace(hour=5)
MOMENT_MAX = datetime(2024, 3, 10, 11, 0, tzinfo=UTC)
DMY = "%d/%m/%Y"
STAMP = "%Y-%m-%d %H:%M:%S"

FIELDS = (
    FieldSpec("joined", FieldType.DATE),
    FieldSpec("joined_fmt", FieldType.DATE),
    FieldSpec("seen", FieldType.DATETIME),
    FieldSpec("seen_fmt", FieldType.DATETIME),
    FieldSpec("since", FieldType.DATE),
    FieldSpec("until", FieldType.DATETIME),
    FieldSpec("maybe", FieldType.DATE, required=False),
)
CONSTRAINTS = {
    "joined": FieldConstraint(min_date="2024-02-01", max_date="2024-03-31"),
    "joined_fmt": FieldConstraint(min_date="2024-02-01", max_date="2024-03-31", format=DMY),
    "seen": FieldConstraint(
        min_date="2024-03-10T00:00:00-05:00", max_date="2024-03-10T12:00+01:00"
    ),
    "seen_fmt": FieldConstraint(
        min_date="2024-03-10T05:00:00Z", max_date="2024-03-10T11:00:00Z", format=STAMP
    ),
    "since": FieldConstraint(min_date="2020-01-01"),
    "until": FieldConstraint(max_date="1999-12-31T23:59:59Z"),
    "maybe": FieldConstraint(min_date="2024-02-01", max_date="2024-03-31"),
}


@pytest.fixture(scope="module")
def generator() -> TraditionalGenerator:
    return TraditionalGenerator()


def request(**changes: Any) -> GenerationRequest:
    base: dict[str, Any] = {
        "request_id": "date-bounds",
        "fields": FIELDS,
        "constraints": CONSTRAINTS,
        "count": 2_000,
    }
    return GenerationRequest(**(base | changes))


def records_of(generator: TraditionalGenerator, req: GenerationRequest) -> list[dict[str, Any]]:
    assert validate_request(req, max_records=10_000, max_context_bytes=65_536) == []
    schema = resolve_schema(req)
    records = asyncio.run(generate_all(req, schema, generator, batch_size=97))
    parsed: list[dict[str, Any]] = json.loads(json.dumps(records))
    tracker = CoherenceTracker(schema)
    tracker.add(parsed)
    assert tracker.score == 1.0, tracker.violations
    return parsed


def problems_of(fields: tuple[FieldSpec, ...], **constraints: FieldConstraint) -> dict[str, str]:
    req = GenerationRequest(request_id="v", fields=fields, constraints=constraints, count=1)
    return {
        p.field: p.message for p in validate_request(req, max_records=10, max_context_bytes=65_536)
    }


def assert_within_bounds(records: list[dict[str, Any]]) -> None:
    for r in records:
        assert DAY_MIN <= date.fromisoformat(r["joined"]) <= DAY_MAX
        assert DAY_MIN <= datetime.strptime(r["joined_fmt"], DMY).date() <= DAY_MAX
        seen = datetime.fromisoformat(r["seen"])
        assert seen.tzinfo is not None and MOMENT_MIN <= seen <= MOMENT_MAX
        seen_fmt = datetime.strptime(r["seen_fmt"], STAMP).replace(tzinfo=UTC)
        assert MOMENT_MIN <= seen_fmt <= MOMENT_MAX
        since = date.fromisoformat(r["since"])
        assert date(2020, 1, 1) <= since <= date(2020, 1, 1) + timedelta(days=BOUND_WINDOW_DAYS)
        until = datetime.fromisoformat(r["until"])
        high = datetime(1999, 12, 31, 23, 59, 59, tzinfo=UTC)
        assert high - timedelta(days=BOUND_WINDOW_DAYS) <= until <= high
        if r["maybe"] is not None:
            assert DAY_MIN <= date.fromisoformat(r["maybe"]) <= DAY_MAX


# --- validation -----------------------------------------------------------------------------

DATE = (FieldSpec("joined", FieldType.DATE),)
STAMPED = (FieldSpec("joined", FieldType.DATETIME),)
AT = 'constraints["joined"]'


@pytest.mark.parametrize(
    ("fields", "constraint", "where", "words"),
    [
        (DATE, FieldConstraint(min_date="yesterday"), "min_date", "is not a date YYYY-MM-DD"),
        (DATE, FieldConstraint(max_date="2024-13-01"), "max_date", "is not a valid date"),
        (DATE, FieldConstraint(min_date="2024-02-30"), "min_date", "is not a valid date"),
        (
            DATE,
            FieldConstraint(min_date="2024-01-01T00:00:00+00:00"),
            "min_date",
            "DATE fields take a date YYYY-MM-DD without a time",
        ),
        (STAMPED, FieldConstraint(max_date="soon"), "max_date", "not an ISO 8601 date or datetime"),
        (
            STAMPED,
            FieldConstraint(min_date="2024-01-01T10:00:00"),
            "min_date",
            "has no UTC offset",
        ),
        (
            DATE,
            FieldConstraint(min_date="2024-03-02", max_date="2024-03-01"),
            "min_date",
            "min_date 2024-03-02 is after max_date 2024-03-01",
        ),
        (
            STAMPED,
            FieldConstraint(
                min_date="2024-03-01T12:00:00+00:00", max_date="2024-03-01T13:00+02:00"
            ),
            "min_date",
            "is after max_date",
        ),
        (
            STAMPED,
            FieldConstraint(
                min_date="2024-03-01T00:00:00.2+00:00", max_date="2024-03-01T00:00:00.7+00:00"
            ),
            "min_date",
            "no whole second lies between",
        ),
        (
            DATE,
            FieldConstraint(min_date="0999-12-31", format=DMY),
            "min_date",
            "before year 1000",
        ),
        (
            STAMPED,
            FieldConstraint(min_date="0001-01-01T00:00:00+05:00"),
            "min_date",
            "out of range",
        ),
        (DATE, FieldConstraint(min=1), "min", "bound dates with min_date"),
        (STAMPED, FieldConstraint(max=1), "max", "bound dates with max_date"),
    ],
)
def test_bad_date_bounds_are_problems_naming_the_field(
    fields: tuple[FieldSpec, ...], constraint: FieldConstraint, where: str, words: str
) -> None:
    found = problems_of(fields, joined=constraint)

    assert words in found[f"{AT}.{where}"], found


def test_date_bounds_on_other_types_are_problems() -> None:
    fields = (FieldSpec("name", FieldType.STRING), FieldSpec("n", FieldType.INTEGER))

    found = problems_of(
        fields,
        name=FieldConstraint(min_date="2024-01-01"),
        n=FieldConstraint(max_date="2024-01-01"),
    )

    assert found['constraints["name"].min_date'] == (
        "applies to DATE, DATETIME fields; 'name' is STRING"
    )
    assert found['constraints["n"].max_date'] == "applies to DATE, DATETIME fields; 'n' is INTEGER"


def test_date_bounds_on_predefined_entities_are_problems() -> None:
    req = GenerationRequest(
        request_id="v",
        entity="cart",
        count=1,
        constraints={"created_at": FieldConstraint(min_date="2024-01-01")},
    )

    found = {
        p.field: p.message for p in validate_request(req, max_records=10, max_context_bytes=65_536)
    }

    assert "custom schemas only" in found['constraints["created_at"].min_date']


@pytest.mark.parametrize(
    ("fields", "constraint"),
    [
        (DATE, FieldConstraint(min_date="2024-02-01", max_date="2024-02-01")),
        (DATE, FieldConstraint(min_date=" 2024-02-01 ", format=DMY)),
        (STAMPED, FieldConstraint(min_date="2024-02-01", max_date="2024-02-01T00:00:00Z")),
        (STAMPED, FieldConstraint(max_date="2024-02-01T12:30:00.5-03:30")),
        (STAMPED, FieldConstraint(min_date="0500-01-01T00:00:00Z")),
    ],
)
def test_good_date_bounds_pass(fields: tuple[FieldSpec, ...], constraint: FieldConstraint) -> None:
    assert problems_of(fields, joined=constraint) == {}


# --- generation -----------------------------------------------------------------------------


def test_2000_records_lie_within_their_bounds_with_and_without_format(
    generator: TraditionalGenerator,
) -> None:
    records = records_of(generator, request())

    assert len(records) == 2_000
    assert_within_bounds(records)
    # uniform over the window: both ends of a 60-day range and most days in between come up
    joined = Counter(r["joined"] for r in records)
    assert len(joined) > 55
    assert {"2024-02-01", "2024-03-31"} <= set(joined)
    assert len({r["seen"] for r in records}) > 1_800  # 21,600 seconds: some repeat
    assert 100 < sum(r["maybe"] is None for r in records) < 300


def test_edge_cases_respect_the_bounds(generator: TraditionalGenerator) -> None:
    records = records_of(generator, request(hints=("edge_case",)))

    assert_within_bounds(records)
    by_kind: dict[str, list[dict[str, Any]]] = {}
    for r in records:
        by_kind.setdefault(r[EDGE_CASE_TAG], []).append(r)
    assert set(by_kind) == {
        "min_boundary",
        "max_boundary",
        "just_inside_min",
        "just_inside_max",
        "leap_day",
        "dst_boundary",
    }
    first = by_kind["min_boundary"][0]
    assert (first["joined"], first["joined_fmt"]) == ("2024-02-01", "01/02/2024")
    assert first["seen"] == "2024-03-10T05:00:00+00:00"
    assert first["since"] == "2020-01-01"
    last = by_kind["max_boundary"][0]
    assert (last["joined"], last["seen"]) == ("2024-03-31", "2024-03-10T11:00:00+00:00")
    assert last["until"] == "1999-12-31T23:59:59+00:00"
    inside = by_kind["just_inside_min"][0]
    assert (inside["joined"], inside["seen"]) == ("2024-02-02", "2024-03-10T05:00:01+00:00")
    inside = by_kind["just_inside_max"][0]
    assert (inside["joined"], inside["seen"]) == ("2024-03-30", "2024-03-10T10:59:59+00:00")
    leap = by_kind["leap_day"][0]
    assert (leap["joined"], leap["joined_fmt"]) == ("2024-02-29", "29/02/2024")
    assert leap["since"].endswith("-02-29") and leap["until"].startswith("1996-02-29")
    # only the spring transition of 2024-03-10 lies within seen's bounds
    assert {r["seen"] for r in by_kind["dst_boundary"]} == {
        "2024-03-10T02:30:00-05:00",
        "2024-03-10T03:00:00-04:00",
    }


def test_edge_kinds_that_cannot_fit_the_bounds_are_skipped(
    generator: TraditionalGenerator,
) -> None:
    req = GenerationRequest(
        request_id="no-leap",
        fields=(FieldSpec("day", FieldType.DATE), FieldSpec("at", FieldType.DATETIME)),
        constraints={
            "day": FieldConstraint(min_date="2023-03-01", max_date="2024-02-28"),
            "at": FieldConstraint(min_date="2023-03-13", max_date="2023-03-13T23:59:59Z"),
        },
        count=200,
        hints=("defect_triggering",),
    )

    records = records_of(generator, req)

    kinds = Counter(r[EDGE_CASE_TAG] for r in records)
    assert set(kinds) == {"min_boundary", "max_boundary", "just_inside_min", "just_inside_max"}
    for r in records:
        assert "2023-03-01" <= r["day"] <= "2024-02-28"
        assert r["at"].startswith("2023-03-13T")


def test_the_same_seed_gives_the_same_dates(generator: TraditionalGenerator) -> None:
    def run(seed: int) -> list[dict[str, Any]]:
        return records_of(generator, request(count=300, seed=seed, request_id=f"r-{seed}"))

    assert run(7) == run(7)
    assert run(7) != run(8)


# --- contracts ------------------------------------------------------------------------------


def test_date_bounds_survive_avro_and_the_grpc_conversion() -> None:
    req = GenerationRequest(request_id="c", fields=FIELDS, constraints=CONSTRAINTS, count=1)
    codec = AvroCodec()

    event = codec.decode(
        Contract.GENERATE_REQUESTED,
        codec.encode(Contract.GENERATE_REQUESTED, request_to_event(req)),
    )
    assert request_from_event(event) == req

    message = pb.GenerateRequest(
        count=1,
        constraints=pb.Constraints(
            field_constraints={
                "a": pb.FieldConstraint(min_date="2024-01-01", max_date="2024-02-01"),
                "b": pb.FieldConstraint(min=1),
            }
        ),
    )
    converted = request_from_proto(message, request_id="c", reply_topic="")
    assert converted.constraints["a"] == FieldConstraint(
        min_date="2024-01-01", max_date="2024-02-01"
    )
    assert converted.constraints["b"].min_date is None
    assert converted.constraints["b"].max_date is None
