"""`FieldKind`: everything one field type means, in one place.

A field's type decides which constraints it takes, what a valid value is, how a custom schema's
values are made, which edge cases it has, how it is described to a model and which SQL column
holds it. Each type's module (`generators.kinds.<type>`) subclasses `FieldKind` once, and
`generators.kinds.kind_of` maps every `FieldType` to its kind with an exhaustive match: a new
type fails mypy until it has a kind, and everything that reads a kind then handles it.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from random import Random
from typing import Any, ClassVar, Protocol

from generators.core.errors import Problem
from generators.core.request import FieldConstraint, FieldSpec, FieldType
from generators.values.context import BuildContext
from generators.values.sampling import pick

#: Upper bounds for min_length/max_length, so one record cannot exhaust a worker's memory.
MAX_STRING_LENGTH = 10_000
MAX_ARRAY_LENGTH = 100


class SqlType(StrEnum):
    """The column types of the SQL output (names SQLite and PostgreSQL both accept)."""

    BIGINT = "BIGINT"
    DOUBLE = "DOUBLE PRECISION"
    BOOLEAN = "BOOLEAN"
    DATE = "DATE"
    TIMESTAMPTZ = "TIMESTAMP WITH TIME ZONE"
    TEXT = "TEXT"


class EdgeKind(StrEnum):
    """The edge cases of custom schemas, applied field by field (the record's tag says which)."""

    MIN_BOUNDARY = "min_boundary"
    MAX_BOUNDARY = "max_boundary"
    JUST_INSIDE_MIN = "just_inside_min"
    JUST_INSIDE_MAX = "just_inside_max"
    UNICODE_TEXT = "unicode_text"
    EMOJI_TEXT = "emoji_text"
    EMPTY_STRING = "empty_string"
    MAX_LENGTH_STRING = "max_length_string"
    LEAP_DAY = "leap_day"
    DST_BOUNDARY = "dst_boundary"


@dataclass(frozen=True, slots=True)
class EdgeMoments:
    """The reference year's awkward moments: a leap day and US DST transitions."""

    leap: datetime
    dst: tuple[datetime, ...]


@dataclass(frozen=True, slots=True)
class FieldAt:
    """A field where a schema has it: its definition, its dotted path, its rule (the schema's
    merged with the request's), and whether it is a top-level field (values unique within a
    request are unique there)."""

    spec: FieldSpec
    path: str
    rule: FieldConstraint
    top_level: bool = False


@dataclass(frozen=True, slots=True)
class EdgeAt:
    """Where an edge case is made: the record's index and the reference year's moments."""

    index: int
    moments: EdgeMoments


class Scope:
    """One object being built: its record index and (lazily) the person its fields describe,
    so that a name and an email of the same object belong together."""

    __slots__ = ("_person", "index")

    def __init__(self, index: int) -> None:
        self.index = index
        self._person: tuple[str, str] | None = None

    def person(self, rng: Random, context: BuildContext) -> tuple[str, str]:
        if self._person is None:
            pools = context.pools
            self._person = (pick(rng, pools.first_names), pick(rng, pools.last_names))
        return self._person


#: Makes one value from the request's RNG, within the object being built.
ValueMaker = Callable[[Random, Scope], Any]
#: Builds the JSON Schema object for nested fields at a dotted prefix.
NestedSchema = Callable[[tuple[FieldSpec, ...], str], dict[str, Any]]


class FieldMaking(Protocol):
    """What a kind's value maker may ask of the builder compiling a custom schema."""

    @property
    def context(self) -> BuildContext: ...

    @property
    def year(self) -> int:
        """The reference year (ids' `{year}`, the newest plausible year)."""
        ...

    def nested(self, spec: FieldSpec, path: str) -> ValueMaker:
        """The maker of a nested field at `path` (with its rule; optional ones null now and
        then)."""
        ...


class FieldKind(ABC):
    """One field type. Class attributes say what it is; methods make, check and describe its
    values. The defaults are what most types mean (no nesting, no constraint-specific checks,
    text in SQL and in overrides, no edge case of their own)."""

    field_type: ClassVar[FieldType]
    #: The constraint attributes that mean something for this type; validation refuses others.
    constraints: ClassVar[frozenset[str]] = frozenset()
    #: Takes nested_fields (OBJECT, ARRAY): validation asks for them, and other types refuse
    #: them.
    nests: ClassVar[bool] = False
    #: Written to CSV as dotted columns of its parts (OBJECT, ADDRESS), not as one cell.
    flattens: ClassVar[bool] = False
    #: How long min_length/max_length may be.
    longest: ClassVar[int] = MAX_STRING_LENGTH
    #: min/max must be whole numbers between (an integer field, not a float one).
    integral: ClassVar[bool] = False
    #: A model may write it freely for a custom schema when its rule leaves its shape open.
    free_for_model: ClassVar[bool] = False

    @abstractmethod
    def is_value(self, rule: FieldConstraint) -> Callable[[Any], bool]:
        """Whether a value (parsed JSON) is of this type, under `rule`'s format."""

    @abstractmethod
    def json_schema(self, field: FieldAt, nested: NestedSchema) -> dict[str, Any]:
        """The JSON Schema of a value, with the rule's bounds where JSON Schema can say them."""

    @abstractmethod
    def maker(self, making: FieldMaking, field: FieldAt) -> ValueMaker:
        """How a custom schema's values of this type are made (compiled once per request)."""

    def sql_type(self, rule: FieldConstraint, overrides: Iterable[str]) -> SqlType:
        """The SQL column holding the field; `overrides` are the scenarios' raw values for it."""
        return SqlType.TEXT

    def convert(self, raw: str) -> Any:
        """A scenario override's text as a value; raises ValueError saying what was expected."""
        return raw

    def bound_problem(self, bound: float) -> str | None:
        """What is wrong with a finite min or max for this type, if anything."""
        return None

    def rule_problems(self, at: str, rule: FieldConstraint, lengths_ok: bool) -> Iterator[Problem]:
        """Problems of the merged rule that only this type has (`at` names the constraint)."""
        return iter(())

    def edge(self, edge: EdgeKind, value: Any, field: FieldAt, at: EdgeAt) -> tuple[bool, Any]:
        """`value` turned into edge case `edge` of this type: (changed, new value)."""
        return False, value
