"""Each LLM backend's circuit breaker with the real SDKs against local servers speaking the
Anthropic and OpenAI APIs (`testing.llm_servers`): outages open it, an open breaker sends
nothing to the server, one probe after the cool-down closes it again, and `Retry-After` is
honoured. The breakers run on a fake clock; the SDKs' timeouts are real (and short)."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Callable
from typing import Any, Literal

import pytest
from prometheus_client import REGISTRY
from pydantic import SecretStr

from clients._common import CallLimits
from clients.anthropic_backend import AnthropicBackend
from clients.openai_backend import OpenAICompatibleBackend
from config import Settings
from generators.core.errors import LLMCallError, LLMCircuitOpenError, LLMTimeoutError
from generators.paths.llm.backend import LLMCall
from generators.paths.llm.breaker import BreakerPolicy, CircuitBreaker, CircuitState
from generators.paths.llm.guarded import GuardedBackend
from streams.wiring import llm_backends
from testing.llm_servers import ScriptedReply, StubLLMServer, synthesize_reply

KEY = SecretStr("sk-test-not-a-real-key")
CALL = LLMCall("system", "stable", "batch", {"type": "object", "properties": {}}, 100)
#: A hanging backend costs a call 0.3 s, never more than 0.5 s
FAST = CallLimits(timeout_s=0.3, max_retries=0, total_timeout_s=0.5)
HANG = ScriptedReply(delay_s=30)
UNAVAILABLE = ScriptedReply(status=503)
Protocol = Literal["anthropic", "openai"]


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


class Model:
    """The server's answer to every call until changed: a scripted failure, or (None) a
    schema-valid reply."""

    def __init__(self, failure: ScriptedReply | None) -> None:
        self.failure = failure

    def __call__(self, body: dict[str, Any]) -> ScriptedReply:
        return self.failure or synthesize_reply(body)


def guarded(server: StubLLMServer, clock: Clock) -> tuple[GuardedBackend, CircuitBreaker]:
    inner = (
        AnthropicBackend(api_key=KEY, base_url=server.base_url, limits=FAST)
        if server.protocol == "anthropic"
        else OpenAICompatibleBackend(api_key=KEY, base_url=server.base_url, limits=FAST)
    )
    breaker = CircuitBreaker(BreakerPolicy(failures_to_open=3, open_s=15), clock=clock)
    return GuardedBackend(inner, breaker), breaker


def state(breaker: CircuitBreaker) -> CircuitState:
    """Read through a call, so mypy does not carry a narrowed state across transitions."""
    return breaker.state


async def until(condition: Callable[[], object], timeout_s: float = 5.0) -> None:
    deadline = time.monotonic() + timeout_s
    while not condition():
        assert time.monotonic() < deadline, "not within 5 s"
        await asyncio.sleep(0.01)


@pytest.mark.parametrize("protocol", ["anthropic", "openai"])
async def test_503s_open_it_no_call_reaches_the_server_then_a_probe_closes_it(
    protocol: Protocol,
) -> None:
    model, clock = Model(UNAVAILABLE), Clock()
    async with StubLLMServer(protocol, default=model) as server:
        backend, breaker = guarded(server, clock)
        for _ in range(3):
            with pytest.raises(LLMCallError, match="HTTP 503"):
                await backend.complete(CALL)
        assert state(breaker) is CircuitState.OPEN and not backend.available
        assert backend.unavailable_detail == (
            "circuit open after 3 failures (api_error: HTTP 503 after retries), retry in 15 s"
        )
        for _ in range(5):
            with pytest.raises(LLMCircuitOpenError, match="circuit open after 3 failures"):
                await backend.complete(CALL)
        assert len(server.requests) == 3  # no request reached the server

        model.failure = None
        clock.now += 15
        assert backend.available and len(server.requests) == 3
        reply = await backend.complete(CALL)
        assert reply.parsed is not None or reply.text
        assert len(server.requests) == 4
        assert state(breaker) is CircuitState.CLOSED and backend.unavailable_detail is None
        await backend.close()


async def test_a_hanging_backend_opens_it_and_while_a_probe_hangs_nothing_else_goes() -> None:
    model, clock = Model(HANG), Clock()
    async with StubLLMServer("anthropic", default=model) as server:
        backend, breaker = guarded(server, clock)
        for _ in range(3):
            with pytest.raises(LLMTimeoutError):
                await backend.complete(CALL)
        with pytest.raises(LLMCircuitOpenError, match=r"\(timeout: .*\), retry in 15 s"):
            await backend.complete(CALL)
        assert len(server.requests) == 3

        clock.now += 15
        probe = asyncio.create_task(backend.complete(CALL))
        await until(lambda: len(server.requests) == 4)
        with pytest.raises(LLMCircuitOpenError, match="half-open, a probe call in flight"):
            await backend.complete(CALL)
        assert len(server.requests) == 4
        with pytest.raises(LLMTimeoutError):
            await probe
        assert backend.unavailable_detail is not None
        assert backend.unavailable_detail.startswith("circuit open after 4 failures (timeout")
        assert backend.unavailable_detail.endswith("retry in 30 s")  # the cool-down doubled

        model.failure = None
        clock.now += 30
        await backend.complete(CALL)
        assert state(breaker) is CircuitState.CLOSED and len(server.requests) == 5
        await backend.close()


@pytest.mark.parametrize(
    ("protocol", "headers"),
    [("anthropic", {"retry-after": "30"}), ("openai", {"retry-after-ms": "30000"})],
)
async def test_a_429_asking_for_30_s_opens_it_at_once_and_keeps_it_open_that_long(
    protocol: Protocol, headers: dict[str, str]
) -> None:
    clock = Clock()
    limited = ScriptedReply(status=429, headers=headers)
    async with StubLLMServer(protocol, [limited]) as server:
        backend, breaker = guarded(server, clock)
        with pytest.raises(LLMCallError, match="HTTP 429"):
            await backend.complete(CALL)
        assert state(breaker) is CircuitState.OPEN
        assert backend.unavailable_detail == (
            "circuit open after 1 failure (api_error: HTTP 429 after retries), retry in 30 s"
        )
        clock.now += 20  # past the 15 s cool-down, not past what the server asked
        with pytest.raises(LLMCircuitOpenError, match="retry in 10 s"):
            await backend.complete(CALL)
        assert len(server.requests) == 1

        clock.now += 10
        await backend.complete(CALL)
        assert state(breaker) is CircuitState.CLOSED and len(server.requests) == 2
        await backend.close()


def circuit(name: str, backend: str) -> float:
    return REGISTRY.get_sample_value(name, {"backend": backend}) or 0.0


async def test_the_worker_wiring_gives_each_backend_a_breaker_from_settings_and_metrics() -> None:
    async with StubLLMServer("anthropic", default=Model(UNAVAILABLE)) as server:
        settings = Settings(  # type: ignore[call-arg]
            _env_file=None,
            anthropic_api_key=KEY,
            anthropic_base_url=server.base_url,
            llm_max_retries=0,
            llm_breaker_failures=2,
            llm_breaker_open_s=0.2,
        )
        claude, local = llm_backends(settings.llm)
        assert local.unavailable_detail == "no API key configured (set OPENAI_API_KEY)"
        opened_before = circuit("testdata_llm_circuit_opened_total", "claude")
        assert circuit("testdata_llm_circuit_state", "claude") == 0
        for _ in range(2):
            with pytest.raises(LLMCallError):
                await claude.complete(CALL)
        assert circuit("testdata_llm_circuit_state", "claude") == 2
        assert circuit("testdata_llm_circuit_opened_total", "claude") == opened_before + 1
        assert circuit("testdata_llm_circuit_state", "openai-compatible") == 0
        with pytest.raises(LLMCircuitOpenError):
            await claude.complete(CALL)
        assert len(server.requests) == 2

        await until(lambda: claude.available)  # the 0.2 s cool-down, on the real clock
        with pytest.raises(LLMCallError):
            await claude.complete(CALL)  # the probe fails: open again
        assert len(server.requests) == 3
        assert circuit("testdata_llm_circuit_opened_total", "claude") == opened_before + 2
        assert circuit("testdata_llm_circuit_state", "claude") == 2
        for backend in (claude, local):
            await backend.close()
