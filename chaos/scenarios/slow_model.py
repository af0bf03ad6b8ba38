"""A model that takes 45 s over its first call (a small model on a CPU, a hosted one under
load): the PRD's req-001 is answered, not taken for a dead worker; and a caller that cancels
stops the model calls made for it within 2 s, with nothing called for it afterwards.

The model is a local server speaking Anthropic's API (`testing.llm_servers`), so the worker's
real SDK makes the calls, and the server notes when a client hangs up. Everything else is the
service's defaults: the bridge's 30 s idle timeout, a progress record every 2 s.
"""

from __future__ import annotations

import asyncio
import dataclasses
import time
from collections.abc import Callable
from typing import Any

from pydantic import SecretStr

from chaos.calls import unary
from chaos.invariant import check_answers
from chaos.processes import chaos_settings, running
from chaos.result import Figure, ScenarioResult
from testing.llm_servers import ScriptedReply, StubLLMServer, synthesize_reply
from testing.requests import req_001

FIRST_CALL_S = 45.0
CALLER_DEADLINE_S = 120.0
#: The issue's bound from a caller's cancel to the model call's end
CANCEL_LIMIT_S = 2.0
#: A model call that would run this long unless cancelled
ENDLESS_S = 90.0


def _after(delay_s: float) -> Callable[[dict[str, Any]], ScriptedReply]:
    def reply(body: dict[str, Any]) -> ScriptedReply:
        return dataclasses.replace(synthesize_reply(body), delay_s=delay_s)

    return reply


def _model_settings(model: StubLLMServer) -> dict[str, Any]:
    return {
        "anthropic_api_key": SecretStr("sk-ant-chaos"),
        "anthropic_base_url": model.base_url,
        "llm_timeout_s": ENDLESS_S + 30,
        "llm_total_timeout_s": 2 * ENDLESS_S,
        "llm_max_retries": 0,
    }


async def _until(condition: Callable[[], object], timeout: float) -> float | None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            return None
        await asyncio.sleep(0.05)
    return time.monotonic()


async def slow_model() -> ScenarioResult:
    async with StubLLMServer("anthropic", [_after(FIRST_CALL_S)], default=_after(0.0)) as model:
        settings = chaos_settings(**_model_settings(model))
        async with running(settings) as stack:
            answer, metadata = await unary(
                stack.client(),
                req_001(f"chaos-slow-{time.monotonic_ns()}"),
                timeout=CALLER_DEADLINE_S,
            )
            before = len(model.arrivals)
            model.add(*[_after(ENDLESS_S)] * 5)
            call = stack.client().GenerateData(
                req_001(f"chaos-cancelled-{time.monotonic_ns()}"), timeout=60
            )
            called = await _until(lambda: len(model.arrivals) > before, 30)
            cancelled_at = time.monotonic()
            call.cancel()
            hung_up = await _until(lambda: model.hang_ups, 20)
            calls = len(model.arrivals)
            await asyncio.sleep(3.0)
            calls_after = len(model.arrivals) - calls
    problems = check_answers([answer], must_complete=True)
    if answer.complete and metadata.generation_path != "llm":
        problems.append(
            f"answered by the {metadata.generation_path} path: {metadata.routing_reason}"
        )
    stop_s = round(hung_up - cancelled_at, 2) if hung_up is not None else None
    if called is None:
        problems.append("the cancelled request never reached the model")
    elif stop_s is None or stop_s > CANCEL_LIMIT_S:
        problems.append(f"the model call went on {stop_s or '20+'}s after the cancel (limit 2 s)")
    if calls_after:
        problems.append(f"{calls_after} model calls made after the cancel, for nobody")
    figures: dict[str, Figure] = {
        "first_call_s": FIRST_CALL_S,
        "answered_s": round((answer.ended or 0.0) - answer.started, 2),
        "path": metadata.generation_path or answer.status or "",
        "cancel_to_model_hang_up_s": stop_s if stop_s is not None else "never",
        "limit_s": CANCEL_LIMIT_S,
        "model_calls_after_cancel": calls_after,
    }
    return ScenarioResult.of("slow-model", figures, problems)
