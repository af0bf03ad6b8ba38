"""When the router prefers the RAG path (the PRD's rule set): learn_from_history,
defect_triggering, production_like, or "similar to" in the hints or the context."""

from __future__ import annotations

from collections.abc import Sequence

from generators.core.hints import SIMILAR_TO, asks_similar
from generators.core.protocol import GenerationPath, Routing, Signal
from generators.core.request import GenerationRequest


def rag_signals(request: GenerationRequest) -> Sequence[Signal]:
    path = GenerationPath.RAG
    candidates = (
        (request.learn_from_history, Signal(path, 2.0, "learn_from_history")),
        (request.defect_triggering, Signal(path, 2.0, "defect_triggering")),
        (request.production_like, Signal(path, 2.0, "production_like")),
        (asks_similar(request), Signal(path, 1.5, f'"{SIMILAR_TO}" in hints or context')),
    )
    return [signal for present, signal in candidates if present]


RAG_ROUTING = Routing(cost=1, signals=rag_signals, fallbacks=(GenerationPath.TRADITIONAL,))
