"""Validation of merged records against the schema's rules, as problems to quote back.

Schema rules (presence, types, min/max, enums, regex, lengths, formats) are what a retry can
fix, so they are what triggers one. Entity heuristics (e.g. whether review text "carries the
sentiment") only feed the coherence score: retrying on a heuristic would waste calls.
"""

from __future__ import annotations

import dataclasses
from collections import Counter
from collections.abc import Sequence

from generators.core.protocol import Record
from generators.core.schema import EntitySchema
from generators.paths.llm.repair import scenario_shape_problems
from generators.quality.coherence import CoherenceTracker

#: At most this many problems are quoted in a retry prompt.
MAX_QUOTED_PROBLEMS = 20


def record_problems(records: Sequence[Record], schema: EntitySchema) -> list[str]:
    """`record <position> (<scenario>): <rule>` for each schema rule a record breaks."""
    tracker = CoherenceTracker(dataclasses.replace(schema, predefined=False))
    problems: list[str] = []
    for position, record in enumerate(records):
        before = Counter(tracker.violations)
        tracker.add((record,))
        broken = tracker.violations - before
        problems += [
            f"record {position} ({record.get('_scenario')}): {rule}" for rule in sorted(broken)
        ]
    return problems + scenario_shape_problems(records, schema)


def quote_problems(problems: Sequence[str]) -> str:
    shown = [f"- {p}" for p in problems[:MAX_QUOTED_PROBLEMS]]
    if len(problems) > MAX_QUOTED_PROBLEMS:
        shown.append(f"- ... and {len(problems) - MAX_QUOTED_PROBLEMS} more")
    return "\n".join(shown)
