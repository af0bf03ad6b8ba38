"""The service's settings, from the environment and an optional `.env` file."""

from __future__ import annotations

import re
import socket
import tempfile
from pathlib import Path

from pydantic import Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict


def _default_bridge_id() -> str:
    host = re.sub(r"[^a-zA-Z0-9-]", "-", socket.gethostname()).strip("-").lower()
    return host or "bridge"


class Settings(BaseSettings):
    """Every knob of the worker and the bridge (env names: the upper-cased field names)."""

    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    log_level: str = "INFO"

    # Kafka
    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    request_topic: str = "testdata.requests"
    request_topic_partitions: int = Field(default=6, ge=1)
    defects_topic: str = "testdata.defects"
    feedback_topic: str = "testdata.feedback"
    dead_letter_topic: str = "testdata.dead-letter"
    reply_topic_prefix: str = "testdata.reply."
    reply_topic_retention_ms: int = Field(default=3_600_000, ge=60_000)
    worker_group: str = "test-data-agent"
    worker_data_dir: Path = Path(tempfile.gettempdir()) / "test-data-agent-worker"
    #: Prometheus metrics of the worker on 127.0.0.1:<port> (0: not served)
    metrics_port: int = Field(default=9102, ge=0, le=65535)

    # Redis: the data-pool cache (`use_cache`); down means generating without it
    redis_url: str = "redis://127.0.0.1:6379/0"
    cache_ttl_seconds: int = Field(default=86_400, ge=1)
    cache_pool_records: int = Field(default=1000, ge=1)
    cache_key_prefix: str = "testdata:pool"

    # RAG: Weaviate (services/weaviate.sh); down means the RAG and hybrid paths are skipped
    weaviate_url: str = "http://127.0.0.1:8080"
    weaviate_grpc_port: int = Field(default=50051, ge=1, le=65535)
    weaviate_api_key: SecretStr | None = None
    weaviate_timeout_s: float = Field(default=5.0, gt=0)
    rag_collection_patterns: str = "TestDataPattern"
    rag_collection_defects: str = "DefectPattern"
    rag_collection_prod: str = "ProductionSample"
    rag_top_k: int = Field(default=5, ge=1, le=100)

    # PostgreSQL: only the tests that execute the SQL output use it (services/postgres.sh)
    postgres_url: str = "postgresql://postgres@127.0.0.1:5432/test_data_agent"

    # gRPC bridge
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 9001
    bridge_id: str = Field(default_factory=_default_bridge_id)
    reply_pool_size: int = Field(default=32, ge=1, le=1024)
    reply_idle_timeout_s: float = Field(default=30.0, gt=0)
    health_cache_s: float = Field(default=2.0, ge=0)

    # Generation
    max_sync_records: int = Field(default=1000, ge=1)
    max_records: int = Field(default=10_000, ge=1)
    chunk_records: int = Field(default=500, ge=1)
    max_message_bytes: int = Field(default=8 * 1024 * 1024, ge=1024 * 1024)

    # LLM path. Unset keys and URLs fall back to the SDKs' own environment variables
    # (ANTHROPIC_API_KEY, ANTHROPIC_BASE_URL, OPENAI_API_KEY, OPENAI_BASE_URL); a backend
    # with no key is unavailable and the router routes around it.
    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str | None = None
    claude_model: str = "claude-sonnet-4-20250514"
    claude_max_tokens: int = Field(default=4096, ge=1)
    claude_temperature: float = Field(default=0.7, ge=0, le=1)
    openai_api_key: SecretStr | None = None
    vllm_base_url: str | None = None
    vllm_model: str = "meta-llama/Meta-Llama-3-8B-Instruct"
    use_local_llm: bool = False
    llm_timeout_s: float = Field(default=60.0, gt=0)
    llm_total_timeout_s: float = Field(default=180.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0)
    llm_max_attempts: int = Field(default=3, ge=1)
    llm_max_in_flight: int = Field(default=4, ge=1)
    default_batch_size: int = Field(default=50, ge=1)
    retailer_name: str = "Macy's"
    domain_knowledge_path: Path | None = None

    @field_validator("reply_topic_prefix")
    @classmethod
    def _prefix_is_private(cls, value: str) -> str:
        if not value or value.startswith("__"):
            msg = "reply_topic_prefix must be non-empty and must not start with '__'"
            raise ValueError(msg)
        return value

    @field_validator("rag_collection_patterns", "rag_collection_defects", "rag_collection_prod")
    @classmethod
    def _collection_name(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Z][A-Za-z0-9_]{0,200}", value):
            msg = "Weaviate collection names start with a capital letter: letters, digits, '_'"
            raise ValueError(msg)
        return value

    @field_validator("bridge_id")
    @classmethod
    def _bridge_id_is_topic_safe(cls, value: str) -> str:
        if not re.fullmatch(r"[a-zA-Z0-9-]{1,64}", value):
            msg = "bridge_id must be 1-64 letters, digits or '-' (it becomes part of topic names)"
            raise ValueError(msg)
        return value
