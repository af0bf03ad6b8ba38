"""Merging the model's judgement fields into code-made records, and recomputing what follows.

Each batch starts as records from the traditional generator ("skeletons": ids, timestamps,
currency, addresses, `_index`, `_scenario`, all deterministic from the request's seed). The
model's values replace only the judgement fields (see `division`); everything derived from them
is then recomputed by the entity's own code (`EntityBehaviour.repair`: a cart's SKUs and money
in integer cents, a user's email from the new name).

Keys the model adds beyond the judgement fields and the template's tag are dropped.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from generators.core.record import Record
from generators.core.request import FieldSpec, FieldType
from generators.core.schema import EntitySchema
from generators.entities.lookup import behaviour_of


def merge_batch(
    skeletons: Sequence[Record],
    replies: Sequence[Any],
    fields: tuple[FieldSpec, ...],
    schema: EntitySchema,
    tag: str | None,
) -> tuple[list[Record], list[str]]:
    """Skeletons with the model's fields merged in and derived fields recomputed, plus the
    problems found in matching replies to skeletons (wrong count, records per scenario other
    than asked, non-object records)."""
    repair = behaviour_of(schema).repair
    problems: list[str] = []
    if len(replies) != len(skeletons):
        problems.append(f"expected exactly {len(skeletons)} records, got {len(replies)}")
    ordered, miscounted = _match_by_scenario(skeletons, replies)
    problems.extend(miscounted)
    merged: list[Record] = []
    for position, (skeleton, reply) in enumerate(zip(skeletons, ordered, strict=True)):
        if not isinstance(reply, Mapping):
            if reply is not _UNANSWERED:
                problems.append(f"record {position}: not a JSON object")
            elif not miscounted:
                problems.append(f"record {position}: missing")
            merged.append(dict(skeleton))
            continue
        record = merge_record(skeleton, reply, fields, tag)
        repair(record, skeleton)
        merged.append(record)
    return merged, problems


#: A skeleton no reply was matched to (told apart from a reply that is JSON null)
_UNANSWERED = object()


def _match_by_scenario(
    skeletons: Sequence[Record], replies: Sequence[Any]
) -> tuple[list[Any], list[str]]:
    """Replies in skeleton order: by `_scenario` when the model labelled every reply with a
    scenario of this batch, else by position; a skeleton left without a reply gets
    `_UNANSWERED`. With labels, also each scenario whose reply count differs from the asked one
    (`scenario "single_item": 4 records, 1 asked`): the problem a retry must fix, where the
    skeletons left unanswered would only say that records are missing."""
    wanted = {s["_scenario"] for s in skeletons}
    labelled = all(isinstance(r, Mapping) and r.get("_scenario") in wanted for r in replies)
    if not labelled:
        return [replies[i] if i < len(replies) else _UNANSWERED for i in range(len(skeletons))], []
    queues: dict[str, list[Any]] = defaultdict(list)
    for reply in replies:
        queues[reply["_scenario"]].append(reply)
    asked = Counter(s["_scenario"] for s in skeletons)
    miscounted = [
        f'scenario "{name}": {len(queues[name])} records, {count} asked'
        for name, count in asked.items()
        if len(queues[name]) != count
    ]
    ordered = [
        queues[s["_scenario"]].pop(0) if queues[s["_scenario"]] else _UNANSWERED for s in skeletons
    ]
    return ordered, miscounted


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
