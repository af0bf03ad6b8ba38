"""Validation of merged records against the schema's rules and their scenario, as problems to
quote back.

Schema rules (presence, types, min/max, enums, regex, lengths, formats) and what a scenario
asks (a `single_item` cart's one item) are what a retry can fix, so they are what rejects a
record. Entity heuristics (e.g. whether review text "carries the sentiment") only feed the
coherence score: retrying on a heuristic would waste calls.
"""

from __future__ import annotations

from collections.abc import Sequence

from generators.core.record import Record
from generators.core.schema import EntitySchema
from generators.entities.lookup import behaviour_of
from generators.quality.coherence import RuleChecker

#: At most this many problems are quoted in a retry prompt.
MAX_QUOTED_PROBLEMS = 20


class RecordChecks:
    """The checks one schema's records must pass, built once per run."""

    def __init__(self, schema: EntitySchema) -> None:
        self._rules = RuleChecker(schema)
        self._scenario = behaviour_of(schema).scenario_problems

    def problems(self, record: Record) -> list[str]:
        """Each schema rule the record breaks (`items.quantity: min`), then what its scenario
        asks that it does not do."""
        return [*self._rules.broken(record), *self._scenario(record)]


def quote_problems(problems: Sequence[str]) -> str:
    shown = [f"- {p}" for p in problems[:MAX_QUOTED_PROBLEMS]]
    if len(problems) > MAX_QUOTED_PROBLEMS:
        shown.append(f"- ... and {len(problems) - MAX_QUOTED_PROBLEMS} more")
    return "\n".join(shown)
