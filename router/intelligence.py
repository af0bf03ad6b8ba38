"""The Intelligence Router: a pure function from a request (and the paths a worker serves, and
which of them are available) to a path.

Each path declares its `Routing` (`generators.core.protocol`): the weighted signals it reads in
a request (the PRD's rule sets live with the paths: `generators/paths/*/routing.py`), its cost
rank, and what it falls back to. A path that combines others (hybrid: rag + llm) scores their
signals together, but only when the first has some and a strong signal (a realistic/coherent
hint, free-text fields, scenario descriptions) is among them -- e.g. defect_triggering +
realistic.

The highest score wins; ties go to the cheaper path (traditional, rag, llm, hybrid). Confidence
is the winner's share of all signal weight (never undefined: a request either gives context or
it does not, and both are signals). When the winner is unavailable the router falls back along
its `fallbacks` (hybrid to llm or rag, anything to traditional, which is always available) and
says what it wanted, why, and that it was unavailable; the confidence is then the fallback's own
share, low when the signals pointed elsewhere.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from generators.core.protocol import Routing, Signal
from generators.core.request import GenerationRequest


@dataclass(frozen=True, slots=True)
class RoutingDecision:
    path: str
    reason: str
    confidence: float


def routing_signals(request: GenerationRequest, paths: Mapping[str, Routing]) -> list[Signal]:
    """Every signal the request gives, path by path in the order the paths are listed."""
    return [signal for routing in paths.values() for signal in routing.signals(request)]


def route(
    request: GenerationRequest,
    paths: Mapping[str, Routing],
    available: frozenset[str],
    why_unavailable: Mapping[str, str] | None = None,
) -> RoutingDecision:
    """`why_unavailable` may say why a path is missing, so the reason can tell the caller."""
    signals = routing_signals(request, paths)
    order = sorted(paths, key=lambda name: paths[name].cost)
    scores = {name: sum(s.weight for s in signals if s.path == name) for name in order}
    for name in order:
        combines = paths[name].combines
        if combines and scores[combines[0]] > 0 and any(s.strong for s in signals):
            scores[name] = sum(scores[part] for part in combines)
    total = sum(signal.weight for signal in signals)
    wanted = max(order, key=lambda name: (scores[name], -order.index(name)))
    why = _explain(wanted, paths[wanted], signals)
    fallbacks = paths[wanted].fallbacks
    if wanted in available or not fallbacks:
        others = ", ".join(f"{name} {scores[name]:g}" for name in order if name != wanted)
        reason = f"{wanted}: {why} (score {scores[wanted]:g}; {others})"
        return RoutingDecision(wanted, reason, round(scores[wanted] / total, 2))
    chosen = next((name for name in fallbacks if name in available), fallbacks[-1])
    missing = (why_unavailable or {}).get(wanted)
    unavailable = f"{wanted} is unavailable" + (f" ({missing})" if missing else "")
    reason = f"wanted {wanted} ({why}) but {unavailable}; falling back to {chosen}"
    return RoutingDecision(chosen, reason, round(scores.get(chosen, 0.0) / total, 2))


def _explain(name: str, routing: Routing, signals: Sequence[Signal]) -> str:
    if routing.combines:
        return " with ".join(
            f"{part} signals {', '.join(s.label for s in signals if s.path == part)}"
            for part in routing.combines
        )
    return ", ".join(s.label for s in signals if s.path == name)
