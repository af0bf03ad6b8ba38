"""Whether a request asks for edge cases, and the tag edge-case records carry.

Kept apart from `generators.edge_cases` so that schema resolution can declare the tag without
importing the edge-case builders.
"""

from __future__ import annotations

from generators.core.request import GenerationRequest

EDGE_CASE_TAG = "_edge_case_type"
EDGE_CASE_HINTS = frozenset({"edge_case", "edge_cases", "defect_triggering"})


def wants_edge_cases(request: GenerationRequest) -> bool:
    """Hint `edge_case`/`edge_cases`/`defect_triggering`, or the `defect_triggering` flag."""
    return request.defect_triggering or any(request.has_hint(h) for h in EDGE_CASE_HINTS)
