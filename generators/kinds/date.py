"""DATE: a calendar day, `YYYY-MM-DD` (or a strftime `format`), within min_date/max_date.

Without bounds, days lie in the last three years (birth dates: ages 18 to 85); with bounds they
are uniform over the bounded window (`generators.values.date_bounds`).
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from random import Random
from typing import Any

from generators.core.request import FieldConstraint, FieldType
from generators.core.schema import field_name_words
from generators.kinds._dates import DateLikeKind
from generators.kinds.kind import FieldAt, FieldMaking, NestedSchema, Scope, SqlType, ValueMaker
from generators.values.context import utc_datetime
from generators.values.date_bounds import day_text, draw_unit, has_date_bounds, value_window
from generators.values.date_formats import strftime_pattern
from generators.values.sampling import draw_int
from generators.values.timeline import is_iso_date

_BIRTH_WORDS = frozenset({"birth", "dob", "birthday", "birthdate"})


class DateKind(DateLikeKind):
    field_type = FieldType.DATE
    column = SqlType.DATE

    def is_iso(self, value: Any) -> bool:
        return is_iso_date(value)

    def is_value(self, rule: FieldConstraint) -> Callable[[Any], bool]:
        if strftime_pattern(rule) is not None:
            return lambda v: isinstance(v, str)
        return lambda v: isinstance(v, str) and _is_day(v)

    def json_schema(self, field: FieldAt, nested: NestedSchema) -> dict[str, Any]:
        return {"type": "string", "format": "date"}

    def maker(self, making: FieldMaking, field: FieldAt) -> ValueMaker:
        today = utc_datetime(making.context.reference_epoch).date()
        if set(field_name_words(field.spec.name)) & _BIRTH_WORDS:
            oldest, youngest = 85 * 365, 18 * 365
        else:
            oldest, youngest = 3 * 365, 0
        pattern = strftime_pattern(field.rule)
        if has_date_bounds(field.rule):
            default = (today.toordinal() - oldest, today.toordinal() - youngest)
            first, last = value_window(field.rule, FieldType.DATE, default)
            return lambda rng, _scope: day_text(draw_unit(rng, first, last), pattern)

        def make(rng: Random, _scope: Scope) -> str:
            day = today - timedelta(days=draw_int(rng, youngest, oldest))
            return day.strftime(pattern) if pattern else day.isoformat()

        return make


def _is_day(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


DATE = DateKind()
