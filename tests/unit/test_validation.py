"""Request validation (each problem names the request field at fault) and the scenario plan."""

from __future__ import annotations

from typing import Any

import pytest

from generators.core.errors import Problem, ScenarioPlanError
from generators.core.request import (
    FieldConstraint,
    FieldSpec,
    FieldType,
    GenerationRequest,
    Scenario,
    plan_scenarios,
)
from generators.quality.validation import validate_request

MAX_RECORDS = 10_000
MAX_CONTEXT_BYTES = 1000


def problems_of(**request: Any) -> dict[str, str]:
    """field -> message for a request with sensible defaults."""
    fields: dict[str, Any] = {"request_id": "v-1", "entity": "cart", "count": 10}
    found = validate_request(
        GenerationRequest(**(fields | request)),
        max_records=MAX_RECORDS,
        max_context_bytes=MAX_CONTEXT_BYTES,
    )
    return {p.field: p.message for p in found}


def test_the_prd_cart_request_is_valid() -> None:
    scenarios = (Scenario("happy_path", 7), Scenario("high_value", 2), Scenario("single_item", 1))

    assert problems_of(scenarios=scenarios, hints=("realistic",)) == {}


@pytest.mark.parametrize("count", [0, -5])
def test_count_must_be_positive(count: int) -> None:
    assert problems_of(count=count) == {"count": f"must be at least 1, got {count}"}


def test_count_above_the_limit_is_refused() -> None:
    assert "limit of 10000" in problems_of(count=10_001)["count"]


def test_a_context_up_to_the_limit_in_utf8_bytes_is_accepted() -> None:
    assert problems_of(context="x" * MAX_CONTEXT_BYTES) == {}
    assert problems_of(context="é" * (MAX_CONTEXT_BYTES // 2)) == {}


def test_a_context_over_the_limit_in_utf8_bytes_names_the_field_and_the_limit() -> None:
    # 501 characters, 1002 bytes: the limit is on bytes, not characters
    message = problems_of(context="é" * 501)["context"]

    assert message == "is 1002 bytes (UTF-8), more than the limit of 1000 bytes"


def test_unknown_entity_lists_the_known_ones() -> None:
    message = problems_of(entity="spaceship")["entity"]

    assert "spaceship" in message
    assert "cart, order, payment, review, user" in message


def test_unknown_predefined_schema_is_blamed_on_that_field() -> None:
    assert "predefined_schema" in problems_of(predefined_schema="ledger")


def test_missing_entity_and_fields_is_reported() -> None:
    assert "no entity" in problems_of(entity="")["entity"]


def test_min_greater_than_max() -> None:
    fields = (FieldSpec("age", FieldType.INTEGER),)

    found = problems_of(fields=fields, constraints={"age": FieldConstraint(min=10, max=5)})

    assert found == {'constraints["age"].min': "min 10 is greater than max 5"}


def test_a_constraint_that_contradicts_the_predefined_rule() -> None:
    found = problems_of(constraints={"items.quantity": FieldConstraint(max=0)})

    assert found == {'constraints["items.quantity"].min': "min 1 is greater than max 0"}


def test_integer_range_without_an_integer() -> None:
    fields = (FieldSpec("n", FieldType.INTEGER),)

    found = problems_of(fields=fields, constraints={"n": FieldConstraint(min=1.2, max=1.8)})

    assert "no integer" in found['constraints["n"].min']


def test_min_length_greater_than_max_length_and_negative_lengths() -> None:
    fields = (FieldSpec("a", FieldType.STRING), FieldSpec("b", FieldType.STRING))
    constraints = {
        "a": FieldConstraint(min_length=9, max_length=3),
        "b": FieldConstraint(max_length=-1),
    }

    found = problems_of(fields=fields, constraints=constraints)

    assert found['constraints["a"].min_length'] == "min_length 9 is greater than max_length 3"
    assert found['constraints["b"].max_length'] == "must not be negative"


def test_a_regex_that_does_not_compile_quotes_the_re_error() -> None:
    fields = (FieldSpec("code", FieldType.STRING),)

    found = problems_of(fields=fields, constraints={"code": FieldConstraint(regex="[A-Z")})

    assert found['constraints["code"].regex'].startswith("does not compile: unterminated")


def test_a_regex_values_cannot_be_built_for() -> None:
    fields = (FieldSpec("code", FieldType.STRING),)

    found = problems_of(fields=fields, constraints={"code": FieldConstraint(regex=r"a(?=b)b")})

    assert "lookahead" in found['constraints["code"].regex']


def test_a_format_template_with_an_unknown_placeholder() -> None:
    found = problems_of(constraints={"cart_id": FieldConstraint(format="CRT-{uuid}")})

    assert "{uuid}" in found['constraints["cart_id"].format']


def test_constraints_must_name_a_field_dotted_names_reach_nested_ones() -> None:
    constraints = {
        "items.price": FieldConstraint(max=100),
        "items.colour": FieldConstraint(enum_values=("red",)),
    }

    found = problems_of(constraints=constraints)

    assert list(found) == ['constraints["items.colour"]']
    assert (
        "known fields: cart_id, customer_id, items, items.sku"
        in found['constraints["items.colour"]']
    )


def test_a_constraint_attribute_that_does_not_apply_to_the_field_type() -> None:
    found = problems_of(constraints={"subtotal": FieldConstraint(regex=r"\d+")})

    assert found == {
        'constraints["subtotal"].regex': "applies to STRING fields; 'subtotal' is FLOAT"
    }


def test_negative_scenario_counts_and_counts_above_the_total() -> None:
    scenarios = (Scenario("a", 8), Scenario("b", -1), Scenario("c", 5))

    found = problems_of(scenarios=scenarios)

    assert found["scenarios[1].count"] == "must not be negative, got -1"
    assert found["scenarios"] == "scenario counts add up to 13, more than count 10"


def test_scenario_names_must_be_present_and_distinct() -> None:
    found = problems_of(scenarios=(Scenario("a"), Scenario(" "), Scenario("a")))

    assert found["scenarios[1].name"] == "must not be empty"
    assert "duplicate scenario name 'a'" in found["scenarios[2].name"]


def test_overrides_must_name_a_field_and_fit_its_type() -> None:
    scenario = Scenario(
        "s",
        overrides={"nope": "1", "items.quantity": "lots", "currency": "EUR", "tax": "nan"},
    )

    found = problems_of(scenarios=(scenario,))

    assert set(found) == {
        'scenarios[0].overrides["nope"]',
        'scenarios[0].overrides["items.quantity"]',
        'scenarios[0].overrides["tax"]',
    }
    assert "not a valid INTEGER" in found['scenarios[0].overrides["items.quantity"]']


def test_custom_field_names_must_be_present_distinct_and_identifier_like() -> None:
    fields = (
        FieldSpec("id", FieldType.UUID),
        FieldSpec("", FieldType.STRING),
        FieldSpec("id", FieldType.STRING),
        FieldSpec("first name", FieldType.STRING),
        FieldSpec(
            "meta",
            FieldType.OBJECT,
            nested_fields=(FieldSpec("k", FieldType.STRING), FieldSpec("k", FieldType.STRING)),
        ),
    )

    found = problems_of(fields=fields)

    assert found["fields[1].name"] == "must not be empty"
    assert found["fields[2].name"] == "duplicate field name 'id' (see fields[0])"
    assert "must start with a letter" in found["fields[3].name"]
    assert "duplicate field name 'k'" in found["fields[4].nested_fields[1].name"]


def test_nesting_and_enum_values_must_fit_the_field_type() -> None:
    fields = (
        FieldSpec("tags", FieldType.ARRAY),
        FieldSpec("n", FieldType.INTEGER, nested_fields=(FieldSpec("x", FieldType.STRING),)),
        FieldSpec("state", FieldType.ENUM),
    )

    found = problems_of(fields=fields)

    assert found["fields[0].nested_fields"] == "ARRAY fields need nested_fields"
    assert found["fields[1].nested_fields"] == "INTEGER fields take no nested_fields"
    assert (
        found["fields[2].type"] == "ENUM field 'state' needs enum_values in constraints[\"state\"]"
    )


def test_problems_read_as_field_colon_message() -> None:
    assert str(Problem("count", "must be at least 1, got 0")) == "count: must be at least 1, got 0"


# --- the scenario plan ----------------------------------------------------------------------


def plan(count: int, *counts: int) -> list[tuple[str, int]]:
    scenarios = tuple(Scenario(f"s{i}", c) for i, c in enumerate(counts))
    return plan_scenarios(GenerationRequest(request_id="p", count=count, scenarios=scenarios))


def test_no_scenarios_means_one_default_scenario() -> None:
    assert plan(5) == [("default", 5)]


def test_counts_that_add_up_are_kept() -> None:
    assert plan(10, 7, 2, 1) == [("s0", 7), ("s1", 2), ("s2", 1)]


def test_the_remainder_is_spread_in_order_over_unsized_scenarios() -> None:
    assert plan(10, 3, 0, 0) == [("s0", 3), ("s1", 4), ("s2", 3)]
    assert plan(2, 0, 0, 0) == [("s0", 1), ("s1", 1), ("s2", 0)]


def test_without_unsized_scenarios_the_first_takes_the_remainder() -> None:
    assert plan(10, 2, 3) == [("s0", 7), ("s1", 3)]


@pytest.mark.parametrize("counts", [(8, 5), (3, -1)])
def test_impossible_counts_cannot_be_planned(counts: tuple[int, ...]) -> None:
    with pytest.raises(ScenarioPlanError):
        plan(10, *counts)


def test_bounds_must_be_finite_and_lengths_modest() -> None:
    fields = (
        FieldSpec("x", FieldType.FLOAT),
        FieldSpec("n", FieldType.INTEGER),
        FieldSpec("s", FieldType.STRING),
        FieldSpec("a", FieldType.ARRAY, nested_fields=(FieldSpec("v", FieldType.INTEGER),)),
    )
    constraints = {
        "x": FieldConstraint(min=float("nan")),
        "n": FieldConstraint(min=-1e30, max=float("inf")),
        "s": FieldConstraint(min_length=1_000_000),
        "a": FieldConstraint(max_length=1000),
    }

    found = problems_of(fields=fields, constraints=constraints)

    assert found['constraints["x"].min'] == "must be a finite number"
    assert found['constraints["n"].max'] == "must be a finite number"
    assert found['constraints["n"].min'] == "must fit in a 64-bit integer"
    assert found['constraints["s"].min_length'] == "must be at most 10000, got 1000000"
    assert found['constraints["a"].max_length'] == "must be at most 100, got 1000"


def test_contradicting_string_constraints_name_the_field() -> None:
    fields = tuple(FieldSpec(n, FieldType.STRING) for n in ("a", "b", "c", "d", "e", "f"))
    constraints = {
        "a": FieldConstraint(regex=r"[A-Z]{3}-\d{4}", max_length=5),
        "b": FieldConstraint(regex=r"\d{2}", min_length=4),
        "c": FieldConstraint(regex="^(a+)+b$", max_length=1),
        "d": FieldConstraint(regex="x", enum_values=("x", "y")),
        "e": FieldConstraint(format="ID-{random:6}", max_length=4),
        "f": FieldConstraint(regex=r"(a)?\1"),
    }

    found = problems_of(fields=fields, constraints=constraints)

    assert "more than max_length 5" in found['constraints["a"].regex']
    assert "fewer than min_length 4" in found['constraints["b"].regex']
    assert "more than max_length 1" in found['constraints["c"].regex']
    assert found['constraints["d"].enum_values'] == "'y' does not match the regex 'x'"
    assert "have 9 characters" in found['constraints["e"].format']
    assert "may not take part" in found['constraints["f"].regex']


def test_numeric_enum_values_must_parse_and_lie_within_min_and_max() -> None:
    fields = (FieldSpec("n", FieldType.INTEGER), FieldSpec("x", FieldType.FLOAT))
    constraints = {
        "n": FieldConstraint(enum_values=("1", "5", "50"), min=1, max=10),
        "x": FieldConstraint(enum_values=("0.5", "abc")),
    }

    found = problems_of(fields=fields, constraints=constraints)

    assert found['constraints["n"].enum_values'] == "'50' outside min 1 .. max 10"
    assert "'abc' is not a valid FLOAT" in found['constraints["x"].enum_values']


def test_a_huge_repetition_is_refused_promptly() -> None:
    fields = (FieldSpec("s", FieldType.STRING),)

    found = problems_of(fields=fields, constraints={"s": FieldConstraint(regex="a{100000}")})

    assert "limit of 10000" in found['constraints["s"].regex']


def test_a_callers_regex_replaces_a_predefined_format() -> None:
    assert problems_of(constraints={"cart_id": FieldConstraint(regex=r"C-\d{3}")}) == {}
