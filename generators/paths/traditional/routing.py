"""When the router prefers the traditional path (the PRD's rule set): a "fast" hint, more than
500 records, no context, only structured fields."""

from __future__ import annotations

from collections.abc import Sequence

from generators.core.hints import Hint, has_hint
from generators.core.protocol import GenerationPath, Routing, Signal
from generators.core.request import GenerationRequest
from generators.core.schema import is_free_text, iter_field_paths
from generators.entities.registry import fields_of

HIGH_VOLUME = 500


def traditional_signals(request: GenerationRequest) -> Sequence[Signal]:
    path = GenerationPath.TRADITIONAL
    fields = fields_of(request)
    text_fields = any(is_free_text(spec) for _, spec in iter_field_paths(fields or ()))
    candidates = (
        (has_hint(request, Hint.FAST), Signal(path, 3.0, 'hint "fast"')),
        (
            request.count > HIGH_VOLUME,
            Signal(path, 1.5, f"{request.count} records (>{HIGH_VOLUME})"),
        ),
        (not request.context.strip(), Signal(path, 0.5, "no context")),
        (fields is not None and not text_fields, Signal(path, 0.5, "structured fields only")),
    )
    return [signal for present, signal in candidates if present]


#: The cheapest path, always available: the last resort of every other path.
TRADITIONAL_ROUTING = Routing(cost=0, signals=traditional_signals)
