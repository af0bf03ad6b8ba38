"""Request validation, as a list of problems that each name the request field at fault.

Field paths read like the request: `count`, `entity`, `fields[1].nested_fields[0].name`,
`constraints["age"].min`, `constraints["code"].regex`, `constraints["joined"].min_date`,
`scenarios[1].count`, `scenarios[0].overrides["price"]`.

The scenario-count rule is `generators.core.request.plan_scenarios`.
"""

from __future__ import annotations

import json
import math
import re
from collections.abc import Iterator

from generators.core.errors import (
    Problem,
    UnknownSchemaError,
    UnsupportedRegexError,
)
from generators.core.request import (
    FieldConstraint,
    FieldSpec,
    FieldType,
    GenerationRequest,
    Scenario,
)
from generators.core.schema import EntitySchema
from generators.entities.registry import describe_fields, resolve_schema
from generators.values.date_bounds import (
    DATE_TYPES,
    EARLIEST_FORMATTED,
    bound_units,
    has_date_bounds,
    parse_date_bound,
)
from generators.values.date_formats import strftime_pattern
from generators.values.overrides import INT64_RANGE, convert_override
from generators.values.regex_values import RegexValues
from generators.values.rule_values import numeric_enum_values
from generators.values.templates import FormatTemplate

#: Upper bounds for min_length/max_length, so one record cannot exhaust a worker's memory.
MAX_STRING_LENGTH = 10_000
MAX_ARRAY_LENGTH = 100
_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_MAX_LISTED_FIELDS = 25

#: Which constraint attributes mean something for which field types.
_APPLIES_TO: dict[str, frozenset[FieldType]] = {
    "min": frozenset({FieldType.INTEGER, FieldType.FLOAT, FieldType.ARRAY}),
    "max": frozenset({FieldType.INTEGER, FieldType.FLOAT, FieldType.ARRAY}),
    "enum_values": frozenset(
        {FieldType.STRING, FieldType.ENUM, FieldType.INTEGER, FieldType.FLOAT}
    ),
    "regex": frozenset({FieldType.STRING}),
    "min_length": frozenset({FieldType.STRING, FieldType.ARRAY}),
    "max_length": frozenset({FieldType.STRING, FieldType.ARRAY}),
    "format": frozenset({FieldType.STRING, FieldType.DATE, FieldType.DATETIME}),
    "min_date": DATE_TYPES,
    "max_date": DATE_TYPES,
}


def validate_request(request: GenerationRequest, *, max_records: int) -> list[Problem]:
    """Everything wrong with `request`, or an empty list. Pure: no I/O, no generation."""
    problems = list(_count_problems(request, max_records))
    problems += _field_problems(request.fields, "fields", "", request)
    try:
        schema: EntitySchema | None = resolve_schema(request)
    except UnknownSchemaError as error:
        schema = None
        where = "predefined_schema" if request.predefined_schema.strip() else "entity"
        problems.append(Problem(where, str(error)))
    if schema is not None:
        problems += _constraint_problems(request, schema)
    problems += _scenario_problems(request, schema)
    return problems


def _count_problems(request: GenerationRequest, max_records: int) -> Iterator[Problem]:
    if request.count <= 0:
        yield Problem("count", f"must be at least 1, got {request.count}")
    elif request.count > max_records:
        yield Problem("count", f"{request.count} is more than the limit of {max_records} records")


def _field_problems(
    fields: tuple[FieldSpec, ...], where: str, prefix: str, request: GenerationRequest
) -> Iterator[Problem]:
    """Custom field definitions: names, nesting, and ENUM fields without values."""
    seen: dict[str, int] = {}
    for i, spec in enumerate(fields):
        at = f"{where}[{i}]"
        if not spec.name:
            yield Problem(f"{at}.name", "must not be empty")
        elif not _FIELD_NAME.fullmatch(spec.name):
            yield Problem(
                f"{at}.name",
                f"{spec.name!r}: must start with a letter and hold only letters, digits and _",
            )
        elif spec.name in seen:
            yield Problem(
                f"{at}.name", f"duplicate field name {spec.name!r} (see {where}[{seen[spec.name]}])"
            )
        else:
            seen[spec.name] = i
        path = f"{prefix}{spec.name}"
        nests = spec.type in (FieldType.OBJECT, FieldType.ARRAY)
        if nests and not spec.nested_fields:
            yield Problem(f"{at}.nested_fields", f"{spec.type.value} fields need nested_fields")
        elif spec.nested_fields and not nests:
            yield Problem(f"{at}.nested_fields", f"{spec.type.value} fields take no nested_fields")
        if (
            spec.type is FieldType.ENUM
            and not request.constraints.get(path, FieldConstraint()).enum_values
        ):
            yield Problem(
                f"{at}.type", f"ENUM field {path!r} needs enum_values in {_constraint(path)}"
            )
        yield from _field_problems(spec.nested_fields, f"{at}.nested_fields", f"{path}.", request)


def _constraint_problems(request: GenerationRequest, schema: EntitySchema) -> Iterator[Problem]:
    for path, constraint in request.constraints.items():
        at = _constraint(path)
        spec = schema.field_at(path)
        if spec is None:
            yield Problem(at, f"names no field of schema {schema.name!r}; {_known_fields(schema)}")
            continue
        for attribute, types in _APPLIES_TO.items():
            if getattr(constraint, attribute) not in (None, ()) and spec.type not in types:
                allowed = ", ".join(sorted(t.value for t in types))
                hint = (
                    f"; bound dates with {attribute}_date (ISO 8601)"
                    if attribute in ("min", "max") and spec.type in DATE_TYPES
                    else ""
                )
                yield Problem(
                    f"{at}.{attribute}",
                    f"applies to {allowed} fields; {path!r} is {spec.type.value}{hint}",
                )
        if schema.predefined and spec.type in DATE_TYPES and has_date_bounds(constraint):
            attribute = "min_date" if constraint.min_date is not None else "max_date"
            yield Problem(
                f"{at}.{attribute}",
                f"applies to custom schemas only; predefined {schema.name!r} keeps its own "
                "coherent timeline",
            )
        yield from _rule_problems(at, schema.rule(path), spec)


def _rule_problems(at: str, rule: FieldConstraint, spec: FieldSpec) -> Iterator[Problem]:
    """Problems of a field's rule after merging, so a schema's own bounds count as well."""
    for attribute in ("min", "max"):
        bound = getattr(rule, attribute) or 0
        if not math.isfinite(bound):
            yield Problem(f"{at}.{attribute}", "must be a finite number")
        elif spec.type is FieldType.INTEGER and not INT64_RANGE[0] <= bound <= INT64_RANGE[1]:
            yield Problem(f"{at}.{attribute}", "must fit in a 64-bit integer")
        elif spec.type is FieldType.ARRAY and not (
            float(bound).is_integer() and 0 <= bound <= MAX_ARRAY_LENGTH
        ):
            yield Problem(
                f"{at}.{attribute}",
                f"bounds the array's length: a whole number from 0 to {MAX_ARRAY_LENGTH}",
            )
    if (
        rule.min is not None
        and rule.max is not None
        and math.isfinite(rule.min)
        and math.isfinite(rule.max)
    ):
        if rule.min > rule.max:
            yield Problem(f"{at}.min", f"min {rule.min:g} is greater than max {rule.max:g}")
        elif spec.type is FieldType.INTEGER and math.ceil(rule.min) > math.floor(rule.max):
            yield Problem(
                f"{at}.min", f"no integer lies between min {rule.min:g} and max {rule.max:g}"
            )
    longest = MAX_ARRAY_LENGTH if spec.type is FieldType.ARRAY else MAX_STRING_LENGTH
    for attribute in ("min_length", "max_length"):
        length = getattr(rule, attribute) or 0
        if length < 0:
            yield Problem(f"{at}.{attribute}", "must not be negative")
        elif length > longest:
            yield Problem(f"{at}.{attribute}", f"must be at most {longest}, got {length}")
    if (
        rule.min_length is not None
        and rule.max_length is not None
        and rule.min_length > rule.max_length
    ):
        yield Problem(
            f"{at}.min_length",
            f"min_length {rule.min_length} is greater than max_length {rule.max_length}",
        )
    lengths_ok = (
        0 <= (rule.min_length or 0) <= (rule.max_length if rule.max_length is not None else longest)
        and (rule.max_length or 0) <= longest
    )
    if spec.type in DATE_TYPES:
        yield from _date_bound_problems(at, rule, spec.type)
    if spec.type in (FieldType.INTEGER, FieldType.FLOAT) and rule.enum_values:
        yield from _numeric_enum_problems(f"{at}.enum_values", rule, spec.type)
    if spec.type is FieldType.STRING:
        yield from _string_problems(at, rule, lengths_ok)


def _date_bound_problems(at: str, rule: FieldConstraint, kind: FieldType) -> Iterator[Problem]:
    """min_date/max_date of a DATE/DATETIME field: readable, ordered, representable (the rules
    are in `generators.date_bounds`)."""
    formatted = strftime_pattern(rule) is not None
    readable = True
    moments = []
    for attribute in ("min_date", "max_date"):
        text = getattr(rule, attribute)
        if text is None:
            continue
        try:
            moment = parse_date_bound(text, kind)
        except ValueError as error:
            readable = False
            yield Problem(f"{at}.{attribute}", str(error))
            continue
        moments.append(moment)
        if formatted and moment.date() < EARLIEST_FORMATTED:
            readable = False
            yield Problem(
                f"{at}.{attribute}",
                f"{text!r} is before year 1000, which the strftime format {rule.format!r} "
                "cannot write as four digits",
            )
    if not readable or len(moments) < 2:
        return
    if moments[0] > moments[1]:
        yield Problem(
            f"{at}.min_date", f"min_date {rule.min_date} is after max_date {rule.max_date}"
        )
        return
    low, high = bound_units(rule, kind)
    if low is not None and high is not None and low > high:
        yield Problem(
            f"{at}.min_date",
            f"no whole second lies between min_date {rule.min_date} and max_date "
            f"{rule.max_date}; DATETIME values are whole seconds",
        )


def _numeric_enum_problems(at: str, rule: FieldConstraint, kind: FieldType) -> Iterator[Problem]:
    try:
        values = numeric_enum_values(rule, kind)
    except ValueError as error:
        yield Problem(at, str(error))
        return
    outside = [
        raw
        for raw, value in zip(rule.enum_values, values, strict=True)
        if (rule.min is not None and value < rule.min)
        or (rule.max is not None and value > rule.max)
    ]
    if outside:
        yield Problem(
            at,
            f"{', '.join(map(repr, outside))} outside min {_bound(rule.min)} .. max "
            f"{_bound(rule.max)}",
        )


def _bound(value: float | None) -> str:
    return "-" if value is None else f"{value:g}"


def _string_problems(at: str, rule: FieldConstraint, lengths_ok: bool) -> Iterator[Problem]:
    """Regex, format, enum values and lengths of a STRING field, alone and against each other."""
    if rule.regex is not None and rule.format:
        yield Problem(f"{at}.format", "give either regex or format, not both")
    pattern: re.Pattern[str] | None = None
    if rule.regex is not None:
        try:
            pattern = re.compile(rule.regex)
            bounds = (rule.min_length, rule.max_length) if lengths_ok else (None, None)
            if not rule.enum_values:  # enum values are emitted as given, not built
                RegexValues(rule.regex, min_length=bounds[0], max_length=bounds[1])
            else:
                RegexValues(rule.regex)
        except re.error as error:
            yield Problem(f"{at}.regex", f"does not compile: {error}")
        except RecursionError:
            yield Problem(f"{at}.regex", "the pattern nests too deeply")
        except UnsupportedRegexError as error:
            yield Problem(f"{at}.regex", str(error))
    template: FormatTemplate | None = None
    if rule.format:
        try:
            template = FormatTemplate.parse(rule.format)
        except ValueError as error:
            yield Problem(f"{at}.format", str(error))
    if rule.enum_values:
        yield from _string_enum_problems(f"{at}.enum_values", rule, pattern, template)
    elif template is not None and rule.regex is None and lengths_ok:
        size = sum(
            p if isinstance(p, int) else len(p) if isinstance(p, str) else 4  # {year}
            for p in template.parts
        )
        if (rule.min_length is not None and size < rule.min_length) or (
            rule.max_length is not None and size > rule.max_length
        ):
            yield Problem(
                f"{at}.format",
                f"values of {rule.format!r} have {size} characters, outside min_length "
                f"{rule.min_length or 0} .. max_length {_bound(rule.max_length)}",
            )


def _string_enum_problems(
    at: str,
    rule: FieldConstraint,
    pattern: re.Pattern[str] | None,
    template: FormatTemplate | None,
) -> Iterator[Problem]:
    template_pattern = re.compile(template.regex()) if template is not None else None
    for value in rule.enum_values:
        if pattern is not None and not pattern.fullmatch(value):
            yield Problem(at, f"{value!r} does not match the regex {rule.regex!r}")
        elif template_pattern is not None and not template_pattern.fullmatch(value):
            yield Problem(at, f"{value!r} does not fit the format {rule.format!r}")
        elif rule.min_length is not None and len(value) < rule.min_length:
            yield Problem(at, f"{value!r} is shorter than min_length {rule.min_length}")
        elif rule.max_length is not None and len(value) > rule.max_length:
            yield Problem(at, f"{value!r} is longer than max_length {rule.max_length}")
        else:
            continue
        return  # one problem per attribute is enough


def _scenario_problems(
    request: GenerationRequest, schema: EntitySchema | None
) -> Iterator[Problem]:
    seen: dict[str, int] = {}
    for i, scenario in enumerate(request.scenarios):
        at = f"scenarios[{i}]"
        if not scenario.name.strip():
            yield Problem(f"{at}.name", "must not be empty")
        elif scenario.name in seen:
            yield Problem(
                f"{at}.name",
                f"duplicate scenario name {scenario.name!r} (see scenarios[{seen[scenario.name]}])",
            )
        else:
            seen[scenario.name] = i
        if scenario.count < 0:
            yield Problem(f"{at}.count", f"must not be negative, got {scenario.count}")
        if schema is not None:
            yield from _override_problems(at, scenario, schema)
    total = sum(max(s.count, 0) for s in request.scenarios)
    if request.count > 0 and total > request.count:
        yield Problem(
            "scenarios", f"scenario counts add up to {total}, more than count {request.count}"
        )


def _override_problems(at: str, scenario: Scenario, schema: EntitySchema) -> Iterator[Problem]:
    for path, raw in scenario.overrides.items():
        where = f"{at}.overrides[{json.dumps(path)}]"
        spec = schema.field_at(path)
        if spec is None:
            yield Problem(
                where, f"names no field of schema {schema.name!r}; {_known_fields(schema)}"
            )
            continue
        try:
            convert_override(spec, raw)
        except ValueError as error:
            yield Problem(where, str(error))


def _constraint(path: str) -> str:
    return f"constraints[{json.dumps(path)}]"


def _known_fields(schema: EntitySchema) -> str:
    names = describe_fields(schema)
    shown = ", ".join(names[:_MAX_LISTED_FIELDS])
    more = f" and {len(names) - _MAX_LISTED_FIELDS} more" if len(names) > _MAX_LISTED_FIELDS else ""
    return f"known fields: {shown}{more}"
