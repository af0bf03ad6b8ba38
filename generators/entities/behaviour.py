"""`EntityBehaviour`: what the worker does with one entity's records.

A predefined entity's package holds its declaration (`__init__`, read by every process) and its
behaviour (`behaviour.py`, `BEHAVIOUR`), loaded only by the worker: how a record is built, which
coherence rules a record must keep, which edge cases the entity has, what code recomputes after
a model or a retrieved pattern rewrote some fields, and what its scenario names ask of a model
(as problems to quote, and as array lengths its JSON schema can fix).
Custom schemas have a behaviour too (`generators.entities.custom`), built field by field.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from random import Random
from typing import Any

from generators.core.record import Record
from generators.core.schema import EntitySchema
from generators.values.context import BuildContext, RecordBuilder

#: Entity rules beyond the schema's: (rule name, whether the record keeps it) per rule checked.
EntityChecks = Callable[[Mapping[str, Any]], Iterator[tuple[str, bool]]]
#: Turns a record into one kind of edge case in place; False when it cannot apply to it.
EdgeCase = Callable[[Record, Random, int], bool]
#: The edge cases of a schema (with the request's rules) in a reference year, by name.
EdgeCases = Callable[[EntitySchema, int], list[tuple[str, EdgeCase]]]
#: Recomputes what follows from rewritten fields (sums, emails): (record, its skeleton).
Repair = Callable[[Record, Record], None]
#: What its scenario name asks that a record fails, as problems to quote to a model.
ScenarioProblems = Callable[[Mapping[str, Any]], list[str]]
#: The item counts a scenario name fixes for the record's arrays, by field path: what the
#: model's JSON schema can say exactly (`single_item` carts: `{"items": (1, 1)}`).
ScenarioArrays = Callable[[str], Mapping[str, tuple[int, int]]]


@dataclass(frozen=True, slots=True)
class EntityBehaviour:
    """Every part is required, so a behaviour that leaves one out fails at import; the
    `no_*` helpers below say "none" explicitly."""

    builder: Callable[[BuildContext], RecordBuilder]
    checks: EntityChecks
    edge_cases: EdgeCases
    repair: Repair
    scenario_problems: ScenarioProblems
    scenario_arrays: ScenarioArrays


def no_checks(_record: Mapping[str, Any]) -> Iterator[tuple[str, bool]]:
    """No rule beyond the schema's."""
    return iter(())


def nothing_derived(_record: Record, _skeleton: Record) -> None:
    """No field follows from another."""


def no_scenario_problems(_record: Mapping[str, Any]) -> list[str]:
    """Scenario names ask nothing of the records' content."""
    return []


def no_scenario_arrays(_scenario: str) -> Mapping[str, tuple[int, int]]:
    """Scenario names fix no array's length."""
    return {}
