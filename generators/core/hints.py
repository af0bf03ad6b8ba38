"""The one vocabulary of request hints, and what a request's hints and flags ask for.

Hints are free text from the caller, compared as words: case, surrounding blanks and the
separators `-`, `_` and space do not matter (`Edge-Case`, `edge cases` and `edge_case` are one
hint). The router, the traditional path's edge cases and the LLM templates all read them here.
"""

from __future__ import annotations

import re
from enum import StrEnum

from generators.core.request import GenerationRequest

#: The tag every record of an edge-case request carries: which edge case it is.
EDGE_CASE_TAG = "_edge_case_type"
#: Phrase that asks for data like something already known (in hints or context).
SIMILAR_TO = "similar to"

_SEPARATORS = re.compile(r"[\s_-]+")


class Hint(StrEnum):
    FAST = "fast"
    """Speed over realism: the traditional path."""
    REALISTIC = "realistic"
    """Text and item sets a model writes better than sampling."""
    COHERENT = "coherent"
    """Records whose parts belong together (a cart's items)."""
    EDGE_CASE = "edge_case"
    """Boundary values, unicode, empty and maximal strings, leap days, DST transitions."""
    DEFECT_TRIGGERING = "defect_triggering"
    """Data of the kind that has triggered defects before (as the request flag)."""


#: Other spellings that mean the same hint.
_SYNONYMS: dict[str, Hint] = {"edge_cases": Hint.EDGE_CASE, "edge": Hint.EDGE_CASE}


def normalise(hint: str) -> str:
    """`hint` as a word of the vocabulary: lower case, separators as one `_`."""
    return _SEPARATORS.sub("_", hint.strip().lower()).strip("_")


def hint_of(text: str) -> Hint | None:
    """The vocabulary's hint that `text` spells, if any."""
    word = normalise(text)
    return _SYNONYMS.get(word) or next((h for h in Hint if h.value == word), None)


def has_hint(request: GenerationRequest, hint: Hint) -> bool:
    return any(hint_of(text) is hint for text in request.hints)


def wants_edge_cases(request: GenerationRequest) -> bool:
    """Hint `edge_case` (or a spelling of it) or `defect_triggering`, or the flag."""
    return (
        request.defect_triggering
        or has_hint(request, Hint.EDGE_CASE)
        or has_hint(request, Hint.DEFECT_TRIGGERING)
    )


def asks_similar(request: GenerationRequest) -> bool:
    """`similar to` in the hints or the context."""
    return any(SIMILAR_TO in text.lower() for text in (request.context, *request.hints))
