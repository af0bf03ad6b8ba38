"""Each LLM call and each knowledge retrieval is a span of its own, with what it cost: the
real SDK against a local server that speaks the API, the real local Weaviate."""

from __future__ import annotations

import pytest
from opentelemetry import trace
from opentelemetry.sdk.trace import ReadableSpan, TracerProvider
from opentelemetry.sdk.trace.export import SimpleSpanProcessor
from opentelemetry.sdk.trace.export.in_memory_span_exporter import InMemorySpanExporter
from prometheus_client import REGISTRY
from pydantic import SecretStr

from clients.anthropic_backend import AnthropicBackend
from generators.core.knowledge import PatternQuery
from generators.paths.llm.backend import LLMCall
from observability.worker_metrics import TOKEN_KINDS
from testing.llm_servers import StubLLMServer
from testing.weaviate import InspectableStore

pytestmark = pytest.mark.integration


@pytest.fixture(scope="session")
def span_exporter() -> InMemorySpanExporter:
    """Every span this test process finishes from now on (a provider is installed only once
    per process, so the exporter stays for the session)."""
    provider = trace.get_tracer_provider()
    if not isinstance(provider, TracerProvider):
        provider = TracerProvider()
        trace.set_tracer_provider(provider)
    exporter = InMemorySpanExporter()
    provider.add_span_processor(SimpleSpanProcessor(exporter))
    return exporter


@pytest.fixture
def spans(span_exporter: InMemorySpanExporter) -> InMemorySpanExporter:
    """The spans finished during this test."""
    span_exporter.clear()
    return span_exporter


def only(finished: tuple[ReadableSpan, ...], prefix: str) -> ReadableSpan:
    (span,) = [s for s in finished if s.name.startswith(prefix)]
    return span


async def test_an_llm_call_is_a_span_with_its_model_and_tokens_counted_by_kind(
    spans: InMemorySpanExporter,
) -> None:
    model = "claude-span-test"

    def counted(kind: str) -> float:
        labels = {"model": model, "kind": kind}
        return REGISTRY.get_sample_value("testdata_llm_tokens_used_total", labels) or 0.0

    before = {kind: counted(kind) for kind in TOKEN_KINDS}
    call = LLMCall("system", "carts " * 200, "three carts", {"type": "object"}, 256)
    async with StubLLMServer("anthropic", min_cacheable_tokens=100) as server:
        backend = AnthropicBackend(
            api_key=SecretStr("sk-test"), base_url=server.base_url, model=model
        )
        first = await backend.complete(call)
        second = await backend.complete(call)
        await backend.close()

    span = [s for s in spans.get_finished_spans() if s.name.startswith("chat ")][-1]
    attributes = span.attributes or {}
    assert span.name == f"chat {model}" and span.kind is trace.SpanKind.CLIENT
    assert attributes["gen_ai.request.model"] == model
    assert attributes["gen_ai.usage.input_tokens"] == second.input_tokens > 0
    assert attributes["gen_ai.usage.cache_read.input_tokens"] == second.cached_input_tokens > 0
    assert attributes["gen_ai.usage.output_tokens"] == second.output_tokens > 0
    assert first.cache_write_tokens == second.cached_input_tokens  # written once, then read
    grew = {kind: counted(kind) - before[kind] for kind in TOKEN_KINDS}
    assert grew == {
        "input": first.input_tokens + second.input_tokens
        - first.cache_write_tokens - second.cached_input_tokens,
        "cache_read": second.cached_input_tokens,
        "cache_write": first.cache_write_tokens,
        "output": first.output_tokens + second.output_tokens,
    }  # fmt: skip


async def test_a_knowledge_retrieval_is_a_span_with_what_it_found(
    spans: InMemorySpanExporter, knowledge: InspectableStore
) -> None:
    found = await knowledge.retrieve(
        PatternQuery("ecommerce", "cart", "cart with a gift card", 3, defects=True)
    )

    span = only(spans.get_finished_spans(), "retrieve knowledge")
    attributes = span.attributes or {}
    assert attributes["db.system.name"] == "weaviate"
    assert attributes["testdata.rag.patterns"] == len(found.patterns) > 0
    assert attributes["testdata.rag.defects"] == len(found.defects)
