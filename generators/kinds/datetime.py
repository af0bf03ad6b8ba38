"""DATETIME: an instant, ISO 8601 with an offset (or a strftime `format`), within
min_date/max_date; whole seconds, in the year before the reference time unless bounded."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime
from random import Random
from typing import Any

from generators.core.request import FieldConstraint, FieldType
from generators.kinds._dates import DateLikeKind
from generators.kinds.kind import FieldAt, FieldMaking, NestedSchema, Scope, SqlType, ValueMaker
from generators.values.context import YEAR, utc_datetime
from generators.values.date_bounds import draw_unit, has_date_bounds, moment_text, value_window
from generators.values.date_formats import strftime_pattern
from generators.values.sampling import draw_int
from generators.values.timeline import is_iso_datetime


class DatetimeKind(DateLikeKind):
    field_type = FieldType.DATETIME
    column = SqlType.TIMESTAMPTZ

    def is_iso(self, value: Any) -> bool:
        return is_iso_datetime(value)

    def is_value(self, rule: FieldConstraint) -> Callable[[Any], bool]:
        if strftime_pattern(rule) is not None:
            return lambda v: isinstance(v, str)
        return lambda v: isinstance(v, str) and _has_offset(v)

    def json_schema(self, field: FieldAt, nested: NestedSchema) -> dict[str, Any]:
        return {"type": "string", "format": "date-time"}

    def maker(self, making: FieldMaking, field: FieldAt) -> ValueMaker:
        reference = making.context.reference_epoch
        pattern = strftime_pattern(field.rule)
        if has_date_bounds(field.rule):
            default = (reference - YEAR + 1, reference)
            first, last = value_window(field.rule, FieldType.DATETIME, default)
            return lambda rng, _scope: moment_text(draw_unit(rng, first, last), pattern)

        def make(rng: Random, _scope: Scope) -> str:
            moment = utc_datetime(reference - draw_int(rng, 0, YEAR - 1))
            return moment.strftime(pattern) if pattern else moment.isoformat()

        return make


def _has_offset(text: str) -> bool:
    try:
        return datetime.fromisoformat(text).tzinfo is not None
    except ValueError:
        return False


DATETIME = DatetimeKind()
