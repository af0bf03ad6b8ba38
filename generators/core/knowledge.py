"""What the knowledge base holds and how the RAG core asks for it.

Three kinds of knowledge, after the PRD's Weaviate collections: good test data (`TestDataPattern`,
rated by QA feedback), data that once triggered a defect (`DefectPattern`, from defect trackers)
and summaries of production data (`ProductionSample`, with distribution stats). The core sees
them as plain values through `PatternStore`; Weaviate lives behind it in `clients/`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from generators.core.record import Record


@dataclass(frozen=True, slots=True)
class TestDataPattern:
    """Good test data for one entity and scenario. `ratings` maps each feedback id (or "seed"
    for the starter set) to its 0..1 verdict; the quality score is their mean."""

    __test__ = False  # not a pytest test class, whatever its name says

    domain: str
    entity: str
    scenario: str
    data: Record
    description: str = ""
    ratings: Mapping[str, float] = field(default_factory=dict)
    created_at: str = ""
    score: float = 0.0  # retrieval relevance, when it came from a search

    @property
    def quality_score(self) -> float:
        return sum(self.ratings.values()) / len(self.ratings) if self.ratings else 0.5

    @property
    def usage_count(self) -> int:
        """Verdicts received: each one is a team having used this data."""
        return len(self.ratings)


@dataclass(frozen=True, slots=True)
class DefectPattern:
    """Data that triggered a defect: `triggers` are partial records (one per variant)."""

    defect_id: str
    domain: str
    entity: str
    triggers: tuple[Record, ...]
    description: str = ""
    severity: str = "medium"
    discovered_at: str = ""
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class ProductionSample:
    """An anonymised production record with the distribution stats of its population:
    `stats` maps a dotted numeric field (or `<array>.length`) to mean/stdev/min/max/p50/p95,
    and an enum field to `{"frequencies": {value: share}}`."""

    domain: str
    entity: str
    data: Record
    stats: Mapping[str, Mapping[str, Any]]
    description: str = ""
    sample_date: str = ""
    score: float = 0.0


@dataclass(frozen=True, slots=True)
class PatternQuery:
    """A search: free text, restricted to an entity (and a domain when the request names one)."""

    domain: str
    entity: str
    text: str
    limit: int
    patterns: bool = True
    defects: bool = False
    samples: bool = False


@dataclass(frozen=True, slots=True)
class RetrievedContext:
    patterns: tuple[TestDataPattern, ...] = ()
    defects: tuple[DefectPattern, ...] = ()
    samples: tuple[ProductionSample, ...] = ()

    @property
    def empty(self) -> bool:
        return not (self.patterns or self.defects or self.samples)


class PatternStore(Protocol):
    """Read side: what the RAG and hybrid paths retrieve."""

    async def retrieve(self, query: PatternQuery) -> RetrievedContext:
        """Best matches first; raises PatternStoreUnavailable when the store is down."""
        ...

    async def problem(self) -> str | None:
        """None when the store answers, else a few words on why not."""
        ...


@dataclass(frozen=True, slots=True)
class Feedback:
    feedback_id: str
    domain: str
    entity: str
    scenario: str
    records: tuple[Record, ...]
    quality_score: float
    submitted_at: str = ""


class KnowledgeWriter(Protocol):
    """Write side: what the learning loop changes. Both writes are idempotent."""

    async def upsert_defects(self, defects: Sequence[DefectPattern]) -> None: ...

    async def apply_feedback(self, feedback: Feedback) -> list[TestDataPattern]: ...
