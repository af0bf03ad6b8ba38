"""What to ask the knowledge base for a request, and how to rank what comes back."""

from __future__ import annotations

from collections.abc import Sequence

from generators.core.hints import asks_similar
from generators.core.knowledge import PatternQuery, TestDataPattern
from generators.core.request import GenerationRequest
from generators.core.schema import EntitySchema

#: Candidates fetched per wanted pattern, so that quality can re-rank them.
CANDIDATES_PER_PATTERN = 3


def entity_of(request: GenerationRequest, schema: EntitySchema) -> str:
    """Knowledge is filed by entity: the predefined schema's name, else the request's entity."""
    return schema.name if schema.predefined else request.entity.strip().lower()


def pattern_query(request: GenerationRequest, schema: EntitySchema, top_k: int) -> PatternQuery:
    """The search text is what the caller said (context, scenarios, hints) plus the entity;
    which collections are searched follows the request's flags."""
    entity = entity_of(request, schema)
    words = [entity, request.context.strip()]
    for scenario in request.scenarios:
        words += [scenario.name.replace("_", " "), scenario.description.strip()]
    words += [hint for hint in request.hints if hint.strip()]
    if request.defect_triggering:
        words.append("defect bug regression edge case")
    if request.production_like:
        words.append("production distribution")
    wants_patterns = request.learn_from_history or asks_similar(request)
    return PatternQuery(
        domain=request.domain.strip().lower(),
        entity=entity,
        text=" ".join(w for w in words if w),
        limit=top_k,
        patterns=wants_patterns or not (request.defect_triggering or request.production_like),
        defects=request.defect_triggering,
        samples=request.production_like,
    )


def prefer_quality(
    candidates: Sequence[TestDataPattern], limit: int
) -> tuple[TestDataPattern, ...]:
    """Relevance weighted by quality: a pattern QA rated 1.0 outranks an equally relevant one
    rated 0.2, while quality alone does not lift an irrelevant pattern to the top."""
    ranked = sorted(
        candidates, key=lambda p: p.score * (0.25 + 0.75 * p.quality_score), reverse=True
    )
    return tuple(ranked[:limit])
