"""The LLM path through the bridge, with Claude and the OpenAI-compatible endpoint played by
local servers that speak their real APIs (the real SDKs in the worker talk to them)."""

from __future__ import annotations

import csv
import io
import json
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

import pytest
from pydantic import SecretStr

from contracts._proto import test_data_pb2 as pb
from testing.llm_servers import StubLLMServer, mislabelling_reply
from testing.requests import req_001
from testing.stack import Stack, isolated_settings, running_stack

pytestmark = pytest.mark.e2e


def closed_port_url() -> str:
    """A loopback URL where nothing listens: a provider that is down."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    return f"http://127.0.0.1:{port}"


@asynccontextmanager
async def stack_with_llms(
    claude_url: str, openai_url: str, **overrides: Any
) -> AsyncIterator[Stack]:
    settings = isolated_settings(
        **{
            "anthropic_api_key": SecretStr("sk-ant-test"),
            "anthropic_base_url": claude_url,
            "openai_api_key": SecretStr("sk-local-test"),
            "vllm_base_url": openai_url,
            "llm_timeout_s": 5.0,
            "llm_total_timeout_s": 10.0,
            "llm_max_retries": 0,
            **overrides,
        }
    )
    async with running_stack(settings) as stack:
        yield stack


def money(value: float) -> Decimal:
    return Decimal(str(value))


def assert_coherent_carts(records: list[dict[str, Any]]) -> None:
    counts = {
        name: sum(r["_scenario"] == name for r in records)
        for name in ("happy_path", "high_value", "single_item")
    }
    assert counts == {"happy_path": 7, "high_value": 2, "single_item": 1}
    for cart in records:
        subtotal = sum(money(i["price"]) * i["quantity"] for i in cart["items"])
        assert money(cart["subtotal"]) == subtotal
        assert money(cart["total"]) == money(cart["subtotal"]) + money(cart["tax"])


async def test_req_001_is_written_by_claude_and_its_tokens_are_the_ones_reported() -> None:
    async with (
        StubLLMServer("anthropic") as claude,
        StubLLMServer("openai") as local,
        stack_with_llms(claude.base_url, local.base_url) as stack,
    ):
        response = await stack.stub.GenerateData(req_001(), timeout=60)
        tokens_for_carts = claude.reported_tokens
        reviews = await stack.stub.GenerateData(
            pb.GenerateRequest(
                entity="review",
                count=6,
                context="reviews of running shoes after a marathon",
                hints=["realistic"],
                output_format=pb.CSV,
            ),
            timeout=60,
        )

    assert response.metadata.generation_path == "llm"
    assert response.metadata.llm_tokens_used == tokens_for_carts > 0
    review_rows = list(csv.DictReader(io.StringIO(reviews.data)))
    assert reviews.metadata.generation_path == "llm"
    assert len(review_rows) == 6
    assert all(row["_sentiment"] for row in review_rows)
    assert list(response.metadata.fallbacks) == []
    assert local.requests == []
    assert dict(response.metadata.scenario_counts) == {
        "happy_path": 7,
        "high_value": 2,
        "single_item": 1,
    }
    assert_coherent_carts(json.loads(response.data))


async def test_with_claude_down_the_openai_compatible_endpoint_answers() -> None:
    async with (
        StubLLMServer("openai") as local,
        stack_with_llms(closed_port_url(), local.base_url) as stack,
    ):
        response = await stack.stub.GenerateData(req_001(), timeout=60)

    assert response.metadata.generation_path == "llm"
    assert response.metadata.llm_tokens_used == local.reported_tokens > 0
    assert any(f.startswith("claude:") for f in response.metadata.fallbacks)
    assert_coherent_carts(json.loads(response.data))


async def test_with_both_down_traditional_answers_and_the_metadata_says_why() -> None:
    async with stack_with_llms(closed_port_url(), closed_port_url()) as stack:
        response = await stack.stub.GenerateData(req_001(), timeout=60)

    fallbacks = list(response.metadata.fallbacks)
    assert response.metadata.generation_path == "traditional"
    assert any(f.startswith("claude:") for f in fallbacks)
    assert any(f.startswith("openai-compatible:") for f in fallbacks)
    assert response.metadata.llm_tokens_used == 0
    assert_coherent_carts(json.loads(response.data))


async def test_an_imperfect_model_answers_req_001_and_the_metadata_reports_tokens_by_kind() -> None:
    """A model that files 30% of its records under the wrong scenario still writes req-001
    (exact counts, exact cart math, no fallback), and a longer request reads its prompt prefix
    from the provider's cache: the metadata reports input, cached and output tokens as the API
    did, and per batch how the records were obtained. (The local server counts words as
    tokens: its minimum cacheable prefix is lowered to match.)"""
    async with (
        StubLLMServer(
            "anthropic", default=mislabelling_reply(0.3, seed=11), min_cacheable_tokens=256
        ) as claude,
        StubLLMServer("openai") as local,
        stack_with_llms(claude.base_url, local.base_url) as stack,
    ):
        carts = await stack.stub.GenerateData(req_001(), timeout=60)
        before = claude.reported_cached_tokens, claude.reported_input_tokens
        many = await stack.stub.GenerateData(
            pb.GenerateRequest(entity="cart", count=120, hints=["coherent"]), timeout=120
        )
        cached = claude.reported_cached_tokens - before[0]
        prompt_tokens = claude.reported_input_tokens - before[1]

    assert carts.metadata.generation_path == "llm" and list(carts.metadata.fallbacks) == []
    assert_coherent_carts(json.loads(carts.data))
    (batch,) = carts.metadata.llm_batches
    assert batch.traditional == 0 and batch.repaired > 0
    meta = many.metadata
    assert meta.generation_path == "llm"
    assert meta.llm_cached_input_tokens == cached > 0
    assert meta.llm_input_tokens == prompt_tokens > cached
    assert meta.llm_tokens_used == meta.llm_input_tokens + meta.llm_output_tokens
    assert [b.first_index for b in meta.llm_batches] == [0, 50, 100]
    assert sum(b.kept + b.repaired for b in meta.llm_batches) == 120


async def test_open_breakers_make_the_llm_path_unavailable_not_the_service_degraded() -> None:
    """Both providers down: the first request spends their timeouts and opens both breakers
    (one failure each here); the next one routes around the LLM path at once, saying why, and
    neither the worker nor the bridge reports itself degraded."""
    async with stack_with_llms(
        closed_port_url(), closed_port_url(), llm_breaker_failures=1
    ) as stack:
        first = await stack.stub.GenerateData(req_001("breakers-1"), timeout=60)
        second = await stack.stub.GenerateData(req_001("breakers-2"), timeout=60)
        ready, readiness = stack.worker.http("/readyz")
        metrics = stack.worker.http("/metrics")[1]
        health = await stack.stub.HealthCheck(pb.HealthCheckRequest(), timeout=10)

    assert first.metadata.generation_path == "traditional" and len(first.metadata.fallbacks) == 2
    reason = second.metadata.routing_reason
    assert "but llm is unavailable (claude: circuit open after 1 failure (" in reason
    assert "; openai-compatible: circuit open after 1 failure (" in reason
    assert second.metadata.generation_path == "traditional"
    assert list(second.metadata.fallbacks) == []  # routed around: no backend was called
    assert ready == 200 and json.loads(readiness)["status"] == "healthy"
    assert health.status == "healthy"
    assert 'testdata_llm_circuit_state{backend="claude"} 2.0' in metrics
