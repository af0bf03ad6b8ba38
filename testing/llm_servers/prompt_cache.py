"""Prompt caching as each provider documents it, over the stub's word tokens.

Anthropic (docs.anthropic.com, "Prompt caching"): explicit `cache_control` breakpoints; each
breakpoint caches the prefix up to and including its block (tools -> system -> messages), if
the prefix reaches the model's minimum (1,024 tokens for Sonnet/Opus 4, 2,048 for Haiku; a
shorter one is just not cached). A request reads the longest cached prefix that ends at a block
boundary within 20 blocks before one of its breakpoints, and writes its breakpoints' prefixes;
`cache_creation_input_tokens` is what it wrote beyond what it read.

OpenAI (platform.openai.com, "Prompt caching"): automatic, for prompts of 1,024 tokens or more;
a hit covers the longest prefix seen before, in steps of 128 tokens past the first 1,024. The
`response_format` schema is part of the cached prefix. vLLM's prefix cache (`schema_in_prefix`
off) caches the chat messages only, in blocks of 16 tokens (its default block size), at any
length.

Both keep an entry 5 minutes after its last use (OpenAI says 5-10 minutes of inactivity).
Entries are keyed by model and by a digest of the prefix's tokens.
"""

from __future__ import annotations

import hashlib
import itertools
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Protocol

from testing.llm_servers.tokens import anthropic_blocks, openai_parts

TTL_S = 300.0
#: Anthropic looks for cached prefixes at block boundaries up to this many blocks before a
#: breakpoint.
LOOKBACK_BLOCKS = 20
#: Anthropic rejects a request with more `cache_control` blocks than this.
MAX_BREAKPOINTS = 4
OPENAI_CACHE_STEP = 128
VLLM_BLOCK_TOKENS = 16


@dataclass(frozen=True, slots=True)
class CacheUse:
    """A request's prompt tokens: all of them, those read from the cache, those written to it."""

    prompt: int
    read: int = 0
    written: int = 0


class PromptCache(Protocol):
    def use(self, body: Mapping[str, Any]) -> CacheUse: ...


@dataclass(frozen=True, slots=True)
class _Prefix:
    length: int
    digest: str


class _Store:
    """Cached prefixes by digest, each alive until its TTL runs out; a hit refreshes it."""

    def __init__(self, clock: Callable[[], float]) -> None:
        self._clock = clock
        self._expiry: dict[str, float] = {}

    def read(self, candidates: Sequence[_Prefix]) -> int:
        """The length of the longest cached candidate (0 when none is)."""
        now = self._clock()
        hits = [p for p in candidates if self._expiry.get(p.digest, now) > now]
        if not hits:
            return 0
        best = max(hits, key=lambda p: p.length)
        self._expiry[best.digest] = now + TTL_S
        return best.length

    def write(self, prefixes: Iterable[_Prefix]) -> None:
        now = self._clock()
        self._expiry = {d: t for d, t in self._expiry.items() if t > now}
        self._expiry.update((p.digest, now + TTL_S) for p in prefixes)


def _prefixes(model: str, tokens: Sequence[str], lengths: Iterable[int]) -> list[_Prefix]:
    """The prefixes of `tokens` of each length, digested incrementally."""
    digest = hashlib.sha256(model.encode())
    done, result = 0, []
    for length in sorted(set(lengths)):
        for token in tokens[done:length]:
            digest.update(token.encode() + b" ")
        done = length
        result.append(_Prefix(length, digest.copy().hexdigest()))
    return result


class AnthropicPromptCache:
    """Explicit breakpoints: only what a `cache_control` block ends is written."""

    def __init__(self, min_tokens: int, clock: Callable[[], float]) -> None:
        self._min = min_tokens
        self._store = _Store(clock)

    def use(self, body: Mapping[str, Any]) -> CacheUse:
        blocks = anthropic_blocks(body)
        tokens = [token for block in blocks for token in block.tokens]
        ends = list(itertools.accumulate(len(block.tokens) for block in blocks))
        marks = [i for i, block in enumerate(blocks) if block.breakpoint]
        if not marks:
            return CacheUse(len(tokens))
        looked = [
            ends[i]
            for i in range(marks[-1] + 1)
            if any(0 <= mark - i < LOOKBACK_BLOCKS for mark in marks)
        ]
        candidates = _prefixes(str(body.get("model")), tokens, looked)
        read = self._store.read(candidates)
        marked = {ends[i] for i in marks}
        new = [p for p in candidates if p.length in marked and p.length >= max(self._min, read + 1)]
        self._store.write(new)
        written = max((p.length for p in new), default=read) - read
        return CacheUse(len(tokens), read, written)


def breakpoints(body: Mapping[str, Any]) -> int:
    """How many `cache_control` blocks the request has (Anthropic allows `MAX_BREAKPOINTS`)."""
    return sum(block.breakpoint for block in anthropic_blocks(body))


class OpenAIPromptCache:
    """Automatic: every prompt long enough is written, at each step of its length."""

    def __init__(
        self, min_tokens: int, clock: Callable[[], float], *, schema_in_prefix: bool
    ) -> None:
        self._first, self._step = (
            (min_tokens, OPENAI_CACHE_STEP)
            if schema_in_prefix
            else (VLLM_BLOCK_TOKENS, VLLM_BLOCK_TOKENS)
        )
        self._schema_in_prefix = schema_in_prefix
        self._store = _Store(clock)

    def use(self, body: Mapping[str, Any]) -> CacheUse:
        schema, messages = openai_parts(body)
        prefix = schema + messages if self._schema_in_prefix else messages
        lengths = range(self._first, len(prefix) + 1, self._step)
        candidates = _prefixes(str(body.get("model")), prefix, lengths)
        read = self._store.read(candidates)
        self._store.write(candidates)
        return CacheUse(len(schema) + len(messages), read)
