"""The worker's composition root: the edge clients (LLM SDKs, Weaviate) and the generation paths,
built once from their settings groups. The paths only see `LLMBackend` and `PatternStore`."""

from __future__ import annotations

from collections.abc import Sequence

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
from generators.paths.llm.generator import LLMGenerator, LLMOptions
from generators.paths.llm.prompts.system import build_system_prompt
from generators.paths.rag.generator import RAGGenerator
from generators.paths.traditional.generator import TraditionalGenerator


def llm_backends(llm: LLMSettings) -> list[AnthropicBackend | OpenAICompatibleBackend]:
    """Claude first, then the OpenAI-compatible endpoint (vLLM), unless local comes first."""
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
    )
    return [local, claude] if llm.use_local_llm else [claude, local]


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
