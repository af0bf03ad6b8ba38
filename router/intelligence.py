"""The Intelligence Router: a pure function from a request (and the available paths) to a path.

Each path collects weighted signals from the request, after the PRD's rule sets:

- traditional: a "fast" hint, more than 500 records, no context, only structured fields;
- llm: context given, "realistic"/"coherent" hints, free-text fields (description, review,
  comment, body, title...), a cart/order entity (item coherence), scenario descriptions;
- rag: learn_from_history, defect_triggering, production_like, "similar to" in hints or context;
- hybrid: only when rag signals meet a strong llm signal (a realistic/coherent hint, free-text
  fields, scenario descriptions) -- e.g. defect_triggering + realistic; it scores rag + llm.

The highest score wins; ties go to the cheaper path (traditional, rag, llm, hybrid). Confidence
is the winner's share of all signal weight (never undefined: a request either gives context or
it does not, and both are signals). When the
winner is unavailable the router falls back -- hybrid to llm or rag, anything to traditional,
which is always available -- and says what it wanted, why, and that it was unavailable; the
confidence is then the fallback's own share, low when the signals pointed elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from generators.core.hints import Hint, asks_similar, has_hint
from generators.core.protocol import GenerationPath
from generators.core.request import FieldSpec, GenerationRequest
from generators.core.schema import is_free_text, iter_field_paths
from generators.entities.registry import entity_named

__all__ = [
    "GenerationPath",
    "IntelligenceRouter",
    "RoutingDecision",
    "Signal",
    "route",
    "routing_signals",
]

HIGH_VOLUME = 500
_COST_ORDER = (
    GenerationPath.TRADITIONAL,
    GenerationPath.RAG,
    GenerationPath.LLM,
    GenerationPath.HYBRID,
)
_FALLBACKS: dict[GenerationPath, tuple[GenerationPath, ...]] = {
    GenerationPath.HYBRID: (GenerationPath.LLM, GenerationPath.RAG, GenerationPath.TRADITIONAL),
    GenerationPath.LLM: (GenerationPath.TRADITIONAL,),
    GenerationPath.RAG: (GenerationPath.TRADITIONAL,),
}


@dataclass(frozen=True, slots=True)
class RoutingDecision:
    path: GenerationPath
    reason: str
    confidence: float


@dataclass(frozen=True, slots=True)
class Signal:
    """One piece of evidence for a path. `strong` llm signals can make a rag request hybrid."""

    path: GenerationPath
    weight: float
    label: str
    strong: bool = False


def _fields_of(request: GenerationRequest) -> tuple[FieldSpec, ...] | None:
    """The request's fields (custom, else predefined), or None when the schema is unknown."""
    if request.fields:
        return request.fields
    entity = entity_named(request.schema_name)
    return entity.schema.fields if entity is not None else None


def routing_signals(request: GenerationRequest) -> list[Signal]:
    """Every signal the request gives, in a stable order."""
    traditional, llm, rag = GenerationPath.TRADITIONAL, GenerationPath.LLM, GenerationPath.RAG
    fields = _fields_of(request)
    text_fields = [p for p, spec in iter_field_paths(fields or ()) if is_free_text(spec)]
    context = request.context.strip()
    described = sum(1 for s in request.scenarios if s.description.strip())
    similar = asks_similar(request)
    entity = None if request.fields else entity_named(request.schema_name)
    signals: list[Signal] = []

    def add(present: bool, signal: Signal) -> None:
        if present:
            signals.append(signal)

    add(has_hint(request, Hint.FAST), Signal(traditional, 3.0, 'hint "fast"'))
    volume = f"{request.count} records (>{HIGH_VOLUME})"
    add(request.count > HIGH_VOLUME, Signal(traditional, 1.5, volume))
    add(not context, Signal(traditional, 0.5, "no context"))
    structured = fields is not None and not text_fields
    add(structured, Signal(traditional, 0.5, "structured fields only"))
    add(bool(context), Signal(llm, 1.0, "context given"))
    add(has_hint(request, Hint.REALISTIC), Signal(llm, 1.5, 'hint "realistic"', strong=True))
    add(has_hint(request, Hint.COHERENT), Signal(llm, 1.5, 'hint "coherent"', strong=True))
    free_text = f"free-text fields {', '.join(text_fields)}"
    add(bool(text_fields), Signal(llm, 1.5, free_text, strong=True))
    coherent_entity = entity is not None and entity.item_coherence
    needs_coherence = f'entity "{request.schema_name}" needs item coherence'
    add(coherent_entity, Signal(llm, 0.5, needs_coherence))
    descriptions = f"{described} scenario description(s)"
    add(described > 0, Signal(llm, 0.5, descriptions, strong=True))
    add(request.learn_from_history, Signal(rag, 2.0, "learn_from_history"))
    add(request.defect_triggering, Signal(rag, 2.0, "defect_triggering"))
    add(request.production_like, Signal(rag, 2.0, "production_like"))
    add(similar, Signal(rag, 1.5, '"similar to" in hints or context'))
    return signals


def route(
    request: GenerationRequest,
    available: frozenset[GenerationPath],
    why_unavailable: Mapping[GenerationPath, str] | None = None,
) -> RoutingDecision:
    """`why_unavailable` may say why a path is missing, so the reason can tell the caller."""
    signals = routing_signals(request)
    scores = {path: sum(s.weight for s in signals if s.path is path) for path in _COST_ORDER}
    rag, llm = GenerationPath.RAG, GenerationPath.LLM
    if scores[rag] > 0 and any(s.strong for s in signals):
        scores[GenerationPath.HYBRID] = scores[rag] + scores[llm]
    total = sum(scores[p] for p in (GenerationPath.TRADITIONAL, llm, rag))
    wanted = max(_COST_ORDER, key=lambda p: (scores[p], -_COST_ORDER.index(p)))
    why = _explain(wanted, signals)
    if wanted in available or wanted is GenerationPath.TRADITIONAL:
        others = ", ".join(f"{p} {scores[p]:g}" for p in _COST_ORDER if p is not wanted)
        reason = f"{wanted}: {why} (score {scores[wanted]:g}; {others})"
        return RoutingDecision(wanted, reason, round(scores[wanted] / total, 2))
    chosen = next(
        p for p in _FALLBACKS[wanted] if p in available or p is GenerationPath.TRADITIONAL
    )
    missing = (why_unavailable or {}).get(wanted)
    unavailable = f"{wanted} is unavailable" + (f" ({missing})" if missing else "")
    reason = f"wanted {wanted} ({why}) but {unavailable}; falling back to {chosen}"
    return RoutingDecision(chosen, reason, round(scores[chosen] / total, 2))


def _explain(path: GenerationPath, signals: list[Signal]) -> str:
    if path is GenerationPath.HYBRID:
        rag = [s.label for s in signals if s.path is GenerationPath.RAG]
        llm = [s.label for s in signals if s.path is GenerationPath.LLM]
        return f"rag signals {', '.join(rag)} with llm signals {', '.join(llm)}"
    return ", ".join(s.label for s in signals if s.path is path)


class IntelligenceRouter:
    """`route` bound to the paths this process can serve (traditional is always among them)."""

    def __init__(
        self, available: frozenset[GenerationPath] = frozenset({GenerationPath.TRADITIONAL})
    ) -> None:
        self.available = available | {GenerationPath.TRADITIONAL}

    def route(self, request: GenerationRequest) -> RoutingDecision:
        return route(request, self.available)
