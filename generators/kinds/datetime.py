"""DATETIME: an instant, ISO 8601 with an offset (or a strftime `format`), within
min_date/max_date; whole seconds, in the year before the reference time unless bounded."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from datetime import datetime
from random import Random
from typing import Any

from generators.core.errors import Problem
from generators.core.request import FieldConstraint, FieldSpec, FieldType
from generators.kinds._dates import DATE_CONSTRAINTS, date_bound_problems, date_edge, date_sql_type
from generators.kinds.kind import (
    EdgeKind,
    EdgeMoments,
    FieldKind,
    FieldMaking,
    NestedSchema,
    Scope,
    SqlType,
    ValueMaker,
)
from generators.values.context import YEAR, utc_datetime
from generators.values.date_bounds import draw_unit, has_date_bounds, moment_text, value_window
from generators.values.date_formats import strftime_pattern
from generators.values.sampling import draw_int
from generators.values.timeline import is_iso_datetime


class DatetimeKind(FieldKind):
    field_type = FieldType.DATETIME
    constraints = DATE_CONSTRAINTS

    def is_value(self, rule: FieldConstraint) -> Callable[[Any], bool]:
        if strftime_pattern(rule) is not None:
            return lambda v: isinstance(v, str)
        return lambda v: isinstance(v, str) and _has_offset(v)

    def json_schema(
        self, spec: FieldSpec, rule: FieldConstraint, path: str, nested: NestedSchema
    ) -> dict[str, Any]:
        return {"type": "string", "format": "date-time"}

    def maker(
        self,
        making: FieldMaking,
        spec: FieldSpec,
        path: str,
        rule: FieldConstraint,
        *,
        top_level: bool,
    ) -> ValueMaker:
        reference = making.context.reference_epoch
        pattern = strftime_pattern(rule)
        if has_date_bounds(rule):
            default = (reference - YEAR + 1, reference)
            first, last = value_window(rule, FieldType.DATETIME, default)
            return lambda rng, _scope: moment_text(draw_unit(rng, first, last), pattern)

        def make(rng: Random, _scope: Scope) -> str:
            moment = utc_datetime(reference - draw_int(rng, 0, YEAR - 1))
            return moment.strftime(pattern) if pattern else moment.isoformat()

        return make

    def sql_type(self, rule: FieldConstraint, overrides: Iterable[str]) -> SqlType:
        return date_sql_type(SqlType.TIMESTAMPTZ, rule, overrides, is_iso_datetime)

    def rule_problems(self, at: str, rule: FieldConstraint, lengths_ok: bool) -> Iterator[Problem]:
        return date_bound_problems(at, rule, FieldType.DATETIME)

    def edge(
        self,
        edge: EdgeKind,
        value: Any,
        spec: FieldSpec,
        rule: FieldConstraint,
        index: int,
        moments: EdgeMoments,
    ) -> tuple[bool, Any]:
        return date_edge(FieldType.DATETIME, edge, value, rule, index, moments)


def _has_offset(text: str) -> bool:
    try:
        return datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


DATETIME = DatetimeKind()
