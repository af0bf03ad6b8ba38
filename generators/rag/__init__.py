"""The RAG and hybrid paths and the learning loop's pure core.

Owns what the knowledge base holds (`patterns`), what to ask it (`query`), how retrieved
knowledge becomes valid records (`overlay`, `distributions`, `adapter`), the two paths
(`generator`, `hybrid`), and how defect and feedback events become knowledge (`learning`).
The bundled starter set lives in `seed/`. No I/O here: Weaviate is behind `PatternStore`.
"""

from generators.rag.adapter import SOURCE_TAG, RecordAdapter
from generators.rag.generator import RAGGenerator
from generators.rag.hybrid import HybridGenerator
from generators.rag.learning import (
    Feedback,
    InvalidLearningEvent,
    defect_from_event,
    feedback_from_event,
)
from generators.rag.patterns import (
    DefectPattern,
    PatternQuery,
    PatternStore,
    PatternStoreUnavailable,
    ProductionSample,
    RetrievedContext,
    TestDataPattern,
)

__all__ = [
    "SOURCE_TAG",
    "DefectPattern",
    "Feedback",
    "HybridGenerator",
    "InvalidLearningEvent",
    "PatternQuery",
    "PatternStore",
    "PatternStoreUnavailable",
    "ProductionSample",
    "RAGGenerator",
    "RecordAdapter",
    "RetrievedContext",
    "TestDataPattern",
    "defect_from_event",
    "feedback_from_event",
]
