"""Defensive parsing of model output."""

from __future__ import annotations

import pytest

from generators.core.errors import LLMOutputError
from generators.paths.llm.backend import LLMReply
from generators.paths.llm.parsing import parse_records, reply_records


def test_plain_array_and_records_object() -> None:
    assert parse_records('[{"a": 1}]') == [{"a": 1}]
    assert parse_records('{"records": [{"a": 1}]}') == [{"a": 1}]


def test_code_fences_and_prose_around_json() -> None:
    text = 'Sure! Here are your records:\n```json\n[{"a": 1}, {"a": 2}]\n```\nEnjoy.'
    assert parse_records(text) == [{"a": 1}, {"a": 2}]
    assert parse_records('Here: {"records": [{"a": 1}]} -- done') == [{"a": 1}]
    assert parse_records('note [1 of 2] then [{"a": 1}]') == [{"a": 1}]


def test_prose_with_brackets_before_the_json() -> None:
    assert parse_records('As {requested}: [{"a": 1}]') == [{"a": 1}]


def test_double_encoded_records() -> None:
    assert parse_records('{"records": "[{\\"a\\": 1}]"}') == [{"a": 1}]


def test_malformed_output_raises() -> None:
    with pytest.raises(LLMOutputError) as error:
        parse_records('[{"a": 1},')
    assert error.value.problems


def test_structured_output_wins_over_text() -> None:
    reply = LLMReply(text="garbage", parsed={"records": [{"a": 1}]})
    assert reply_records(reply) == [{"a": 1}]
    assert reply_records(LLMReply(text='[{"b": 2}]', parsed={"other": 1})) == [{"b": 2}]
