"""Merging the model's judgement fields into code-made records, and recomputing what follows.

Each batch starts as records from the traditional generator ("skeletons": ids, timestamps,
currency, addresses, `_index`, `_scenario`, all deterministic from the request's seed). The
model's values replace only the judgement fields (see `division`); everything derived from them
is then recomputed by the entity's own code (`EntityBehaviour.repair`: a cart's SKUs and money
in integer cents, a user's email from the new name).

Keys the model adds beyond the judgement fields and the template's tag are dropped: whatever
a prompt injection makes a model write, it never changes ids, sums, `_index`, `_scenario` or
fields outside its share.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from generators.core.record import Record
from generators.core.request import FieldSpec, FieldType, Scenario
from generators.core.schema import EntitySchema
from generators.entities.lookup import behaviour_of
from generators.kinds.overrides import Override, apply_overrides, compile_overrides
from generators.paths.llm.record_checks import RecordChecks


class RecordFit:
    """Whether a reply makes a valid record at a batch position: the skeleton there merged
    with the reply, derived fields recomputed, the scenario's overrides applied, then checked
    against the schema's rules and what the skeleton's scenario asks."""

    def __init__(
        self,
        schema: EntitySchema,
        fields: tuple[FieldSpec, ...],
        tag: str | None,
        scenarios: Sequence[Scenario],
    ) -> None:
        self._fields = fields
        self._tag = tag
        self._repair = behaviour_of(schema).repair
        self._checks = RecordChecks(schema)
        self._overrides: dict[str, tuple[Override, ...]] = {
            s.name: compile_overrides(schema, s) for s in scenarios
        }

    def __call__(
        self, skeletons: Sequence[Record], position: int, reply: Any
    ) -> tuple[Record | None, list[str]]:
        """The record, or None and the problems that keep it out."""
        if not isinstance(reply, Mapping):
            return None, ["not a JSON object"]
        skeleton = skeletons[position]
        record = merge_record(skeleton, reply, self._fields, self._tag)
        self._repair(record, skeleton)
        overrides = self._overrides.get(record["_scenario"])
        if overrides:
            apply_overrides(record, overrides)
        problems = self._checks.problems(record)
        return (None, problems) if problems else (record, [])


def merge_record(
    skeleton: Record, reply: Mapping[str, Any], fields: tuple[FieldSpec, ...], tag: str | None
) -> Record:
    record = dict(skeleton)
    for spec in fields:
        if spec.name not in reply:
            continue
        value = reply[spec.name]
        if spec.type is FieldType.ARRAY and spec.nested_fields and isinstance(value, list):
            allowed = {child.name for child in spec.nested_fields}
            value = [
                {k: v for k, v in element.items() if k in allowed}
                if isinstance(element, Mapping)
                else element
                for element in value
            ]
        record[spec.name] = value
    if tag is not None and isinstance(reply.get(tag), str):
        record[tag] = reply[tag]
    return record
