"""Tokens as the stub servers count them: whitespace-separated words.

A request's prompt is split into the parts each provider caches as a prefix, in the provider's
order, so that prefixes compare token by token: Anthropic's blocks (tools, then system, then the
messages' content blocks, each maybe a `cache_control` breakpoint); OpenAI's schema (the
`response_format`, which OpenAI caches with the prompt) and messages. `cache_control` markers are
not content: moving one does not change a prefix.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_WORD = re.compile(r"\S+")


def count_words(text: str) -> int:
    return len(text.split())


def cut_words(text: str, limit: int) -> str:
    """`text` up to the end of its `limit`-th word: what a model had written when it stopped."""
    ends = [match.end() for match in _WORD.finditer(text)]
    if limit >= len(ends):
        return text
    return text[: ends[limit - 1]] if limit > 0 else ""


def content_text(content: Any) -> str:
    """A message's content as text: a string, or its blocks joined by blank lines."""
    if isinstance(content, list):
        return "\n\n".join(_block_text(block) for block in content)
    return _block_text(content)


@dataclass(frozen=True, slots=True)
class Block:
    """One Anthropic prompt block (a tool, a system block, a content block): its tokens, and
    whether it carries a `cache_control` breakpoint."""

    tokens: tuple[str, ...]
    breakpoint: bool


def anthropic_blocks(body: Mapping[str, Any]) -> list[Block]:
    """The request's blocks in Anthropic's prefix order: tools, system, messages."""
    system = body.get("system") or ""
    parts: list[Any] = list(body.get("tools") or [])
    parts += system if isinstance(system, list) else [system]
    for message in body.get("messages", []):
        content = message.get("content", "")
        parts += content if isinstance(content, list) else [content]
    return [Block(tuple(_block_text(part).split()), _marked(part)) for part in parts]


def openai_parts(body: Mapping[str, Any]) -> tuple[list[str], list[str]]:
    """The request's tokens as (schema and tools, messages in order)."""
    schema = [json.dumps(body[key]) for key in ("tools", "response_format") if key in body]
    messages = [content_text(m.get("content") or "") for m in body.get("messages", [])]
    return " ".join(schema).split(), " ".join(messages).split()


def _block_text(part: Any) -> str:
    if isinstance(part, str):
        return part
    if isinstance(part, Mapping) and part.get("type") == "text":
        return str(part.get("text", ""))
    if isinstance(part, Mapping):
        return json.dumps({k: v for k, v in part.items() if k != "cache_control"})
    return json.dumps(part)


def _marked(part: Any) -> bool:
    return isinstance(part, Mapping) and part.get("cache_control") is not None
