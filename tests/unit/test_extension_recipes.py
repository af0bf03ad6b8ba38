"""The recipes of docs/architecture.md, done: a sixth entity registered in one line, and a
fifth path added to the worker's list in one line, each served end to end by the worker's
request flow (validation, routing, generation, coherence, output) without a broker."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from typing import Any

import orjson
import pytest

from config import Settings
from contracts.avro import AvroCodec, Contract
from contracts.requests import request_to_event
from generators.core.request import GenerationRequest, OutputFormat
from generators.entities import registry
from generators.entities.lookup import load_behaviours
from generators.entities.registry import list_schemas, register, resolve_schema
from generators.paths.llm.division import judgement_fields
from generators.paths.llm.routing import llm_signals
from generators.paths.traditional.generator import TraditionalGenerator
from generators.quality.validation import validate_request
from streams.dead_letters import IncomingEvent
from streams.processor import RequestProcessor
from testing.publisher import MemoryPublisher
from tests.extensions.stamp_path import StampPath
from tests.extensions.wishlist import WISHLIST

SETTINGS = Settings(_env_file=None)  # type: ignore[call-arg]
CODEC = AvroCodec()
REPLY = "testdata.reply.recipes.000"


@pytest.fixture
def wishlist(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The service's registry with the wishlist registered (the recipe's one line), for this
    test only."""
    monkeypatch.setattr(registry, "ENTITIES", dict(registry.ENTITIES))
    register(WISHLIST)
    yield


async def answer(
    request: GenerationRequest, *extra_paths: Any
) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    publisher = MemoryPublisher(CODEC)
    traditional = TraditionalGenerator(batch_size=50)
    paths = [traditional, *(make(traditional) for make in extra_paths)]
    processor = RequestProcessor(SETTINGS.kafka, SETTINGS.generation, CODEC, publisher, paths)
    value = CODEC.encode(Contract.GENERATE_REQUESTED, request_to_event(request))
    await processor.handle(IncomingEvent(SETTINGS.request_topic, 0, 1, b"k", value))
    chunks = publisher.decoded(REPLY, Contract.DATA_CHUNK)
    assert chunks[-1]["error"] is None, chunks[-1]["error"]
    if request.output_format is not OutputFormat.JSON:
        return [], chunks[-1]["metadata"]
    records = [record for chunk in chunks for record in orjson.loads(chunk["data"])]
    return records, chunks[-1]["metadata"]


def wishlists(**changes: Any) -> GenerationRequest:
    return GenerationRequest(
        request_id="wish", entity="wishlist", count=120, reply_topic=REPLY, **changes
    )


@pytest.mark.usefixtures("wishlist")
async def test_a_registered_entity_is_listed_validated_and_generated_coherently() -> None:
    request = wishlists()

    assert "wishlist" in [schema.name for schema in list_schemas("ecommerce")]
    assert validate_request(request, max_records=1000, max_context_bytes=65_536) == []
    assert "wishlist" in load_behaviours()
    records, metadata = await answer(request)

    assert len(records) == 120 and metadata["generation_path"] == "traditional"
    assert metadata["coherence_score"] == 1.0
    assert all(r["wishlist_id"].startswith("WSH-") for r in records)
    assert len({r["wishlist_id"] for r in records}) == 120
    assert all(
        [i["rank"] for i in r["items"]] == list(range(1, len(r["items"]) + 1)) for r in records
    )


@pytest.mark.usefixtures("wishlist")
async def test_a_registered_entity_brings_its_edge_cases_traits_and_output_columns() -> None:
    edge_records, _ = await answer(wishlists(hints=("edge_case",)))
    assert {r["_edge_case_type"] for r in edge_records} == {"empty_wishlist", "single_item"}

    signals = [signal.label for signal in llm_signals(wishlists())]
    assert 'entity "wishlist" needs item coherence' in signals

    schema = resolve_schema(wishlists())
    assert [f.name for f in judgement_fields(schema)] == ["items"]
    _, sql = await answer(wishlists(output_format=OutputFormat.SQL))
    assert sql["record_count"] == 120


@pytest.mark.parametrize(
    ("behaviour", "error"),
    [
        ("tests.extensions.wishlist.nowhere", ModuleNotFoundError),
        ("tests.extensions.stamp_path", TypeError),  # a module without a BEHAVIOUR
    ],
)
def test_an_entity_whose_behaviour_is_missing_fails_when_the_worker_loads_it(
    monkeypatch: pytest.MonkeyPatch, behaviour: str, error: type[Exception]
) -> None:
    monkeypatch.setattr(registry, "ENTITIES", dict(registry.ENTITIES))
    register(dataclasses.replace(WISHLIST, behaviour=behaviour))

    with pytest.raises(error, match=r"wishlist|nowhere"):
        load_behaviours()


def test_an_entity_registered_twice_is_refused(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(registry, "ENTITIES", dict(registry.ENTITIES))
    register(WISHLIST)

    with pytest.raises(ValueError, match="registered already"):
        register(WISHLIST)


async def test_an_unregistered_entity_is_refused_naming_the_known_ones() -> None:
    problems = validate_request(wishlists(), max_records=1000, max_context_bytes=65_536)

    assert problems[0].field == "entity" and "unknown schema 'wishlist'" in problems[0].message


async def test_a_path_added_to_the_list_is_routed_to_and_reported() -> None:
    request = GenerationRequest(
        request_id="stamp", entity="user", count=30, hints=("stamped",), reply_topic=REPLY
    )

    records, metadata = await answer(request, StampPath)
    plain, plain_metadata = await answer(
        GenerationRequest(request_id="plain", entity="user", count=30, reply_topic=REPLY),
        StampPath,
    )

    assert metadata["generation_path"] == "stamped"
    assert metadata["routing_reason"].startswith('stamped: hint "stamped"')
    assert all(record["_stamp"] == "stamped" for record in records)
    assert plain_metadata["generation_path"] == "traditional"
    assert all("_stamp" not in record for record in plain)
