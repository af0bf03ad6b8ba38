"""Defensive parsing of model output into records by scenario."""

from __future__ import annotations

import pytest

from generators.core.errors import LLMOutputError
from generators.paths.llm.backend import LLMReply
from generators.paths.llm.parsing import UNLABELLED, parse_groups, reply_groups, salvage_groups


def test_scenario_arrays_and_flat_answers() -> None:
    assert parse_groups('{"records": {"a": [{"x": 1}], "b": []}}') == {"a": [{"x": 1}], "b": []}
    assert parse_groups('[{"x": 1}]') == {UNLABELLED: [{"x": 1}]}
    assert parse_groups('{"records": [{"_scenario": "a", "x": 1}, {"x": 2}]}') == {
        "a": [{"_scenario": "a", "x": 1}],
        UNLABELLED: [{"x": 2}],
    }


def test_code_fences_and_prose_around_json() -> None:
    text = 'Sure! Here are your records:\n```json\n{"records": {"a": [{"x": 1}]}}\n```\nEnjoy.'
    assert parse_groups(text) == {"a": [{"x": 1}]}
    assert parse_groups('Here: {"records": {"a": [{"x": 1}]}} -- done') == {"a": [{"x": 1}]}
    assert parse_groups('note [1 of 2] then [{"a": 1}]') == {UNLABELLED: [{"a": 1}]}
    assert parse_groups('As {requested}: [{"a": 1}]') == {UNLABELLED: [{"a": 1}]}


def test_double_encoded_records() -> None:
    assert parse_groups('{"records": "{\\"a\\": [{\\"x\\": 1}]}"}') == {"a": [{"x": 1}]}


def test_malformed_output_raises() -> None:
    with pytest.raises(LLMOutputError) as error:
        parse_groups('{"records": {"a": [{"x": 1},')
    assert error.value.problems


def test_a_truncated_answer_keeps_its_complete_records() -> None:
    cut = '{"records": {"a": [{"x": [1, 2]}, {"x": [3]}], "b": [{"x": []}, {"x": [4'
    assert salvage_groups(cut) == {"a": [{"x": [1, 2]}, {"x": [3]}], "b": [{"x": []}]}
    assert reply_groups(LLMReply(text=cut, truncated=True))["b"] == [{"x": []}]


def test_structured_output_wins_over_text() -> None:
    reply = LLMReply(text="garbage", parsed={"records": {"a": [{"x": 1}]}})
    assert reply_groups(reply) == {"a": [{"x": 1}]}
    flat = LLMReply(text='[{"b": 2}]', parsed={"other": 1})
    assert reply_groups(flat) == {UNLABELLED: [{"b": 2}]}
