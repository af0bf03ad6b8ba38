"""Reading intent from scenario names: `single_item`, `high_value`, `empty_cart`, `declined`...

Names are compared as underscore-separated words, case-insensitively, so `High-Value carts`,
`high_value` and `HIGH VALUE` all mean the same thing.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_SEPARATORS = re.compile(r"[^a-z0-9]+")


def _words(text: str) -> str:
    """`text` as `_word_word_`, so a whole-word search is a substring search."""
    return f"_{_SEPARATORS.sub('_', text.lower()).strip('_')}_"


def names(scenario: str, phrase: str) -> bool:
    """Whether the scenario name contains `phrase` as whole words."""
    return _words(phrase) in _words(scenario)


def value_named_by(scenario: str, values: Sequence[str]) -> str | None:
    """The first of `values` the scenario name mentions, e.g. `declined` in `declined_card`."""
    return next((value for value in values if names(scenario, value)), None)


def without_failures(scenario: str, values: tuple[str, ...], failures: set[str]) -> tuple[str, ...]:
    """`values` minus `failures` for a happy-path scenario (unless that leaves nothing)."""
    if not names(scenario, "happy"):
        return values
    return tuple(v for v in values if v not in failures) or values
