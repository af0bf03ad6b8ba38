"""Fresh ids for served and adapted records: unique per index, reproducible, seed-dependent."""

from __future__ import annotations

import copy
import re
import uuid
from typing import Any

import pytest

from generators.core.request import FieldConstraint, FieldSpec, FieldType, GenerationRequest
from generators.core.schema import EntitySchema
from generators.entities.registry import predefined_schema
from generators.paths.traditional.generator import TraditionalGenerator
from generators.values.identity import IdentityRefresher, identifier_paths
from testing.generation import generate_all

Record = dict[str, Any]

SEED = 20_240_611
MANY = 10_000

OWN_KEYS = {
    "cart": ("cart_id", ("cart_id", "customer_id")),
    "order": ("order_id", ("order_id", "customer_id")),
    "payment": ("payment_id", ("payment_id", "order_id", "customer_id")),
    "user": ("user_id", ("user_id",)),
    "review": ("review_id", ("review_id", "customer_id")),
}

CUSTOM = EntitySchema(
    name="ticket",
    domain="support",
    description="a custom schema",
    fields=(
        FieldSpec("id", FieldType.UUID),
        FieldSpec("account_id", FieldType.STRING),
        FieldSpec("ref", FieldType.STRING),
        FieldSpec("kind_id", FieldType.STRING),
        FieldSpec("code_id", FieldType.STRING),
        FieldSpec("title", FieldType.STRING),
        FieldSpec(
            "meta", FieldType.OBJECT, nested_fields=(FieldSpec("trace_id", FieldType.STRING),)
        ),
        FieldSpec(
            "lines", FieldType.ARRAY, nested_fields=(FieldSpec("line_id", FieldType.STRING),)
        ),
    ),
    rules={
        "ref": FieldConstraint(format="REF-{year}-{random:5}"),
        "kind_id": FieldConstraint(enum_values=("K-1", "K-2")),
        "code_id": FieldConstraint(regex=r"C\d{3}"),
    },
)

TICKET: Record = {
    "_index": 3,
    "_scenario": "default",
    "id": "0b9b8c3e-6d0c-4c5e-9a57-1f7a3c2e9d41",
    "account_id": "AC-00123",
    "ref": "REF-2019-00042",
    "kind_id": "K-2",
    "code_id": "C123",
    "title": "Printer on fire",
    "meta": {"trace_id": "tr_9f31"},
    "lines": [{"line_id": "L-1"}, {"line_id": "L-2"}],
}


@pytest.fixture(scope="module")
def generator() -> TraditionalGenerator:
    return TraditionalGenerator()


async def generated(generator: TraditionalGenerator, name: str, count: int) -> list[Record]:
    request = GenerationRequest(
        request_id=f"ids-{name}", predefined_schema=name, count=count, seed=7
    )
    return await generate_all(request, predefined_schema(name), generator, batch_size=500)


def refreshed(record: Record, schema: EntitySchema, seed: int, index: int) -> Record:
    fresh = copy.deepcopy(record)
    IdentityRefresher(schema, seed).refresh(fresh, index)
    return fresh


def at(record: Record, path: str) -> Any:
    value: Any = record
    for name in path.split("."):
        value = value[name]
    return value


@pytest.mark.parametrize("name", sorted(OWN_KEYS))
def test_identifier_paths_of_predefined_entities(name: str) -> None:
    own, paths = OWN_KEYS[name]
    assert identifier_paths(predefined_schema(name)) == paths
    assert own == f"{name}_id"


@pytest.mark.parametrize("name", sorted(OWN_KEYS))
async def test_ids_are_unique_over_many_indexes_of_one_pattern(
    generator: TraditionalGenerator, name: str
) -> None:
    """The hybrid case: every record adapted from one pattern, so any uniqueness comes from the
    index alone."""
    schema = predefined_schema(name)
    (pattern,) = await generated(generator, name, 1)
    refresher = IdentityRefresher(schema, SEED)
    records = []
    for index in range(MANY):
        record = copy.deepcopy(pattern)
        refresher.refresh(record, index)
        records.append(record)
    assert [r["_index"] for r in records] == list(range(MANY))
    for path in identifier_paths(schema):
        values = [r[path] for r in records]
        assert len(set(values)) == MANY, path
        assert all(len(v) == len(pattern[path]) for v in values), path


@pytest.mark.parametrize("name", sorted(OWN_KEYS))
async def test_own_key_is_unique_when_serving_a_generated_pool(
    generator: TraditionalGenerator, name: str
) -> None:
    schema = predefined_schema(name)
    pool = await generated(generator, name, MANY)
    refresher = IdentityRefresher(schema, SEED)
    own = f"{name}_id"
    served = set()
    for index, record in enumerate(reversed(pool)):  # other records at every index
        refresher.refresh(record, index)
        served.add(record[own])
    assert len(served) == MANY


@pytest.mark.parametrize("name", sorted(OWN_KEYS))
async def test_a_generated_record_refreshed_at_its_own_index_keeps_its_own_key(
    generator: TraditionalGenerator, name: str
) -> None:
    """The refresher uses generation's keys, so served and generated ids of one request share
    one bijection and cannot collide."""
    records = await generated(generator, name, 50)
    for record in records:
        again = refreshed(record, predefined_schema(name), 7, record["_index"])
        assert again[f"{name}_id"] == record[f"{name}_id"]


@pytest.mark.parametrize("name", sorted(OWN_KEYS))
async def test_refreshing_is_reproducible(generator: TraditionalGenerator, name: str) -> None:
    schema = predefined_schema(name)
    (record,) = await generated(generator, name, 1)
    first = refreshed(record, schema, SEED, 41)
    assert refreshed(record, schema, SEED, 41) == first
    assert refreshed(first, schema, SEED, 41) == first  # twice in a row: the same ids
    assert refreshed(record, schema, SEED, 42) != first


@pytest.mark.parametrize("name", sorted(OWN_KEYS))
async def test_other_seeds_give_other_ids(generator: TraditionalGenerator, name: str) -> None:
    schema = predefined_schema(name)
    (record,) = await generated(generator, name, 1)
    for index in range(100):
        one, other = refreshed(record, schema, 1, index), refreshed(record, schema, 2, index)
        for path in identifier_paths(schema):
            assert one[path] != other[path], (path, index)


@pytest.mark.parametrize("name", sorted(OWN_KEYS))
async def test_only_identifiers_change(generator: TraditionalGenerator, name: str) -> None:
    schema = predefined_schema(name)
    (record,) = await generated(generator, name, 1)
    fresh = refreshed(record, schema, SEED, 5)
    paths = set(identifier_paths(schema))
    assert {k: v for k, v in fresh.items() if k not in paths and k != "_index"} == {
        k: v for k, v in record.items() if k not in paths and k != "_index"
    }
    if "items" in record:
        assert [i["sku"] for i in fresh["items"]] == [i["sku"] for i in record["items"]]


def test_the_year_an_id_carries_is_kept() -> None:
    cart = predefined_schema("cart")
    record: Record = {"cart_id": "CRT-2019-0000001", "customer_id": "USR-0000001"}
    fresh = refreshed(record, cart, SEED, 9)
    assert re.fullmatch(r"CRT-2019-\d{7}", fresh["cart_id"])
    assert fresh["cart_id"] != record["cart_id"]
    assert re.fullmatch(r"USR-\d{7}", fresh["customer_id"])


def test_an_id_without_a_readable_year_takes_the_reference_year() -> None:
    fresh = refreshed({"cart_id": "not-an-id"}, predefined_schema("cart"), SEED, 9)
    assert re.fullmatch(r"CRT-2026-\d{7}", fresh["cart_id"])


def test_null_and_missing_ids_stay_so() -> None:
    fresh = refreshed({"cart_id": None}, predefined_schema("cart"), SEED, 9)
    assert fresh == {"_index": 9, "cart_id": None}


def test_identifier_paths_of_a_custom_schema() -> None:
    assert identifier_paths(CUSTOM) == ("id", "account_id", "ref", "meta.trace_id")


def test_custom_ids_keep_their_shape() -> None:
    fresh = refreshed(TICKET, CUSTOM, SEED, 12)
    assert uuid.UUID(fresh["id"]).version == 4
    assert str(uuid.UUID(fresh["id"])) == fresh["id"]
    assert fresh["id"] != TICKET["id"]
    assert re.fullmatch(r"AC-\d{5}", fresh["account_id"])
    assert fresh["account_id"] != TICKET["account_id"]
    assert re.fullmatch(r"REF-2019-\d{5}", fresh["ref"])
    assert fresh["ref"] != TICKET["ref"]
    assert re.fullmatch(r"tr_\df\d{2}", fresh["meta"]["trace_id"])
    assert fresh["meta"]["trace_id"] != TICKET["meta"]["trace_id"]


def test_rule_shaped_fields_array_elements_and_other_fields_are_untouched() -> None:
    fresh = refreshed(TICKET, CUSTOM, SEED, 12)
    for name in ("kind_id", "code_id", "title", "lines", "_scenario"):
        assert fresh[name] == TICKET[name], name


def test_an_id_without_digits_gets_a_unique_number_appended() -> None:
    values = {refreshed({"account_id": "acme"}, CUSTOM, SEED, i)["account_id"] for i in range(500)}
    assert len(values) == 500
    assert all(re.fullmatch(r"acme-\d{6}", v) for v in values)


@pytest.mark.parametrize("path", ["id", "account_id", "ref", "meta.trace_id"])
def test_custom_ids_are_unique_over_many_indexes(path: str) -> None:
    """`account_id` has two digits and `tr_9f31` three: past 10**N indexes ids grow longer
    rather than repeat. `ref`'s five-digit run bounds it to 10**5 records, like generation."""
    refresher = IdentityRefresher(CUSTOM, SEED)
    values = []
    for index in range(MANY):
        record = copy.deepcopy(TICKET) | {"account_id": "AC-12"}
        refresher.refresh(record, index)
        values.append(at(record, path))
    assert len(set(values)) == MANY
    if path == "account_id":
        assert all(re.fullmatch(r"AC-\d{2,5}", v) for v in values)
        assert re.fullmatch(r"AC-\d{2}", values[0])


def test_templates_with_several_runs_are_unique_and_reproducible() -> None:
    schema = EntitySchema(
        name="parcel",
        domain="",
        description="",
        fields=(FieldSpec("tracking", FieldType.STRING),),
        rules={"tracking": FieldConstraint(format="TRK-{random:4}/{random:3}")},
    )
    refresher = IdentityRefresher(schema, SEED)
    values = []
    for index in range(MANY):
        record: Record = {"tracking": "TRK-0000/000"}
        refresher.refresh(record, index)
        values.append(record["tracking"])
    assert len(set(values)) == MANY
    assert all(re.fullmatch(r"TRK-\d{4}/\d{3}", v) for v in values)
    assert refreshed({"tracking": "x"}, schema, SEED, 77)["tracking"] == values[77]
