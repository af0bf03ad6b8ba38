"""The JSON each API answers with: messages, chat completions, error bodies and headers.

An answer cut at `max_tokens` is sent as each API sends it: OpenAI's `message.content` is the
JSON text as far as it was written (so it does not parse) with `finish_reason: "length"`;
Anthropic's tool call `input` keeps what a partial-JSON parse of the written text keeps, the
records complete before the cut, with `stop_reason: "max_tokens"`.
"""

from __future__ import annotations

import json
import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Literal

from testing.llm_servers.prompt_cache import CacheUse
from testing.llm_servers.replies import RECORDS, ScriptedReply
from testing.llm_servers.tokens import cut_words

Protocol = Literal["anthropic", "openai"]
#: Where the records start in the answer's JSON text (`json.dumps` spacing)
_RECORDS_AT = len(json.dumps({RECORDS: 0})) - 2
_SEPARATOR = len(", ")


@dataclass(frozen=True, slots=True)
class Turn:
    """One answer as sent: the reply, what the model wrote (the JSON or text, whole), the
    output tokens at which it was cut (None when whole), the output tokens reported and the
    prompt's tokens."""

    reply: ScriptedReply
    written: str
    cut: int | None
    output_tokens: int
    prompt: CacheUse


def anthropic_message(body: Mapping[str, Any], turn: Turn) -> dict[str, Any]:
    reply, cut = turn.reply, turn.cut
    if reply.refusal is not None:
        content: list[dict[str, Any]] = [{"type": "text", "text": reply.refusal}]
        stop = "refusal"
    elif reply.text is not None:
        text = turn.written if cut is None else cut_words(turn.written, cut)
        content, stop = [{"type": "text", "text": text}], "end_turn"
    else:
        answer = reply.answer()
        if cut is not None:
            answer = complete_part(answer, len(cut_words(turn.written, cut)))
        name = (body.get("tools") or [{"name": "emit_records"}])[0]["name"]
        content = [{"type": "tool_use", "id": "toolu_stub", "name": name, "input": answer}]
        stop = "tool_use"
    prompt = turn.prompt
    return {
        "id": "msg_stub",
        "type": "message",
        "role": "assistant",
        "model": body.get("model", "stub"),
        "content": content,
        "stop_reason": stop if cut is None else "max_tokens",
        "stop_sequence": None,
        "usage": {
            "input_tokens": prompt.prompt - prompt.read - prompt.written,
            "output_tokens": turn.output_tokens,
            "cache_creation_input_tokens": prompt.written,
            "cache_read_input_tokens": prompt.read,
            "cache_creation": {
                "ephemeral_5m_input_tokens": prompt.written,
                "ephemeral_1h_input_tokens": 0,
            },
        },
    }


def openai_completion(body: Mapping[str, Any], turn: Turn) -> dict[str, Any]:
    refusal = turn.reply.refusal
    content = turn.written if turn.cut is None else cut_words(turn.written, turn.cut)
    message = {"role": "assistant", "content": None if refusal else content, "refusal": refusal}
    choice = {
        "index": 0,
        "message": message,
        "finish_reason": "stop" if turn.cut is None else "length",
        "logprobs": None,
    }
    prompt = turn.prompt
    return {
        "id": "chatcmpl-stub",
        "object": "chat.completion",
        "created": 0,
        "model": body.get("model", "stub"),
        "choices": [choice],
        "usage": {
            "prompt_tokens": prompt.prompt,
            "completion_tokens": turn.output_tokens,
            "total_tokens": prompt.prompt + turn.output_tokens,
            "prompt_tokens_details": {"cached_tokens": prompt.read, "audio_tokens": 0},
        },
    }


def complete_part(answer: Mapping[str, Any], chars: int) -> dict[str, Any]:
    """What of `answer` its JSON text's first `chars` characters hold whole: the arrays opened,
    with their complete records."""
    if chars <= _RECORDS_AT:
        return {}
    return {RECORDS: _complete_arrays(answer[RECORDS], _RECORDS_AT, chars)}


def _complete_arrays(arrays: Mapping[str, list[Any]], start: int, chars: int) -> dict[str, Any]:
    kept: dict[str, Any] = {}
    at = start + 1
    for name, items in arrays.items():
        opening = at + len(json.dumps(name)) + len(": ")
        if opening >= chars:
            break
        kept[name] = _complete_items(items, opening, chars)
        at = opening + len(json.dumps(items)) + _SEPARATOR
    return kept


def _complete_items(items: list[Any], start: int, chars: int) -> list[Any]:
    kept = []
    at = start + 1
    for item in items:
        end = at + len(json.dumps(item))
        if end > chars:
            break
        kept.append(item)
        at = end + _SEPARATOR
    return kept


def error_body(protocol: Protocol, status: int, message: str | None = None) -> dict[str, Any]:
    """The error JSON each API sends for `status`."""
    text = message or f"stub error {status}"
    if protocol == "anthropic":
        kind = {400: "invalid_request_error", 429: "rate_limit_error", 529: "overloaded_error"}
        error = {"type": kind.get(status, "api_error"), "message": text}
        return {"type": "error", "error": error, "request_id": "req_stub"}
    code = "rate_limit_exceeded" if status == 429 else None
    kind = {400: "invalid_request_error", 429: "requests"}
    return {"error": {"message": text, "type": kind.get(status, "server_error"), "param": None,
                      "code": code}}  # fmt: skip


def error_headers(protocol: Protocol, reply: ScriptedReply) -> dict[str, str]:
    """The reply's headers, with the wait `retry_after_s` asks for as each API says it:
    whole seconds in `retry-after`, and for OpenAI(-compatible) servers milliseconds in
    `retry-after-ms` too (the SDKs read that first)."""
    headers = dict(reply.headers)
    if reply.retry_after_s is not None:
        headers["retry-after"] = str(math.ceil(reply.retry_after_s))
        if protocol == "openai":
            headers["retry-after-ms"] = str(round(reply.retry_after_s * 1000))
    return headers
