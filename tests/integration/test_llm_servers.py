"""The LLM path against local servers speaking the real Anthropic and OpenAI APIs.

The real SDK clients point at `testing.llm_servers.StubLLMServer` by base URL; nothing is
patched. No Kafka needed.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from typing import Any

import pytest
from pydantic import SecretStr

from bench.tokens import compare_token_usage
from clients._common import CallLimits
from clients.anthropic_backend import AnthropicBackend
from clients.openai_backend import OpenAICompatibleBackend
from config import Settings
from generators.core.errors import FallbackReason, LLMTimeoutError
from generators.core.protocol import RunContext
from generators.core.record import Record
from generators.core.request import GenerationRequest
from generators.entities.registry import resolve_schema
from generators.paths.llm.backend import LLMBackend, LLMCall
from generators.paths.llm.generator import LLMGenerator, LLMRun
from generators.paths.traditional.generator import TraditionalGenerator
from generators.quality.coherence import CoherenceTracker
from streams.wiring import llm_backends
from testing.generation import generate_all
from testing.llm_servers import (
    ScriptedReply,
    StubLLMServer,
    request_prompt,
    request_schema,
    synthesize_reply,
)
from testing.requests import req_001_request

KEY = SecretStr("sk-test-not-a-real-key")
REQ_001 = req_001_request()
SCHEMA = resolve_schema(REQ_001)
TRADITIONAL = TraditionalGenerator()


def claude(server: StubLLMServer, **kwargs: Any) -> AnthropicBackend:
    limits = CallLimits(**{"timeout_s": 5.0, "max_retries": 2, **kwargs})
    return AnthropicBackend(api_key=KEY, base_url=server.base_url, limits=limits)


def vllm(server: StubLLMServer, **kwargs: Any) -> OpenAICompatibleBackend:
    limits = CallLimits(**{"timeout_s": 5.0, "max_retries": 2, **kwargs})
    return OpenAICompatibleBackend(api_key=KEY, base_url=server.base_url, limits=limits)


async def run(backends: list[LLMBackend], **kwargs: Any) -> tuple[list[Record], LLMRun]:
    request = kwargs.pop("request", REQ_001)
    generator = LLMGenerator(backends, TRADITIONAL)
    llm_run = generator.start(request, resolve_schema(request), RunContext(kwargs.get("batch", 50)))
    records = [record async for batch in llm_run for record in batch]
    return records, llm_run


def assert_req_001_shape(records: list[Record]) -> None:
    assert [r["_index"] for r in records] == list(range(10))
    counts = Counter(r["_scenario"] for r in records)
    assert counts == {"happy_path": 7, "high_value": 2, "single_item": 1}
    tracker = CoherenceTracker(SCHEMA)
    tracker.add(records)
    money = {k: v for k, v in tracker.violations.items() if "total" in k or "subtotal" in k}
    assert money == {}


def invalid_then(body: dict[str, Any]) -> ScriptedReply:
    reply = synthesize_reply(body)
    assert reply.by_scenario is not None
    first = next(iter(reply.by_scenario.values()))
    first[0]["items"][0]["quantity"] = 0  # breaks items.quantity: min 1
    return reply


CALL = LLMCall("s", "stable", "batch", {"type": "object", "properties": {}}, 64)


async def test_claude_valid_output_tokens_equal_server_usage() -> None:
    async with StubLLMServer("anthropic") as server:
        records, llm_run = await run([claude(server)])
    assert_req_001_shape(records)
    report = llm_run.report
    assert llm_run.outcome.path_used == "llm" and report.backends_used == ["claude"]
    assert report.tokens_used == server.reported_tokens > 0
    assert report.tokens.input == server.reported_input_tokens
    body = server.requests[0]
    assert body["tool_choice"] == {"type": "tool", "name": "emit_records"}
    groups = body["tools"][0]["input_schema"]["properties"]["records"]["properties"]
    assert {name: g["maxItems"] for name, g in groups.items()} == {
        "happy_path": 7,
        "high_value": 2,
        "single_item": 1,
    }
    assert body["model"] == "claude-sonnet-4-20250514" and body["temperature"] == 0.7
    assert 0 < body["max_tokens"] < 4096  # sized from the schema, under the configured cap
    assert all(r["_shopping_occasion"] for r in records)


async def test_claude_fenced_json_text_is_parsed() -> None:
    def fenced(body: dict[str, Any]) -> ScriptedReply:
        answer = json.dumps(synthesize_reply(body).answer())
        return ScriptedReply(text=f"Here you go:\n```json\n{answer}\n```\nThanks")

    async with StubLLMServer("anthropic", [fenced]) as server:
        records, llm_run = await run([claude(server)])
    assert_req_001_shape(records)
    assert llm_run.report.calls == 1 and llm_run.report.retries == 0


async def test_malformed_then_valid_retries_once_and_the_worker_log_says_so(
    caplog: pytest.LogCaptureFixture,
) -> None:
    caplog.set_level(logging.INFO, logger="generators.paths.llm.generator")
    async with StubLLMServer("anthropic", [ScriptedReply(text='[{"items": [')]) as server:
        records, llm_run = await run([claude(server)])
    assert_req_001_shape(records)
    report = llm_run.report
    assert report.retries == 1 and len(server.requests) == 2
    assert "REJECTED" in request_prompt(server.requests[1])
    assert report.tokens_used == server.reported_tokens
    assert (
        f"10 records written by claude with template {report.template} "
        f"(0 kept, 0 re-labelled, 10 re-asked; 2 calls, 1 retries, "
        f"{server.reported_input_tokens} input tokens of which {server.reported_cached_tokens} "
        f"cached, {server.reported_output_tokens} output); "
        "0 records kept their traditional values; 0 fallbacks"
    ) in caplog.text


async def test_invalid_records_then_valid_quotes_the_problem() -> None:
    async with StubLLMServer("openai", [invalid_then]) as server:
        records, llm_run = await run([vllm(server)])
    assert_req_001_shape(records)
    retry_prompt = request_prompt(server.requests[1])
    assert '- scenario "happy_path", record 0: items.quantity: min' in retry_prompt
    assert llm_run.report.retries == 1
    assert llm_run.report.tokens_used == server.reported_tokens
    retry_groups = request_schema(server.requests[1])["properties"]["records"]["properties"]
    assert {name: g["maxItems"] for name, g in retry_groups.items()} == {"happy_path": 1}
    assert {**llm_run.outcome.batches[0], "backends": None} == {
        "first_index": 0,
        "records": 10,
        "backends": None,
        "calls": 2,
        "kept": 9,
        "repaired": 0,
        "reasked": 1,
        "traditional": 0,
    }


async def test_a_record_invalid_three_times_goes_alone_to_the_next_backend() -> None:
    async with (
        StubLLMServer("anthropic", default=invalid_then) as bad,
        StubLLMServer("openai") as good,
    ):
        records, llm_run = await run([claude(bad), vllm(good)])
    assert_req_001_shape(records)
    assert len(bad.requests) == 3 and len(good.requests) == 1
    step = llm_run.report.steps[0]
    assert (step.backend, step.reason) == ("claude", FallbackReason.INVALID_OUTPUT)
    assert "1 of 10 records still invalid after 3 attempts" in step.detail
    assert llm_run.report.backends_used == ["claude", "openai-compatible"]
    good_groups = request_schema(good.requests[0])["properties"]["records"]["properties"]
    assert {name: g["maxItems"] for name, g in good_groups.items()} == {"happy_path": 1}
    assert llm_run.report.tokens_used == bad.reported_tokens + good.reported_tokens


async def test_429_with_retry_after_then_success() -> None:
    limited = ScriptedReply(status=429, headers={"retry-after": "0.4"})
    async with StubLLMServer("anthropic", [limited]) as server:
        started = time.monotonic()
        records, llm_run = await run([claude(server)])
        elapsed = time.monotonic() - started
    assert_req_001_shape(records)
    assert len(server.requests) == 2 and elapsed >= 0.4
    assert llm_run.report.steps == []


async def test_openai_429_honours_retry_after_ms() -> None:
    limited = ScriptedReply(status=429, headers={"retry-after-ms": "300"})
    async with StubLLMServer("openai", [limited]) as server:
        started = time.monotonic()
        records, _ = await run([vllm(server)])
    assert time.monotonic() - started >= 0.3
    assert_req_001_shape(records)


async def test_hang_past_timeout_falls_back_to_openai() -> None:
    hang = ScriptedReply(delay_s=30)
    async with (
        StubLLMServer("anthropic", default=lambda _body: hang) as slow,
        StubLLMServer("openai") as good,
    ):
        records, llm_run = await run([claude(slow, timeout_s=0.3, max_retries=1), vllm(good)])
    assert_req_001_shape(records)
    step = llm_run.report.steps[0]
    assert (step.backend, step.reason) == ("claude", FallbackReason.TIMEOUT)
    assert llm_run.outcome.tokens_used == good.reported_tokens


async def test_total_deadline_bounds_a_long_retry_after() -> None:
    limited = ScriptedReply(status=429, headers={"retry-after": "600"})
    async with StubLLMServer("anthropic", [limited]) as server:
        backend = claude(server, total_timeout_s=0.5)
        with pytest.raises(LLMTimeoutError):
            await backend.complete(CALL)


async def test_500s_until_traditional() -> None:
    failing = ScriptedReply(status=500)
    async with (
        StubLLMServer("anthropic", default=lambda _b: failing) as first,
        StubLLMServer("openai", default=lambda _b: failing) as second,
    ):
        records, llm_run = await run([claude(first, max_retries=1), vllm(second, max_retries=1)])
    assert len(first.requests) == 2 and len(second.requests) == 2
    report = llm_run.report
    assert llm_run.outcome.path_used == "traditional" and report.traditional_records == 10
    assert [(s.backend, s.reason) for s in report.steps] == [
        ("claude", FallbackReason.API_ERROR),
        ("openai-compatible", FallbackReason.API_ERROR),
    ]
    assert all("HTTP 500" in fallback for fallback in llm_run.outcome.fallbacks)
    assert report.tokens_used == 0
    expected = await generate_all(REQ_001, SCHEMA, TRADITIONAL, batch_size=50)
    assert records == expected


async def test_refusal_falls_back() -> None:
    async with (
        StubLLMServer("anthropic", [ScriptedReply(refusal="I can't help with that.")]) as first,
        StubLLMServer("openai") as second,
    ):
        records, llm_run = await run([claude(first), vllm(second)])
    assert_req_001_shape(records)
    assert llm_run.report.steps[0].reason is FallbackReason.REFUSAL
    assert llm_run.report.tokens_used == first.reported_tokens + second.reported_tokens


async def test_missing_key_is_unavailable() -> None:
    backends: list[LLMBackend] = [AnthropicBackend(), OpenAICompatibleBackend()]
    generator = LLMGenerator(backends, TRADITIONAL)
    assert "no API key" in (generator.unavailable_reason or "")
    records, llm_run = await run(backends)
    assert len(records) == 10
    assert {s.reason for s in llm_run.report.steps} == {FallbackReason.MISSING_KEY}


async def test_the_sdks_variables_reach_the_backends_through_settings_only(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    async with StubLLMServer("anthropic") as a_server, StubLLMServer("openai") as o_server:
        monkeypatch.setenv("ANTHROPIC_API_KEY", "sk-env-secret")
        monkeypatch.setenv("ANTHROPIC_BASE_URL", a_server.base_url)
        monkeypatch.setenv("OPENAI_API_KEY", "sk-env-secret")
        monkeypatch.setenv("OPENAI_BASE_URL", o_server.base_url)
        monkeypatch.setenv("LLM_MAX_RETRIES", "0")
        claude_backend, local = llm_backends(Settings(_env_file=None).llm)  # type: ignore[call-arg]
        assert claude_backend.available and "sk-env-secret" not in repr(claude_backend)
        await claude_backend.complete(CALL)
        await local.complete(CALL)
        assert len(a_server.requests) == 1 and len(o_server.requests) == 1

        unconfigured = AnthropicBackend(base_url=a_server.base_url)
        assert not unconfigured.available  # a backend never reads the environment itself
        async with StubLLMServer("anthropic") as explicit:
            settings = Settings(_env_file=None, anthropic_base_url=explicit.base_url)  # type: ignore[call-arg]
            backend = llm_backends(settings.llm)[0]
            await backend.complete(CALL)
            assert len(explicit.requests) == 1 and len(a_server.requests) == 1


async def test_batches_keep_index_global_and_bounded_in_flight() -> None:
    request = GenerationRequest(request_id="big", entity="review", count=23)
    async with StubLLMServer("openai") as server:
        records, llm_run = await run([vllm(server)], request=request, batch=5)
    assert [r["_index"] for r in records] == list(range(23))
    assert llm_run.report.calls == 5 and llm_run.report.llm_records == 23
    assert all(r["review_id"].startswith("REV-") for r in records)


async def test_token_budget_against_the_scripted_server() -> None:
    request = GenerationRequest(request_id="budget", entity="cart", count=20)
    async with StubLLMServer("anthropic") as server:
        comparison = await compare_token_usage(
            claude(server), TRADITIONAL, request, resolve_schema(request), batch_size=10
        )
    assert comparison.per_record_calls == 20 and comparison.batched_calls == 2
    assert comparison.per_record_tokens + comparison.batched_tokens == server.reported_tokens
    assert comparison.ratio <= 0.6
