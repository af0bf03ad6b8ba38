"""Defensive parsing of model output into records grouped by scenario.

Structured output makes malformed replies rare, not impossible: a model may wrap JSON in a
Markdown fence, put prose before or after it, answer with a bare array instead of the
`{"records": {scenario: [...]}}` object, label records with `_scenario` instead of grouping
them, or stop mid-way (a reply cut at `max_tokens`: the records completed before the cut are
kept). Output is only ever parsed here, never evaluated.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from generators.core.errors import LLMOutputError
from generators.paths.llm.backend import LLMReply
from generators.paths.llm.json_schema import RECORDS_KEY

_FENCE = re.compile(r"```[a-zA-Z0-9_-]*\s*\n(.*?)```", re.DOTALL)
_DECODER = json.JSONDecoder()
_MAX_CANDIDATES = 50
#: The group of records an answer gave without saying their scenario: they are placed where
#: they fit.
UNLABELLED = ""

Groups = dict[str, list[Any]]


def reply_groups(reply: LLMReply) -> Groups:
    """The records of a reply by scenario: its structured output if any, else parsed from its
    text; a truncated text keeps its complete records."""
    if reply.parsed is not None:
        groups = _as_groups(reply.parsed)
        if groups is not None:
            return groups
    if reply.truncated:
        groups = salvage_groups(reply.text)
        if groups:
            return groups
    return parse_groups(reply.text)


def parse_groups(text: str) -> Groups:
    """The first JSON value in `text` that holds records (fenced blocks first, then every `[`
    or `{` in order, each decoded as one JSON value with whatever follows it ignored). Raises
    `LLMOutputError` when none does."""
    for candidate in (*_FENCE.findall(text), text):
        groups = _first_groups(candidate)
        if groups is not None:
            return groups
    preview = text.strip()[:80]
    msg = f"no JSON records in the model output (starts {preview!r})"
    raise LLMOutputError(msg, (msg,))


def salvage_groups(text: str) -> Groups:
    """The complete records of a `{"records": {scenario: [...]}}` text cut short."""
    start = text.find("{")
    groups: Groups = {}
    if start < 0:
        return groups
    at = _skip(text, start + 1)
    if not text.startswith(f'"{RECORDS_KEY}"', at):
        return groups
    at = _skip(text, at + len(RECORDS_KEY) + 2, ":{")
    while at < len(text) and text[at] == '"':
        try:
            name, at = _DECODER.raw_decode(text, at)
        except json.JSONDecodeError:
            return groups
        at = _skip(text, at, ":[")
        records = groups.setdefault(str(name), [])
        while at < len(text) and text[at] not in "]":
            try:
                record, at = _DECODER.raw_decode(text, at)
            except json.JSONDecodeError:
                return groups
            records.append(record)
            at = _skip(text, at, ",")
        at = _skip(text, at + 1, ",")
    return groups


def _skip(text: str, at: int, also: str = "") -> int:
    while at < len(text) and (text[at].isspace() or text[at] in also):
        at += 1
    return at


def _first_groups(text: str) -> Groups | None:
    starts = [i for i, ch in enumerate(text) if ch in "[{"][:_MAX_CANDIDATES]
    for start in starts:
        try:
            value, _ = _DECODER.raw_decode(text, start)
        except json.JSONDecodeError:
            continue
        groups = _as_groups(value)
        if groups is not None:
            return groups
    return None


def _as_groups(value: Any) -> Groups | None:
    if isinstance(value, list):
        return _by_label(value)
    if not isinstance(value, Mapping) or RECORDS_KEY not in value:
        return None
    inner = value[RECORDS_KEY]
    if isinstance(inner, str):  # some models double-encode the records
        try:
            inner = json.loads(inner)
        except json.JSONDecodeError:
            return None
    if isinstance(inner, list):
        return _by_label(inner)
    if isinstance(inner, Mapping):
        return {str(k): list(v) if isinstance(v, list) else [v] for k, v in inner.items()}
    return None


def _by_label(records: list[Any]) -> Groups:
    """A flat list grouped by each record's `_scenario`, when it has one."""
    groups: Groups = {}
    for record in records:
        label = record.get("_scenario") if isinstance(record, Mapping) else None
        groups.setdefault(label if isinstance(label, str) else UNLABELLED, []).append(record)
    return groups
