"""The knowledge base on the real local Weaviate: retrieval quality on the starter set,
idempotent upserts, and feedback moving a pattern's quality and rank."""

from __future__ import annotations

import dataclasses
import uuid

import pytest

from generators.core.knowledge import PatternQuery
from generators.knowledge.learning import defect_from_event, feedback_from_event, pattern_id
from generators.knowledge.starter_set import SEED_RATING, load_starter_set
from streams.seed import seed
from testing.weaviate import InspectableStore

pytestmark = pytest.mark.integration


def defects_query(entity: str, text: str, limit: int = 5) -> PatternQuery:
    return PatternQuery("ecommerce", entity, text, limit, patterns=False, defects=True)


@pytest.mark.parametrize(
    ("entity", "text", "expected"),
    [
        ("payment", "refund of one cent stored as zero: cents rounding error", "DEF-3006"),
        ("payment", "leap year February 29 card expiration check", "DEF-3001"),
        ("cart", "tax of half a cent rounded differently by two services", "DEF-1002"),
    ],
)
async def test_a_query_about_a_defect_finds_that_defect_first(
    knowledge: InspectableStore, entity: str, text: str, expected: str
) -> None:
    found = await knowledge.retrieve(defects_query(entity, text))

    assert [d.defect_id for d in found.defects][:1] == [expected]
    assert all(d.entity == entity for d in found.defects)


async def test_retrieval_is_semantic_not_only_keywords(
    knowledge: InspectableStore,
) -> None:
    """The query shares no content word with the defect (emoji, stripped, filter): the
    vectors find it."""
    found = await knowledge.retrieve(defects_query("review", "smiley pictograms were removed", 1))

    assert [d.defect_id for d in found.defects] == ["DEF-5003"]


async def test_results_are_filtered_by_entity_and_domain(
    knowledge: InspectableStore,
) -> None:
    query = PatternQuery("ecommerce", "review", "unicode name in a user account", 10)
    found = await knowledge.retrieve(dataclasses.replace(query, defects=True, samples=True))

    assert found.patterns and found.defects and found.samples
    entities = [k.entity for k in found.patterns] + [k.entity for k in found.defects]
    assert {*entities, *(k.entity for k in found.samples)} == {"review"}
    unknown_domain = dataclasses.replace(query, domain="no-such-domain", defects=True)
    fallback = await knowledge.retrieve(unknown_domain)
    assert fallback.defects, "an unknown domain falls back to the entity across domains"


async def test_seeding_twice_changes_nothing(knowledge: InspectableStore) -> None:
    starter = load_starter_set()
    before = await knowledge.retrieve(PatternQuery("ecommerce", "cart", "cart", 50))

    await seed(knowledge, starter)

    after = await knowledge.retrieve(PatternQuery("ecommerce", "cart", "cart", 50))
    cart_patterns = [p for p in starter.patterns if p.entity == "cart"]
    assert len(before.patterns) == len(after.patterns) == len(cart_patterns)


async def test_re_sending_a_defect_replaces_it(knowledge: InspectableStore) -> None:
    defect_id = f"DEF-T-{uuid.uuid4().hex[:6]}"
    event = {
        "defect_id": defect_id,
        "domain": "ecommerce",
        "entity": "order",
        "trigger_data": '{"shipping_method": "same_day"}',
        "defect_description": "first report",
        "severity": "low",
    }
    await knowledge.upsert_defects([defect_from_event(event)])
    await knowledge.upsert_defects([defect_from_event({**event, "defect_description": "fixed"})])

    stored = await knowledge.defect(defect_id)
    found = await knowledge.retrieve(defects_query("order", "same day shipping fixed", 20))
    assert stored is not None and stored.description == "fixed"
    assert [d.defect_id for d in found.defects].count(defect_id) == 1


async def test_feedback_moves_quality_and_a_redelivered_verdict_changes_nothing(
    knowledge: InspectableStore,
) -> None:
    starter = next(p for p in load_starter_set().patterns if p.entity == "review")
    pid = pattern_id(starter.domain, starter.entity, starter.data)
    verdict = {
        "feedback_id": f"fb-{uuid.uuid4().hex[:6]}",
        "domain": "ecommerce",
        "entity": "review",
        "data": [{"_index": 3, "_scenario": starter.scenario, **starter.data}],
        "quality_score": 0.0,
    }
    feedback = feedback_from_event(verdict)

    await knowledge.apply_feedback(feedback)
    once = await knowledge.pattern(pid)
    await knowledge.apply_feedback(feedback)
    twice = await knowledge.pattern(pid)

    assert once is not None and twice == once
    assert once.usage_count == 2 and SEED_RATING in once.ratings
    assert once.quality_score == pytest.approx(starter.quality_score / 2)


async def test_of_two_equally_relevant_patterns_the_better_rated_ranks_first(
    knowledge: InspectableStore,
) -> None:
    base = {"domain": "ecommerce", "entity": "user", "scenario": "twin_test"}
    record = {"first_name": "Twin", "last_name": "Quokka", "loyalty_tier": "Gold"}
    twins = [{**record, "loyalty_points": points} for points in (1111, 2222)]
    for n, (twin, score) in enumerate(zip(twins, (0.2, 1.0), strict=True)):
        await knowledge.apply_feedback(
            feedback_from_event(
                {**base, "feedback_id": f"twin-{n}-{uuid.uuid4().hex[:6]}", "data": [twin]}
                | {"quality_score": score}
            )
        )
    query = PatternQuery("ecommerce", "user", "Twin Quokka twin test Gold", 2)

    found = await knowledge.retrieve(query)

    assert [p.data["loyalty_points"] for p in found.patterns] == [2222, 1111]
