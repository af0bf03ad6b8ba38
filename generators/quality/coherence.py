"""Coherence scoring: the share of rule checks that a stream of records passes.

Two kinds of rules are checked, for records from any generation path:

- schema rules, for every schema: required fields present, values of the field's type (ints
  for INTEGER, ISO 8601 with an offset for DATETIME, ...), and each rule (min/max, min_date/
  max_date, enum values, regex, min/max length, format) holding, down into nested objects and
  array elements;
- entity rules, for the predefined entities: cart/order money adds up (compared in cents, so a
  float `total` of 21.639999 still equals 19.99 + 1.65), timelines are in order and agree with
  the status, cards pass Luhn and match their brand, emails come from the name, ratings agree
  with the sentiment and the text.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from datetime import datetime
from typing import Any

from generators.core.request import FieldConstraint, FieldSpec, FieldType
from generators.core.schema import EntitySchema, children
from generators.entities.lookup import behaviour_for
from generators.entities.registry import entity_of
from generators.kinds.registry import kind_of
from generators.values.date_bounds import bound_check
from generators.values.date_formats import strftime_pattern
from generators.values.rule_values import numeric_enum_values
from generators.values.templates import FormatTemplate

_FieldCheck = Callable[[Mapping[str, Any], "_Tally"], None]
_EntityCheck = Callable[[Mapping[str, Any]], Iterator[tuple[str, bool]]]
_NUMBER_TYPES = (int, float)


class _Tally:
    """Checks made and, by rule, checks failed (kept apart: failures are rare, checks many)."""

    __slots__ = ("checked", "failed")

    def __init__(self) -> None:
        self.checked = 0
        self.failed: Counter[str] = Counter()


class CoherenceTracker:
    """Accumulates rule checks over batches: `add` each batch, read `score` at the end."""

    def __init__(self, schema: EntitySchema) -> None:
        self._field_checks = _compile_fields(schema.fields, schema, "")
        entity = entity_of(schema)
        self._entity_check = behaviour_for(entity).checks if entity is not None else None
        self._tally = _Tally()

    def add(self, records: Iterable[Mapping[str, Any]]) -> None:
        tally = self._tally
        for record in records:
            for check in self._field_checks:
                check(record, tally)
            if self._entity_check is not None:
                for rule, held in self._entity_check(record):
                    tally.checked += 1
                    if not held:
                        tally.failed[rule] += 1

    @property
    def checked(self) -> int:
        return self._tally.checked

    @property
    def violations(self) -> Counter[str]:
        """Failed checks by rule name, e.g. `items.price: min` or `cart: total = subtotal + tax`."""
        return self._tally.failed

    @property
    def score(self) -> float:
        """Share of checks that held; 1.0 when nothing was checked."""
        if not self._tally.checked:
            return 1.0
        return 1.0 - self._tally.failed.total() / self._tally.checked


class RuleChecker:
    """The schema's field rules, compiled once: `violations(record)` lists (dotted path, rule)
    for each rule the record breaks (entity heuristics aside: they only feed the score)."""

    def __init__(self, schema: EntitySchema) -> None:
        self._tracker = CoherenceTracker(dataclasses.replace(schema, predefined=False))

    def broken(self, record: Mapping[str, Any]) -> list[str]:
        """The names of the rules `record` breaks (`items.price: min`), sorted."""
        before = Counter(self._tracker.violations)
        self._tracker.add((record,))
        return sorted(self._tracker.violations - before)

    def violations(self, record: Mapping[str, Any]) -> list[tuple[str, str]]:
        """(dotted path, rule) for each rule `record` breaks."""
        return [_path_and_rule(name) for name in self.broken(record)]


def _path_and_rule(name: str) -> tuple[str, str]:
    path, _, rule = name.rpartition(": ")
    return path, rule


# --- schema rules ---------------------------------------------------------------------------


def _compile_fields(
    fields: tuple[FieldSpec, ...], schema: EntitySchema, prefix: str
) -> list[_FieldCheck]:
    return [_compile_field(spec, schema, f"{prefix}{spec.name}") for spec in fields]


def _compile_field(spec: FieldSpec, schema: EntitySchema, path: str) -> _FieldCheck:
    rule = schema.rule(path)
    value_checks = [
        (f"{path}: type", kind_of(spec.type).is_value(rule)),
        *_rule_checks(path, rule, spec.type),
    ]
    nested = _compile_fields(children(spec), schema, f"{path}.")
    name, required, present_rule = spec.name, spec.required, f"{path}: present"
    count = len(value_checks)

    def check(container: Mapping[str, Any], tally: _Tally) -> None:
        value = container.get(name)
        if value is None:
            if required:
                tally.checked += 1
                tally.failed[present_rule] += 1
            return
        tally.checked += count
        for rule_name, predicate in value_checks:
            if not predicate(value):
                tally.failed[rule_name] += 1
        if not nested:
            return
        for element in value if isinstance(value, list) else (value,):
            if isinstance(element, dict):  # records are parsed JSON: objects are dicts
                for child in nested:
                    child(element, tally)

    return check


def _rule_checks(
    path: str, rule: FieldConstraint, kind: FieldType
) -> Iterator[tuple[str, Callable[[Any], bool]]]:
    if rule.min is not None:
        low = rule.min
        yield f"{path}: min", lambda v: not _is_number(v) or v >= low
    if rule.max is not None:
        high = rule.max
        yield f"{path}: max", lambda v: not _is_number(v) or v <= high
    if rule.enum_values:
        allowed: frozenset[object] = frozenset(rule.enum_values)
        if kind in (FieldType.INTEGER, FieldType.FLOAT):
            try:
                allowed = frozenset(numeric_enum_values(rule, kind))
            except ValueError:  # validation reports it; nothing can match
                allowed = frozenset()
        yield f"{path}: enum", lambda v: v in allowed
    if rule.regex:
        pattern = re.compile(rule.regex)
        yield f"{path}: regex", lambda v: isinstance(v, str) and pattern.fullmatch(v) is not None
    if rule.min_length is not None:
        shortest = rule.min_length
        yield f"{path}: min_length", lambda v: not _has_len(v) or len(v) >= shortest
    if rule.max_length is not None:
        longest = rule.max_length
        yield f"{path}: max_length", lambda v: not _has_len(v) or len(v) <= longest
    within = bound_check(rule, kind)
    if within is not None:
        yield f"{path}: min_date/max_date", within
    strftime = strftime_pattern(rule)
    if strftime is not None and kind in (FieldType.DATE, FieldType.DATETIME):
        yield f"{path}: format", lambda v: isinstance(v, str) and _matches_strftime(v, strftime)
    elif rule.format and kind is FieldType.STRING:
        yield f"{path}: format", _template_check(rule.format)


def _template_check(template: str) -> Callable[[Any], bool]:
    try:
        pattern = re.compile(FormatTemplate.parse(template).regex())
    except ValueError:  # an invalid template (validation reports it): nothing can match
        return lambda _v: False
    return lambda v: isinstance(v, str) and pattern.fullmatch(v) is not None


def _matches_strftime(text: str, pattern: str) -> bool:
    try:
        datetime.strptime(text, pattern)
    except ValueError:
        return False
    return True


def _is_number(value: Any) -> bool:
    """An int or float, and not a bool (JSON numbers parse to exactly these types)."""
    return type(value) in _NUMBER_TYPES


def _has_len(value: Any) -> bool:
    return isinstance(value, str | list)


# --- entity rules ---------------------------------------------------------------------------
