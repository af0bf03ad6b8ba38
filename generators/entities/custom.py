"""The behaviour of custom schemas (fields sent with the request): records built field by field
from each field's rule, kind and name (`custom_records`), edge cases field by field
(`custom_edge_cases`), and nothing beyond the schema's own rules to check or recompute."""

from __future__ import annotations

from generators.entities.behaviour import (
    EntityBehaviour,
    no_checks,
    no_scenario_arrays,
    no_scenario_problems,
    nothing_derived,
)
from generators.entities.custom_edge_cases import custom_edge_cases
from generators.entities.custom_records import CustomRecordBuilder

CUSTOM = EntityBehaviour(
    builder=CustomRecordBuilder,
    checks=no_checks,
    edge_cases=custom_edge_cases,
    repair=nothing_derived,
    scenario_problems=no_scenario_problems,
    scenario_arrays=no_scenario_arrays,
)
