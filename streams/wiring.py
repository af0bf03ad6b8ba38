"""The worker's composition root: the edge clients (LLM SDKs, Weaviate) and the generation paths,
built once from their settings groups. The paths only see `LLMBackend` and `PatternStore`; each
LLM backend comes behind its own circuit breaker, whose state changes become the worker's
`testdata_llm_circuit_*` series here (generation imports no observability)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from clients._common import CallLimits
from clients.anthropic_backend import AnthropicBackend
from clients.openai_backend import OpenAICompatibleBackend
from clients.weaviate_store import WeaviatePatternStore
from config.settings import GenerationSettings, LLMSettings, RAGSettings
from embeddings import Embedder, MiniLMEmbedder
from embeddings.lazy import LazyEmbedder
from generators.core.knowledge import PatternStore
from generators.core.protocol import Generator
from generators.paths.hybrid.generator import HybridGenerator
from generators.paths.llm.backend import LLMBackend
from generators.paths.llm.breaker import BreakerPolicy, CircuitBreaker, CircuitState
from generators.paths.llm.generator import LLMGenerator, LLMOptions
from generators.paths.llm.guarded import GuardedBackend
from generators.paths.llm.prompts.system import build_system_prompt
from generators.paths.rag.generator import RAGGenerator
from generators.paths.traditional.generator import TraditionalGenerator
from observability.worker_metrics import LLM_CIRCUIT_OPENED, LLM_CIRCUIT_STATE

#: `testdata_llm_circuit_state`'s value for each state (alerts compare it with 2).
CIRCUIT_GAUGE = {CircuitState.CLOSED: 0, CircuitState.HALF_OPEN: 1, CircuitState.OPEN: 2}


def llm_backends(llm: LLMSettings) -> list[GuardedBackend]:
    """Claude first, then the OpenAI-compatible endpoint (vLLM), unless local comes first; each
    behind a circuit breaker of its own that lasts as long as the worker."""
    limits = CallLimits(
        max_tokens=llm.claude_max_tokens,
        temperature=llm.claude_temperature,
        timeout_s=llm.llm_timeout_s,
        max_retries=llm.llm_max_retries,
        total_timeout_s=llm.llm_total_timeout_s,
    )
    claude = AnthropicBackend(
        api_key=llm.anthropic_api_key,
        base_url=llm.anthropic_base_url,
        model=llm.claude_model,
        limits=limits,
    )
    local = OpenAICompatibleBackend(
        api_key=llm.openai_api_key,
        base_url=llm.vllm_base_url,
        model=llm.vllm_model,
        limits=limits,
        server=llm.vllm_server,
    )
    policy = BreakerPolicy(
        failures_to_open=llm.llm_breaker_failures,
        open_s=llm.llm_breaker_open_s,
        max_open_s=llm.llm_breaker_max_open_s,
    )
    ordered: list[LLMBackend] = [local, claude] if llm.use_local_llm else [claude, local]
    return [
        GuardedBackend(backend, CircuitBreaker(policy, on_change=_circuit_metrics(backend.name)))
        for backend in ordered
    ]


def _circuit_metrics(backend: str) -> Callable[[CircuitState], None]:
    """What a breaker's state changes do to `backend`'s series, which exist (closed, never
    opened) from the start."""
    state = LLM_CIRCUIT_STATE.labels(backend)
    opened = LLM_CIRCUIT_OPENED.labels(backend)
    state.set(CIRCUIT_GAUGE[CircuitState.CLOSED])

    def changed(new: CircuitState) -> None:
        state.set(CIRCUIT_GAUGE[new])
        if new is CircuitState.OPEN:
            opened.inc()

    return changed


def knowledge_store(rag: RAGSettings, embedder: Embedder | None = None) -> WeaviatePatternStore:
    """The Weaviate knowledge base; the embedding model loads on first use, so a worker that
    never touches RAG does not carry it."""
    return WeaviatePatternStore.from_settings(
        rag, embedder or LazyEmbedder(MiniLMEmbedder.from_package)
    )


def build_paths(
    generation: GenerationSettings,
    llm: LLMSettings,
    rag: RAGSettings,
    *,
    store: PatternStore,
    backends: Sequence[LLMBackend],
) -> list[Generator]:
    """The generation paths this worker serves, one line each; their order is the order the
    router reads their signals in."""
    options = LLMOptions(max_attempts=llm.llm_max_attempts, max_in_flight=llm.llm_max_in_flight)
    prompt = build_system_prompt(
        retailer=llm.retailer_name, domain_knowledge_path=llm.domain_knowledge_path
    )
    chunk, batch = generation.chunk_records, llm.default_batch_size
    traditional = TraditionalGenerator(batch_size=chunk)
    rag_path = RAGGenerator(store, traditional, top_k=rag.rag_top_k, batch_size=chunk)
    return [
        traditional,
        LLMGenerator(
            backends, traditional, batch_size=batch, options=options, system_prompt=prompt
        ),
        rag_path,
        HybridGenerator(
            rag_path, backends, batch_size=batch, options=options, system_prompt=prompt
        ),
    ]
