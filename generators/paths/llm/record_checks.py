"""Validation of merged records against the schema's rules, as problems to quote back.

Schema rules (presence, types, min/max, enums, regex, lengths, formats) are what a retry can
fix, so they are what triggers one. Entity heuristics (e.g. whether review text "carries the
sentiment") only feed the coherence score: retrying on a heuristic would waste calls.
"""

from __future__ import annotations

from collections.abc import Sequence

from generators.core.record import Record
from generators.core.schema import EntitySchema
from generators.entities.lookup import behaviour_of
from generators.quality.coherence import RuleChecker

#: At most this many problems are quoted in a retry prompt.
MAX_QUOTED_PROBLEMS = 20


def record_problems(records: Sequence[Record], schema: EntitySchema) -> list[str]:
    """`record <position> (<scenario>): <rule>` for each schema rule a record breaks."""
    checker = RuleChecker(schema)
    problems: list[str] = []
    for position, record in enumerate(records):
        scenario = record.get("_scenario")
        problems += [f"record {position} ({scenario}): {rule}" for rule in checker.broken(record)]
    return problems + behaviour_of(schema).scenario_problems(records)


def quote_problems(problems: Sequence[str]) -> str:
    shown = [f"- {p}" for p in problems[:MAX_QUOTED_PROBLEMS]]
    if len(problems) > MAX_QUOTED_PROBLEMS:
        shown.append(f"- ... and {len(problems) - MAX_QUOTED_PROBLEMS} more")
    return "\n".join(shown)
