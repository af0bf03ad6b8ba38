"""The stub server: one aiohttp app on a free loopback port, speaking one provider's API."""

from __future__ import annotations

import asyncio
import contextlib
import json
import math
import time
from collections import deque
from collections.abc import Callable, Iterable
from typing import Any

from aiohttp import web

from testing.llm_servers.prompt_cache import (
    MAX_BREAKPOINTS,
    AnthropicPromptCache,
    OpenAIPromptCache,
    PromptCache,
    breakpoints,
)
from testing.llm_servers.replies import Reply, Script, ScriptedReply, synthesize_reply
from testing.llm_servers.tokens import count_words
from testing.llm_servers.wire import (
    Protocol,
    Turn,
    anthropic_message,
    error_body,
    error_headers,
    openai_completion,
)


class StubLLMServer:
    """A local server for one protocol that answers from its script, then from `default`.

    `min_cacheable_tokens` is the shortest prompt prefix the provider caches (Anthropic: 1,024
    for Sonnet/Opus 4, 2,048 for Haiku; OpenAI: 1,024). `cache_schema_in_prefix=False` makes
    an OpenAI-protocol server cache like vLLM: the messages only, in 16-token blocks, at any
    length (the schema still counts as prompt tokens). `cache_clock` times the caches' TTL.
    """

    def __init__(
        self,
        protocol: Protocol,
        script: Iterable[Script] = (),
        *,
        default: Reply | None = None,
        min_cacheable_tokens: int = 1024,
        cache_schema_in_prefix: bool = True,
        cache_clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.protocol = protocol
        self._script: deque[Script] = deque(script)
        self._default = default or synthesize_reply
        self._cache: PromptCache = (
            AnthropicPromptCache(min_cacheable_tokens, cache_clock)
            if protocol == "anthropic"
            else OpenAIPromptCache(
                min_cacheable_tokens, cache_clock, schema_in_prefix=cache_schema_in_prefix
            )
        )
        self.requests: list[dict[str, Any]] = []
        #: `time.monotonic()` when each call arrived, and when a client hung up on a call it
        #: was still waiting for (a cancelled model call, a read timeout)
        self.arrivals: list[float] = []
        self.hang_ups: list[float] = []
        #: Sums of the usage sent in full answers: every prompt token (Anthropic's
        #: `input_tokens` + cache reads + cache writes; OpenAI's `prompt_tokens`), of which
        #: read from and written to the prompt cache; output tokens
        self.reported_input_tokens = 0
        self.reported_cached_tokens = 0
        self.reported_cache_write_tokens = 0
        self.reported_output_tokens = 0
        self._runner: web.AppRunner | None = None
        self._port = 0
        self._closing = asyncio.Event()

    @property
    def reported_tokens(self) -> int:
        """Prompt and output tokens reported, as a client that counts both would record."""
        return self.reported_input_tokens + self.reported_output_tokens

    @property
    def base_url(self) -> str:
        root = f"http://127.0.0.1:{self._port}"
        return root if self.protocol == "anthropic" else f"{root}/v1"

    def add(self, *replies: Script) -> None:
        self._script.extend(replies)

    async def start(self) -> str:
        app = web.Application()
        path = "/v1/messages" if self.protocol == "anthropic" else "/v1/chat/completions"
        app.router.add_post(path, self._handle)
        self._runner = web.AppRunner(app, handle_signals=False)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        self._port = int(self._runner.addresses[0][1])
        return self.base_url

    async def close(self) -> None:
        self._closing.set()
        if self._runner is not None:
            await self._runner.cleanup()
            self._runner = None

    async def __aenter__(self) -> StubLLMServer:
        await self.start()
        return self

    async def __aexit__(self, *_: object) -> None:
        await self.close()

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        body: dict[str, Any] = await request.json()
        self.requests.append(body)
        self.arrivals.append(time.monotonic())
        entry = self._script.popleft() if self._script else self._default
        reply = entry(body) if callable(entry) else entry
        if reply.delay_s and not await self._delayed(request, reply.delay_s):
            return web.Response(status=499)
        if reply.hang:
            await self._delayed(request, math.inf)
            return web.Response(status=499)
        if reply.status != 200:
            return self._error(reply.status, reply)
        if self.protocol == "anthropic" and breakpoints(body) > MAX_BREAKPOINTS:
            message = f"A maximum of {MAX_BREAKPOINTS} blocks with cache_control may be provided."
            return self._error(400, reply, message)
        turn = self._turn(body, reply)
        answer = anthropic_message if self.protocol == "anthropic" else openai_completion
        payload = answer(body, turn)
        if reply.stall_after_bytes is not None:
            return await self._stalled(request, json.dumps(payload).encode(), reply)
        self._count(turn)
        return web.json_response(payload, headers=reply.headers)

    def _turn(self, body: dict[str, Any], reply: ScriptedReply) -> Turn:
        """The answer's tokens: the prompt's (through the cache) and the output's, cut where
        the request's `max_tokens` or the reply's `cut_at_tokens` says."""
        written = reply.text if reply.text is not None else json.dumps(reply.answer())
        if reply.refusal is not None:
            return Turn(reply, written, None, count_words(reply.refusal), self._cache.use(body))
        limits = [body.get("max_tokens"), body.get("max_completion_tokens"), reply.cut_at_tokens]
        limit = min((n for n in limits if isinstance(n, int)), default=None)
        words = count_words(written)
        cut = limit if limit is not None and words > limit else None
        return Turn(reply, written, cut, words if cut is None else cut, self._cache.use(body))

    def _count(self, turn: Turn) -> None:
        self.reported_input_tokens += turn.prompt.prompt
        self.reported_cached_tokens += turn.prompt.read
        self.reported_cache_write_tokens += turn.prompt.written
        self.reported_output_tokens += turn.output_tokens

    def _error(self, status: int, reply: ScriptedReply, message: str | None = None) -> web.Response:
        return web.json_response(
            error_body(self.protocol, status, message),
            status=status,
            headers=error_headers(self.protocol, reply),
        )

    async def _stalled(
        self, request: web.Request, payload: bytes, reply: ScriptedReply
    ) -> web.StreamResponse:
        """Status, headers promising `payload`'s length, its first bytes, then nothing until
        the client hangs up (its read timeout) or the server closes."""
        response = web.StreamResponse(headers={**reply.headers, "Content-Type": "application/json"})
        response.content_length = len(payload)
        await response.prepare(request)
        await response.write(payload[: reply.stall_after_bytes])
        await self._delayed(request, math.inf)
        return response

    async def _delayed(self, request: web.Request, delay_s: float) -> bool:
        """Wait `delay_s` (less when the server closes); False when the client hung up first."""
        until = time.monotonic() + delay_s
        while time.monotonic() < until and not self._closing.is_set():
            transport = request.transport
            if transport is None or transport.is_closing():
                self.hang_ups.append(time.monotonic())
                return False
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._closing.wait(), min(0.05, until - time.monotonic()))
        return True
