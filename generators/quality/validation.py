"""Request validation, as a list of problems that each name the request field at fault.

Field paths read like the request: `count`, `entity`, `fields[1].nested_fields[0].name`,
`constraints["age"].min`, `constraints["code"].regex`, `constraints["joined"].min_date`,
`scenarios[1].count`, `scenarios[0].overrides["price"]`.

The scenario-count rule is `generators.core.request.plan_scenarios`.
"""

from __future__ import annotations

import dataclasses
import json
import math
import re
from collections.abc import Iterator

from generators.core.errors import (
    Problem,
    UnknownSchemaError,
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
from generators.kinds.overrides import convert_override
from generators.kinds.registry import kind_of, types_taking
from generators.values.date_bounds import (
    has_date_bounds,
)

_FIELD_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_]*")
_MAX_LISTED_FIELDS = 25

#: The constraint attributes a request may set, in the order problems are reported.
_ATTRIBUTES = tuple(attribute.name for attribute in dataclasses.fields(FieldConstraint))


def validate_request(
    request: GenerationRequest, *, max_records: int, max_context_bytes: int
) -> list[Problem]:
    """Everything wrong with `request`, or an empty list. Pure: no I/O, no generation."""
    problems = list(_count_problems(request, max_records))
    problems += _context_problems(request.context, max_context_bytes)
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


def _context_problems(context: str, max_context_bytes: int) -> Iterator[Problem]:
    size = len(context.encode("utf-8", errors="surrogatepass"))
    if size > max_context_bytes:
        yield Problem(
            "context", f"is {size} bytes (UTF-8), more than the limit of {max_context_bytes} bytes"
        )


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
        nests = kind_of(spec.type).nests
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
        kind = kind_of(spec.type)
        for attribute in _ATTRIBUTES:
            if (
                getattr(constraint, attribute) not in (None, ())
                and attribute not in kind.constraints
            ):
                allowed = ", ".join(sorted(t.value for t in types_taking(attribute)))
                hint = (
                    f"; bound dates with {attribute}_date (ISO 8601)"
                    if attribute in ("min", "max") and "min_date" in kind.constraints
                    else ""
                )
                yield Problem(
                    f"{at}.{attribute}",
                    f"applies to {allowed} fields; {path!r} is {spec.type.value}{hint}",
                )
        if schema.predefined and "min_date" in kind.constraints and has_date_bounds(constraint):
            attribute = "min_date" if constraint.min_date is not None else "max_date"
            yield Problem(
                f"{at}.{attribute}",
                f"applies to custom schemas only; predefined {schema.name!r} keeps its own "
                "coherent timeline",
            )
        yield from _rule_problems(at, schema.rule(path), spec)


def _rule_problems(at: str, rule: FieldConstraint, spec: FieldSpec) -> Iterator[Problem]:
    """Problems of a field's rule after merging, so a schema's own bounds count as well: bounds
    and lengths here, what only the field's type has from its kind."""
    kind = kind_of(spec.type)
    for attribute in ("min", "max"):
        bound = getattr(rule, attribute) or 0
        if not math.isfinite(bound):
            yield Problem(f"{at}.{attribute}", "must be a finite number")
        elif (problem := kind.bound_problem(bound)) is not None:
            yield Problem(f"{at}.{attribute}", problem)
    if (
        rule.min is not None
        and rule.max is not None
        and math.isfinite(rule.min)
        and math.isfinite(rule.max)
    ):
        if rule.min > rule.max:
            yield Problem(f"{at}.min", f"min {rule.min:g} is greater than max {rule.max:g}")
        elif kind.integral and math.ceil(rule.min) > math.floor(rule.max):
            yield Problem(
                f"{at}.min", f"no integer lies between min {rule.min:g} and max {rule.max:g}"
            )
    longest = kind.longest
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
    yield from kind.rule_problems(at, rule, lengths_ok)


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
