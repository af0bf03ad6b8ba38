"""The generation request as the pure core sees it: immutable, typed, free of wire formats.

`contracts.requests` builds it from the Avro request event and from the gRPC message, so the
worker and the bridge validate exactly the same object.

The scenario-count rule (`plan_scenarios`) decides how many records each scenario gets:

- no scenarios: all `count` records belong to the scenario "default";
- scenario counts that sum to `count`: as given (a scenario may be given 0);
- counts that sum to less than `count`: the remainder is spread evenly, in order, over the
  scenarios that gave count 0 (earlier ones get one more when it does not divide evenly); when
  every scenario gave a count, the first scenario takes the whole remainder;
- counts that sum to more than `count`, or a negative count: a validation problem.

Records come out grouped by scenario, in the order the request lists the scenarios.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from generators.core.errors import ScenarioPlanError
from generators.core.seeding import stable_seed

DEFAULT_SCENARIO = "default"
#: Seeds travel as Avro `long` / proto `int64`, so derived ones are kept to 63 bits.
_SEED_BITS = (1 << 63) - 1


class FieldType(StrEnum):
    """The proto's FieldType, by symbol name."""

    STRING = "STRING"
    INTEGER = "INTEGER"
    FLOAT = "FLOAT"
    BOOLEAN = "BOOLEAN"
    DATE = "DATE"
    DATETIME = "DATETIME"
    EMAIL = "EMAIL"
    PHONE = "PHONE"
    ADDRESS = "ADDRESS"
    UUID = "UUID"
    ENUM = "ENUM"
    OBJECT = "OBJECT"
    ARRAY = "ARRAY"


class OutputFormat(StrEnum):
    JSON = "JSON"
    CSV = "CSV"
    SQL = "SQL"


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    type: FieldType
    required: bool = True
    description: str = ""
    nested_fields: tuple[FieldSpec, ...] = ()

    def as_dict(self) -> dict[str, Any]:
        """Plain data, nested fields included (the request event's shape)."""
        return {
            "name": self.name,
            "type": self.type.value,
            "required": self.required,
            "description": self.description,
            "nested_fields": [nested.as_dict() for nested in self.nested_fields],
        }


@dataclass(frozen=True, slots=True)
class FieldConstraint:
    min: float | None = None
    max: float | None = None
    enum_values: tuple[str, ...] = ()
    regex: str | None = None
    min_length: int | None = None
    max_length: int | None = None
    format: str | None = None
    #: ISO 8601 bounds (inclusive) for DATE/DATETIME fields: `YYYY-MM-DD`, or for DATETIME also
    #: a datetime with an offset; see `generators.values.date_bounds`.
    min_date: str | None = None
    max_date: str | None = None


@dataclass(frozen=True, slots=True)
class Scenario:
    name: str
    count: int = 0
    overrides: Mapping[str, str] = field(default_factory=dict)
    description: str = ""


@dataclass(frozen=True, slots=True)
class GenerationRequest:
    """Everything in the proto's GenerateRequest, plus where the answer goes."""

    request_id: str
    domain: str = ""
    entity: str = ""
    fields: tuple[FieldSpec, ...] = ()
    predefined_schema: str = ""
    constraints: Mapping[str, FieldConstraint] = field(default_factory=dict)
    scenarios: tuple[Scenario, ...] = ()
    context: str = ""
    hints: tuple[str, ...] = ()
    output_format: OutputFormat = OutputFormat.JSON
    count: int = 0
    use_cache: bool = False
    learn_from_history: bool = False
    defect_triggering: bool = False
    production_like: bool = False
    reply_topic: str = ""
    seed: int | None = None

    @property
    def effective_seed(self) -> int:
        """The seed every value comes from: the caller's, else one derived from the request id.

        Deriving it (rather than drawing a random one) is what makes a redelivered request
        reproduce exactly the chunks it published before.
        """
        return self.seed if self.seed is not None else stable_seed(self.request_id) & _SEED_BITS

    @property
    def schema_name(self) -> str:
        """The predefined schema this request asks for: explicit name first, else the entity."""
        return (self.predefined_schema or self.entity).strip().lower()


def plan_scenarios(request: GenerationRequest) -> list[tuple[str, int]]:
    """(scenario name, record count) in request order, per the rule in this module's docstring.

    Raises ScenarioPlanError for negative counts or counts summing to more than `count`.
    """
    if not request.scenarios:
        return [(DEFAULT_SCENARIO, request.count)]
    counts = [scenario.count for scenario in request.scenarios]
    remainder = request.count - sum(counts)
    if any(c < 0 for c in counts) or remainder < 0:
        msg = f"scenario counts {counts} cannot be planned for count {request.count}"
        raise ScenarioPlanError(msg)
    unsized = [i for i, c in enumerate(counts) if c == 0]
    if remainder and unsized:
        share, extra = divmod(remainder, len(unsized))
        for rank, i in enumerate(unsized):
            counts[i] = share + (1 if rank < extra else 0)
    elif remainder:
        counts[0] += remainder
    return [(scenario.name, c) for scenario, c in zip(request.scenarios, counts, strict=True)]
