"""A slow model is waited for; a caller that leaves stops the model calls made for it.

The worker's model is played by a local server speaking Anthropic's API (the real SDK in the
worker talks to it) that takes its time over each call and notes when a client hangs up.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import grpc
import pytest
from pydantic import SecretStr

from contracts._proto import test_data_pb2 as pb
from testing.llm_servers import ScriptedReply, StubLLMServer, synthesize_reply
from testing.requests import req_001
from testing.stack import Stack, isolated_settings, running_stack

pytestmark = pytest.mark.e2e

#: The bridge's idle timeout here; the model takes longer than this over one call
IDLE_S = 3.0


def after(delay_s: float) -> Any:
    def reply(body: dict[str, Any]) -> ScriptedReply:
        return dataclasses.replace(synthesize_reply(body), delay_s=delay_s)

    return reply


@asynccontextmanager
async def stack_with(claude: StubLLMServer) -> AsyncIterator[Stack]:
    settings = isolated_settings(
        anthropic_api_key=SecretStr("sk-ant-test"),
        anthropic_base_url=claude.base_url,
        llm_timeout_s=60.0,
        llm_total_timeout_s=120.0,
        llm_max_retries=0,
        reply_idle_timeout_s=IDLE_S,
        progress_interval_s=0.5,
    )
    async with running_stack(settings) as stack:
        yield stack


async def until(condition: Any, timeout: float) -> float:
    """Wait for `condition()`; returns when it became true (monotonic), fails after `timeout`."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        await asyncio.sleep(0.05)
    return time.monotonic()


async def test_a_model_slower_than_the_idle_timeout_is_answered_not_taken_for_a_dead_worker() -> (
    None
):
    async with (
        StubLLMServer("anthropic", [after(2 * IDLE_S)], default=after(0.0)) as claude,
        stack_with(claude) as stack,
    ):
        response = await stack.stub.GenerateData(req_001(), timeout=60)

    assert response.record_count == 10
    assert response.metadata.generation_path == "llm", response.metadata.routing_reason
    assert list(response.metadata.fallbacks) == []


async def test_a_cancelled_call_stops_its_model_calls_and_ends_cancelled() -> None:
    async with (
        StubLLMServer("anthropic", default=after(50.0)) as claude,
        stack_with(claude) as stack,
    ):
        call = stack.stub.GenerateData(req_001(), timeout=60)
        await until(lambda: claude.arrivals, 30.0)
        cancelled_at = time.monotonic()
        call.cancel()
        hung_up = await until(lambda: claude.hang_ups, 20.0)
        print(f"model call ended {hung_up - cancelled_at:.2f}s after the caller cancelled")
        calls = len(claude.arrivals)
        await asyncio.sleep(2.0)
        metrics = stack.worker.http("/metrics")[1]

    # Without the cancellation the call would have run for the model's 50 s.
    assert hung_up - cancelled_at < 10.0
    assert len(claude.arrivals) == calls, "the worker called the model again for nobody"
    assert 'status="CANCELLED"' in metrics


async def test_the_callers_deadline_travels_to_the_worker_which_stops_there() -> None:
    async with (
        StubLLMServer("anthropic", default=after(50.0)) as claude,
        stack_with(claude) as stack,
    ):
        # A first request warms the worker up, so the model is called well before the deadline.
        await stack.stub.GenerateData(pb.GenerateRequest(entity="user", count=1), timeout=60)
        started = time.monotonic()
        with pytest.raises(grpc.aio.AioRpcError) as raised:
            await stack.stub.GenerateData(req_001(), timeout=6)
        hung_up = await until(lambda: claude.hang_ups, 20.0)
        print(f"model call ended {hung_up - started:.2f}s after a call with a 6 s deadline")
        metrics = stack.worker.http("/metrics")[1]

    assert raised.value.code() == grpc.StatusCode.DEADLINE_EXCEEDED
    assert claude.arrivals[0] - started < 6.0, "the model was not called before the deadline"
    assert hung_up - started < 12.0
    # The bridge gives up a moment before the deadline and says so: whichever the worker hears
    # first ends the request.
    assert 'status="DEADLINE_EXCEEDED"' in metrics or 'status="CANCELLED"' in metrics


async def test_a_stream_shows_no_progress_records_to_the_caller() -> None:
    async with (
        StubLLMServer("anthropic", [after(2.0)], default=after(0.0)) as claude,
        stack_with(claude) as stack,
    ):
        chunks = [c async for c in stack.stub.GenerateDataStream(req_001(), timeout=60)]

    assert [c.chunk_index for c in chunks] == list(range(len(chunks)))
    assert chunks[-1].is_final and sum(c.record_count for c in chunks) == 10
    assert all(isinstance(c, pb.DataChunk) for c in chunks)
