"""Edge-case records for the traditional path: a layer applied to records after they are built.

When a request asks for edge cases (`generators.core.hints.wants_edge_cases`), every record is
turned into one kind of edge case and tagged `_edge_case_type`. The kinds are the schema's
behaviour's (`EntityBehaviour.edge_cases`: each predefined entity's own, and field-by-field ones
for custom schemas, `generators.entities.custom_edge_cases`). Kinds cycle deterministically
(record i tries kind i mod n first; a kind that cannot apply to that record hands over to the
next), and every variant still satisfies the request's constraints and the entity's coherence
rules.
"""

from __future__ import annotations

from random import Random

from generators.core.hints import EDGE_CASE_TAG
from generators.core.record import Record
from generators.core.schema import EntitySchema
from generators.entities.lookup import behaviour_of


class EdgeCaseLayer:
    """Applies edge-case kinds to built records, cycling over those the schema makes apply."""

    def __init__(self, schema: EntitySchema, reference_year: int) -> None:
        self._kinds = behaviour_of(schema).edge_cases(schema, reference_year)

    @property
    def kinds(self) -> tuple[str, ...]:
        return tuple(name for name, _ in self._kinds)

    def apply(self, record: Record, rng: Random, index: int) -> None:
        count = len(self._kinds)
        for step in range(count):
            name, kind = self._kinds[(index + step) % count]
            if kind(record, rng, index):
                record[EDGE_CASE_TAG] = name
                return
        record[EDGE_CASE_TAG] = None  # unreachable for the kinds defined here
