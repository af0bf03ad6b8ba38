"""The learning loop's event handling, against in-memory Kafka and knowledge stand-ins."""

from __future__ import annotations

import json
from typing import Any

from contracts.avro import AvroCodec, Contract
from streams.dead_letters import DeadLetters, IncomingEvent
from streams.indexer import LearningIndexer
from testing.knowledge import MemoryKnowledge
from testing.publisher import MemoryPublisher

CODEC = AvroCodec()
DEAD = "testdata.dead-letter.unit"


def indexer(knowledge: MemoryKnowledge) -> tuple[LearningIndexer, MemoryPublisher]:
    publisher = MemoryPublisher()
    letters = DeadLetters(DEAD, CODEC, publisher)
    return LearningIndexer(CODEC, letters, knowledge, retry_first_s=0.001), publisher


def defect_event(**change: Any) -> IncomingEvent:
    event = {
        "defect_id": "DEF-7",
        "domain": "ecommerce",
        "entity": "payment",
        "trigger_data": json.dumps({"card_expiry": "02/28"}),
        "discovered_at": 0,
        **change,
    }
    value = CODEC.encode(Contract.DEFECT_REPORTED, event)
    return IncomingEvent("testdata.defects", 1, 42, b"DEF-7", value)


def dead_letters(publisher: MemoryPublisher) -> list[dict[str, Any]]:
    return [CODEC.decode(Contract.DEAD_LETTER, v) for t, _, v in publisher.sent if t == DEAD]


async def test_a_defect_is_written_once_the_store_comes_back_not_dropped() -> None:
    knowledge = MemoryKnowledge(failures=3)
    worker, publisher = indexer(knowledge)

    await worker.handle_defect(defect_event())

    assert [d.defect_id for d in knowledge.defects] == ["DEF-7"]
    assert knowledge.defects[0].triggers == ({"card_expiry": "02/28"},)
    assert publisher.sent == []


async def test_malformed_events_are_dead_lettered_with_the_field_and_not_written() -> None:
    knowledge = MemoryKnowledge()
    worker, publisher = indexer(knowledge)

    await worker.handle_defect(defect_event(trigger_data="[]"))
    await worker.handle_feedback(IncomingEvent("testdata.feedback", 0, 3, b"k", b"\x00\x01"))

    letters = dead_letters(publisher)
    assert [(le["source_topic"], le["field"]) for le in letters] == [
        ("testdata.defects", "trigger_data"),
        ("testdata.feedback", ""),
    ]
    assert letters[0]["source_offset"] == 42 and letters[1]["original_value"] == b"\x00\x01"
    assert knowledge.defects == [] and knowledge.feedback == []


async def test_data_the_store_refuses_is_dead_lettered_not_retried_forever() -> None:
    worker, publisher = indexer(MemoryKnowledge(refusing=True))

    await worker.handle_defect(defect_event())

    letters = dead_letters(publisher)
    assert len(letters) == 1 and "rejected by DefectPattern" in letters[0]["reason"]
