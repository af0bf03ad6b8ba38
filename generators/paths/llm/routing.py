"""When the router prefers the LLM path (the PRD's rule set): context given, "realistic" or
"coherent" hints, free-text fields (description, review, comment, body, title...), an entity
whose items must belong together, scenario descriptions. The hints, free text and descriptions
are strong: with RAG signals they make a request hybrid."""

from __future__ import annotations

from collections.abc import Sequence

from generators.core.hints import Hint, has_hint
from generators.core.protocol import GenerationPath, Routing, Signal
from generators.core.request import GenerationRequest
from generators.core.schema import is_free_text, iter_field_paths
from generators.entities.registry import entity_named, fields_of


def llm_signals(request: GenerationRequest) -> Sequence[Signal]:
    path = GenerationPath.LLM
    text_fields = [
        p for p, spec in iter_field_paths(fields_of(request) or ()) if is_free_text(spec)
    ]
    entity = None if request.fields else entity_named(request.schema_name)
    described = sum(1 for s in request.scenarios if s.description.strip())
    candidates = (
        (bool(request.context.strip()), Signal(path, 1.0, "context given")),
        (has_hint(request, Hint.REALISTIC), Signal(path, 1.5, 'hint "realistic"', strong=True)),
        (has_hint(request, Hint.COHERENT), Signal(path, 1.5, 'hint "coherent"', strong=True)),
        (
            bool(text_fields),
            Signal(path, 1.5, f"free-text fields {', '.join(text_fields)}", strong=True),
        ),
        (
            entity is not None and entity.item_coherence,
            Signal(path, 0.5, f'entity "{request.schema_name}" needs item coherence'),
        ),
        (
            described > 0,
            Signal(path, 0.5, f"{described} scenario description(s)", strong=True),
        ),
    )
    return [signal for present, signal in candidates if present]


LLM_ROUTING = Routing(cost=2, signals=llm_signals, fallbacks=(GenerationPath.TRADITIONAL,))
