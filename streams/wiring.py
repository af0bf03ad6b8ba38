"""The generation paths a worker serves, built once from settings. The edge clients (LLM SDKs,
Weaviate) are made here; the pure core only sees `LLMBackend` and `PatternStore`."""

from __future__ import annotations

from collections.abc import Sequence

from clients._common import CallLimits
from clients.anthropic_backend import AnthropicBackend
from clients.openai_backend import OpenAICompatibleBackend
from clients.weaviate_store import CollectionNames, WeaviatePatternStore
from config import Settings
from embeddings import Embedder, MiniLMEmbedder
from embeddings.lazy import LazyEmbedder
from generators.core.protocol import Generator
from generators.paths.hybrid.generator import HybridGenerator
from generators.paths.llm.backend import LLMBackend
from generators.paths.llm.generator import LLMGenerator, LLMOptions
from generators.paths.llm.prompts.system import build_system_prompt
from generators.paths.rag.generator import RAGGenerator
from generators.paths.traditional.generator import TraditionalGenerator


def llm_backends(settings: Settings) -> list[AnthropicBackend | OpenAICompatibleBackend]:
    """Claude first, then the OpenAI-compatible endpoint (vLLM), unless local comes first."""
    limits = CallLimits(
        max_tokens=settings.claude_max_tokens,
        temperature=settings.claude_temperature,
        timeout_s=settings.llm_timeout_s,
        max_retries=settings.llm_max_retries,
        total_timeout_s=settings.llm_total_timeout_s,
    )
    claude = AnthropicBackend(
        api_key=settings.anthropic_api_key,
        base_url=settings.anthropic_base_url,
        model=settings.claude_model,
        limits=limits,
    )
    local = OpenAICompatibleBackend(
        api_key=settings.openai_api_key,
        base_url=settings.vllm_base_url,
        model=settings.vllm_model,
        limits=limits,
    )
    return [local, claude] if settings.use_local_llm else [claude, local]


def knowledge_store(settings: Settings, embedder: Embedder | None = None) -> WeaviatePatternStore:
    """The Weaviate knowledge base; the embedding model loads on first use, so a worker that
    never touches RAG does not carry it."""
    api_key = settings.weaviate_api_key
    return WeaviatePatternStore(
        settings.weaviate_url,
        grpc_port=settings.weaviate_grpc_port,
        embedder=embedder or LazyEmbedder(MiniLMEmbedder.from_package),
        names=CollectionNames(
            settings.rag_collection_patterns,
            settings.rag_collection_defects,
            settings.rag_collection_prod,
        ),
        api_key=api_key.get_secret_value() if api_key else None,
        timeout_s=settings.weaviate_timeout_s,
    )


def build_paths(
    settings: Settings,
    store: WeaviatePatternStore,
    backends: Sequence[LLMBackend] | None = None,
) -> list[Generator]:
    """The generation paths this worker serves, one line each; their order is the order the
    router reads their signals in."""
    backends = llm_backends(settings) if backends is None else backends
    options = LLMOptions(
        max_attempts=settings.llm_max_attempts, max_in_flight=settings.llm_max_in_flight
    )
    system_prompt = build_system_prompt(
        retailer=settings.retailer_name, domain_knowledge_path=settings.domain_knowledge_path
    )
    llm_batch = settings.default_batch_size
    traditional = TraditionalGenerator(batch_size=settings.chunk_records)
    rag = RAGGenerator(
        store, traditional, top_k=settings.rag_top_k, batch_size=settings.chunk_records
    )
    return [
        traditional,
        LLMGenerator(
            backends,
            traditional,
            batch_size=llm_batch,
            options=options,
            system_prompt=system_prompt,
        ),
        rag,
        HybridGenerator(
            rag, backends, batch_size=llm_batch, options=options, system_prompt=system_prompt
        ),
    ]
