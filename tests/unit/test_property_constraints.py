"""Property tests: records honour random valid constraint sets, and random invalid sets are
answered with problems (never an exception)."""

from __future__ import annotations

import asyncio
import json
import re

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from generators.core.errors import UnsupportedRegexError
from generators.core.request import (
    FieldConstraint,
    FieldSpec,
    FieldType,
    GenerationRequest,
    Scenario,
)
from generators.entities.custom_records import OPTIONAL_NULL_SHARE
from generators.entities.registry import resolve_schema
from generators.paths.traditional.generator import TraditionalGenerator
from generators.quality.coherence import CoherenceTracker
from generators.quality.validation import validate_request
from generators.values.regex_values import RegexValues
from testing.generation import generate_all

PROPERTY_SETTINGS = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    suppress_health_check=[HealthCheck.too_slow],
)
GENERATOR = TraditionalGenerator()

#: Safe regex building blocks and quantifiers (no lookarounds, no backreferences).
ATOMS = (r"\d", r"[a-f]", "x", "(?:y|zz)", r"[A-Z0-9]", r"\w", "-", r"\.", "[^,]")
QUANTIFIERS = ("", "?", "*", "+", "{2}", "{1,3}", "{0,4}")


@st.composite
def regexes(draw: st.DrawFn) -> str:
    pieces = draw(st.lists(st.tuples(st.sampled_from(ATOMS), st.sampled_from(QUANTIFIERS)),
                           min_size=1, max_size=5))  # fmt: skip
    return "".join(f"{atom}{quantifier}" for atom, quantifier in pieces)


@st.composite
def valid_fields(draw: st.DrawFn) -> tuple[FieldSpec, FieldConstraint]:
    kind = draw(st.sampled_from(["int", "float", "str_len", "enum", "regex", "format", "int_enum"]))
    required = draw(st.booleans())
    if kind == "int":
        low = draw(st.integers(-1000, 1000))
        high = draw(st.integers(low, low + 5000))
        return FieldSpec("f", FieldType.INTEGER, required), FieldConstraint(min=low, max=high)
    if kind == "float":
        low_f = draw(st.floats(-1e6, 1e6, allow_nan=False))
        high_f = draw(st.floats(low_f, low_f + 1e6, allow_nan=False))
        return FieldSpec("f", FieldType.FLOAT, required), FieldConstraint(min=low_f, max=high_f)
    if kind == "str_len":
        low = draw(st.integers(0, 50))
        high = draw(st.integers(max(low, 1), 80))
        rule = FieldConstraint(min_length=low, max_length=high)
        return FieldSpec("label", FieldType.STRING, required), rule
    if kind == "enum":
        values = draw(st.lists(st.text(min_size=1, max_size=8), min_size=1, max_size=5))
        return FieldSpec("f", FieldType.ENUM, required), FieldConstraint(enum_values=tuple(values))
    if kind == "int_enum":
        numbers = draw(st.lists(st.integers(0, 100), min_size=1, max_size=5))
        rule = FieldConstraint(enum_values=tuple(map(str, numbers)), min=0, max=100)
        return FieldSpec("f", FieldType.INTEGER, required), rule
    if kind == "format":
        template = draw(st.sampled_from(["ID-{random:6}", "{year}-{random:3}", "X{random:1}Y"]))
        return FieldSpec("f", FieldType.STRING, required), FieldConstraint(format=template)
    pattern = draw(regexes())
    bounds = draw(st.sampled_from([(None, None), (None, 12), (3, None), (2, 9)]))
    low_b, high_b = bounds
    try:  # keep only bounds the pattern can meet: the invalid ones are the other test's job
        RegexValues(pattern, min_length=low_b, max_length=high_b)
    except UnsupportedRegexError:
        low_b = high_b = None
    rule = FieldConstraint(regex=pattern, min_length=low_b, max_length=high_b)
    return FieldSpec("f", FieldType.STRING, required), rule


@PROPERTY_SETTINGS
@given(st.lists(valid_fields(), min_size=1, max_size=4), st.integers(0, 2**32))
def test_records_satisfy_random_valid_constraints(
    fields: list[tuple[FieldSpec, FieldConstraint]], seed: int
) -> None:
    specs = tuple(
        FieldSpec(f"{spec.name}{i}", spec.type, spec.required) for i, (spec, _) in enumerate(fields)
    )
    constraints = {f"{spec.name}{i}": rule for i, (spec, rule) in enumerate(fields)}
    request = GenerationRequest(
        request_id=f"prop-{seed}", fields=specs, constraints=constraints, count=20
    )
    assert validate_request(request, max_records=1000, max_context_bytes=65_536) == []
    schema = resolve_schema(request)

    records = asyncio.run(generate_all(request, schema, GENERATOR, batch_size=20))

    tracker = CoherenceTracker(schema)
    tracker.add(json.loads(json.dumps(records)))
    assert tracker.score == 1.0, tracker.violations
    for spec, rule in zip(specs, constraints.values(), strict=True):
        for record in records:
            value = record[spec.name]
            if value is None:
                assert not spec.required
            elif rule.regex:
                assert re.fullmatch(rule.regex, value)


def _invalid_constraint(data: st.DataObject) -> tuple[FieldType, FieldConstraint]:
    choice = data.draw(st.integers(0, 7))
    n = data.draw(st.integers(1, 1000))
    if choice == 0:
        return FieldType.INTEGER, FieldConstraint(min=n + 1, max=n)
    if choice == 1:
        return FieldType.STRING, FieldConstraint(min_length=n + 1, max_length=n)
    if choice == 2:
        return FieldType.STRING, FieldConstraint(regex=f"[a-z]{{{n + 1}}}", max_length=n)
    if choice == 3:
        return FieldType.STRING, FieldConstraint(regex=data.draw(st.sampled_from(
            ["(", "[a-", "a(?=b)", r"(a)?\1", "a{100000}", "*", "a**"])))  # fmt: skip
    if choice == 4:
        return FieldType.INTEGER, FieldConstraint(regex=r"\d+")
    if choice == 5:
        return FieldType.INTEGER, FieldConstraint(enum_values=(str(n + 10),), min=0, max=n)
    if choice == 6:
        return FieldType.FLOAT, FieldConstraint(min=float("nan"))
    return FieldType.STRING, FieldConstraint(
        regex=data.draw(regexes()), enum_values=("," + data.draw(st.text(alphabet=",;")),)
    )


@PROPERTY_SETTINGS
@given(st.data())
def test_random_invalid_constraints_are_problems_not_exceptions(data: st.DataObject) -> None:
    kind, rule = _invalid_constraint(data)
    request = GenerationRequest(
        request_id="bad",
        fields=(FieldSpec("f", kind),),
        constraints={"f": rule},
        count=data.draw(st.integers(-5, 20)),
    )

    problems = validate_request(request, max_records=1000, max_context_bytes=65_536)

    assert any(p.field.startswith('constraints["f"]') for p in problems), (rule, problems)


def test_dotted_constraints_and_overrides_reach_nested_and_address_parts() -> None:
    """Not a property, the example that pins dotted names down: constraints on `home.city`
    (an ADDRESS part) and `meta.code` are honoured, and an override reaches `meta.count`."""
    fields = (
        FieldSpec("home", FieldType.ADDRESS),
        FieldSpec(
            "meta",
            FieldType.OBJECT,
            nested_fields=(
                FieldSpec("code", FieldType.STRING),
                FieldSpec("count", FieldType.INTEGER),
            ),
        ),
    )
    constraints = {
        "home.city": FieldConstraint(regex=r"[A-Z]{2}ville"),
        "home.postal_code": FieldConstraint(max_length=3),
        "meta.code": FieldConstraint(format="M-{random:4}"),
    }
    scenario = Scenario("s", overrides={"meta.count": "42"})
    request = GenerationRequest(
        request_id="dotted", fields=fields, constraints=constraints, scenarios=(scenario,), count=30
    )
    assert validate_request(request, max_records=1000, max_context_bytes=65_536) == []
    schema = resolve_schema(request)

    records = asyncio.run(generate_all(request, schema, GENERATOR, batch_size=30))

    tracker = CoherenceTracker(schema)
    tracker.add(json.loads(json.dumps(records)))
    assert tracker.score == 1.0, tracker.violations
    assert all(re.fullmatch(r"[A-Z]{2}ville", r["home"]["city"]) for r in records)
    assert all(r["meta"]["count"] == 42 for r in records)


def test_optional_fields_are_null_at_the_documented_rate_for_every_seed() -> None:
    fields = (FieldSpec("id", FieldType.UUID), FieldSpec("note", FieldType.STRING, required=False))
    request = GenerationRequest(request_id="nulls", fields=fields, count=2000)
    schema = resolve_schema(request)

    first = asyncio.run(generate_all(request, schema, GENERATOR, batch_size=500))
    again = asyncio.run(generate_all(request, schema, GENERATOR, batch_size=77))

    share = sum(r["note"] is None for r in first) / len(first)
    assert abs(share - OPTIONAL_NULL_SHARE) < 0.03
    assert all(r["id"] is not None for r in first)
    assert [r["note"] for r in first] == [r["note"] for r in again]
