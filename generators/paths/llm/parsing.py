"""Defensive parsing of model output into a list of records.

Structured output makes malformed replies rare, not impossible: a model may wrap JSON in a
Markdown fence, put prose before or after it, answer with a bare array instead of the
`{"records": [...]}` object, or stop mid-way. Output is only ever parsed here, never evaluated.
"""

from __future__ import annotations

import json
import re
from typing import Any

from generators.core.errors import LLMOutputError
from generators.paths.llm.backend import LLMReply
from generators.paths.llm.json_schema import RECORDS_KEY

_FENCE = re.compile(r"```[a-zA-Z0-9_-]*\s*\n(.*?)```", re.DOTALL)
_DECODER = json.JSONDecoder()
_MAX_CANDIDATES = 50


def reply_records(reply: LLMReply) -> list[Any]:
    """The records of a reply: its structured output if any, else parsed from its text."""
    if reply.parsed is not None:
        records = _as_records(reply.parsed)
        if records is not None:
            return records
    return parse_records(reply.text)


def parse_records(text: str) -> list[Any]:
    """The first JSON array of records (or `{"records": [...]}` object) in `text`.

    Fenced blocks are tried first, then every `[` or `{` in the text in order, each decoded as
    one JSON value with whatever follows it ignored. Raises `LLMOutputError` when none works.
    """
    for candidate in (*_FENCE.findall(text), text):
        records = _first_records(candidate)
        if records is not None:
            return records
    preview = text.strip()[:80]
    msg = f"no JSON array of records in the model output (starts {preview!r})"
    raise LLMOutputError(msg, (msg,))


def _first_records(text: str) -> list[Any] | None:
    starts = [i for i, ch in enumerate(text) if ch in "[{"][:_MAX_CANDIDATES]
    for start in starts:
        try:
            value, _ = _DECODER.raw_decode(text, start)
        except json.JSONDecodeError:
            continue
        records = _as_records(value)
        if records is not None:
            return records
    return None


def _as_records(value: Any) -> list[Any] | None:
    if isinstance(value, list):
        return value
    if isinstance(value, dict):
        inner = value.get(RECORDS_KEY)
        if isinstance(inner, list):
            return inner
        if isinstance(inner, str):  # some models double-encode the array
            try:
                decoded = json.loads(inner)
            except json.JSONDecodeError:
                return None
            return decoded if isinstance(decoded, list) else None
    return None
