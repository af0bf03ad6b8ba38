"""ARRAY fields: min/max on the field bound how many elements each record's array has."""

from __future__ import annotations

import pytest

from generators.core.protocol import RunContext
from generators.core.request import FieldConstraint, FieldSpec, FieldType, GenerationRequest
from generators.entities.registry import resolve_schema
from generators.paths.traditional.generator import TraditionalGenerator
from generators.quality.validation import validate_request

LINES = FieldSpec(
    "lines",
    FieldType.ARRAY,
    nested_fields=(FieldSpec("sku", FieldType.STRING), FieldSpec("qty", FieldType.INTEGER)),
)


def request(**constraint: float) -> GenerationRequest:
    return GenerationRequest(
        request_id="arrays",
        count=400,
        fields=(LINES,),
        constraints={"lines": FieldConstraint(**constraint)},  # type: ignore[arg-type]
    )


async def test_min_and_max_on_an_array_bound_its_length() -> None:
    wanted = request(min=4, max=6)
    lengths: set[int] = set()

    assert validate_request(wanted, max_records=10_000, max_context_bytes=65_536) == []
    async for batch in TraditionalGenerator().start(
        wanted, resolve_schema(wanted), RunContext(batch_size=100)
    ):
        lengths.update(len(record["lines"]) for record in batch)

    assert lengths == {4, 5, 6}


@pytest.mark.parametrize(
    ("constraint", "field", "words"),
    [
        ({"min": 2.5}, 'constraints["lines"].min', "whole number"),
        ({"max": -1}, 'constraints["lines"].max', "whole number"),
        ({"max": 1000}, 'constraints["lines"].max', "from 0 to 100"),
        ({"min": 5, "max": 2}, 'constraints["lines"].min', "greater than"),
    ],
)
def test_array_bounds_that_cannot_be_lengths_are_rejected(
    constraint: dict[str, float], field: str, words: str
) -> None:
    problems = validate_request(request(**constraint), max_records=10_000, max_context_bytes=65_536)

    assert any(p.field == field and words in p.message for p in problems), problems
