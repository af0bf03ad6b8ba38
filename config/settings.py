"""The service's settings: read once from the environment (and an optional `.env`), in groups.

`Settings` is the only reader of the environment in the service, the LLM SDKs' own variables
included (`ANTHROPIC_API_KEY`, `ANTHROPIC_BASE_URL`, `OPENAI_API_KEY`, `OPENAI_BASE_URL`): the
clients are always given explicit values. Each setting belongs to one group, and each component
takes only its group (`settings.kafka`, `settings.bridge`, ...), so what a component can depend
on is visible in its signature. Environment names are the upper-cased field names.
"""

from __future__ import annotations

import re
import socket
import tempfile
from pathlib import Path
from typing import TypeVar

from pydantic import AliasChoices, BaseModel, ConfigDict, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

Group = TypeVar("Group", bound=BaseModel)


def _default_bridge_id() -> str:
    host = re.sub(r"[^a-zA-Z0-9-]", "-", socket.gethostname()).strip("-").lower()
    return host or "bridge"


class _Group(BaseModel):
    model_config = ConfigDict(frozen=True)


class ObservabilitySettings(_Group):
    log_level: str = "INFO"
    #: Prometheus metrics of the worker on 127.0.0.1:<port> (0: not served)
    metrics_port: int = Field(default=9102, ge=0, le=65535)


class KafkaSettings(_Group):
    """The broker, the topics and the worker's consumer group."""

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
    max_message_bytes: int = Field(default=8 * 1024 * 1024, ge=1024 * 1024)

    @field_validator("reply_topic_prefix")
    @classmethod
    def _prefix_is_private(cls, value: str) -> str:
        if not value or value.startswith("__"):
            msg = "reply_topic_prefix must be non-empty and must not start with '__'"
            raise ValueError(msg)
        return value


class GenerationSettings(_Group):
    """How much one request may ask for, and how answers are cut."""

    max_sync_records: int = Field(default=1000, ge=1)
    max_records: int = Field(default=10_000, ge=1)
    #: Records per batch (one reply chunk) on the traditional and RAG paths.
    chunk_records: int = Field(default=500, ge=1)


class BridgeSettings(_Group):
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 9001
    bridge_id: str = Field(default_factory=_default_bridge_id)
    reply_pool_size: int = Field(default=32, ge=1, le=1024)
    reply_idle_timeout_s: float = Field(default=30.0, gt=0)
    health_cache_s: float = Field(default=2.0, ge=0)

    @field_validator("bridge_id")
    @classmethod
    def _bridge_id_is_topic_safe(cls, value: str) -> str:
        if not re.fullmatch(r"[a-zA-Z0-9-]{1,64}", value):
            msg = "bridge_id must be 1-64 letters, digits or '-' (it becomes part of topic names)"
            raise ValueError(msg)
        return value


class CacheSettings(_Group):
    """Redis: the data-pool cache (`use_cache`); down means generating without it."""

    redis_url: str = "redis://127.0.0.1:6379/0"
    cache_ttl_seconds: int = Field(default=86_400, ge=1)
    cache_pool_records: int = Field(default=1000, ge=1)
    cache_key_prefix: str = "testdata:pool"


class RAGSettings(_Group):
    """Weaviate, the knowledge base; down means the RAG and hybrid paths are routed around."""

    weaviate_url: str = "http://127.0.0.1:8080"
    weaviate_grpc_port: int = Field(default=50051, ge=1, le=65535)
    weaviate_api_key: SecretStr | None = None
    weaviate_timeout_s: float = Field(default=5.0, gt=0)
    rag_collection_patterns: str = "TestDataPattern"
    rag_collection_defects: str = "DefectPattern"
    rag_collection_prod: str = "ProductionSample"
    rag_top_k: int = Field(default=5, ge=1, le=100)

    @field_validator("rag_collection_patterns", "rag_collection_defects", "rag_collection_prod")
    @classmethod
    def _collection_name(cls, value: str) -> str:
        if not re.fullmatch(r"[A-Z][A-Za-z0-9_]{0,200}", value):
            msg = "Weaviate collection names start with a capital letter: letters, digits, '_'"
            raise ValueError(msg)
        return value


#: Where the SDKs send requests when no base URL is given.
ANTHROPIC_DEFAULT_URL = "https://api.anthropic.com"
OPENAI_DEFAULT_URL = "https://api.openai.com/v1"


class LLMSettings(_Group):
    """The LLM path. A backend with no key is unavailable and the router routes around it."""

    anthropic_api_key: SecretStr | None = None
    anthropic_base_url: str = ANTHROPIC_DEFAULT_URL
    claude_model: str = "claude-sonnet-4-20250514"
    claude_max_tokens: int = Field(default=4096, ge=1)
    claude_temperature: float = Field(default=0.7, ge=0, le=1)
    openai_api_key: SecretStr | None = None
    #: An OpenAI-compatible endpoint such as vLLM (`VLLM_BASE_URL`, else `OPENAI_BASE_URL`).
    vllm_base_url: str = Field(
        default=OPENAI_DEFAULT_URL,
        validation_alias=AliasChoices("vllm_base_url", "openai_base_url"),
    )
    vllm_model: str = "meta-llama/Meta-Llama-3-8B-Instruct"
    use_local_llm: bool = False
    llm_timeout_s: float = Field(default=60.0, gt=0)
    llm_total_timeout_s: float = Field(default=180.0, gt=0)
    llm_max_retries: int = Field(default=2, ge=0)
    llm_max_attempts: int = Field(default=3, ge=1)
    llm_max_in_flight: int = Field(default=4, ge=1)
    #: Records per model call (and per reply chunk) on the LLM and hybrid paths.
    default_batch_size: int = Field(default=50, ge=1)
    retailer_name: str = "Macy's"
    domain_knowledge_path: Path | None = None


class Settings(
    BaseSettings,
    ObservabilitySettings,
    KafkaSettings,
    GenerationSettings,
    BridgeSettings,
    CacheSettings,
    RAGSettings,
    LLMSettings,
):
    """Every knob of the worker and the bridge, read once; components take their group."""

    model_config = SettingsConfigDict(
        env_file=".env", env_file_encoding="utf-8", extra="ignore", populate_by_name=True
    )

    def group(self, kind: type[Group]) -> Group:
        """The settings of one group, as an object of that group alone."""
        return kind.model_construct(**{name: getattr(self, name) for name in kind.model_fields})

    @property
    def observability(self) -> ObservabilitySettings:
        return self.group(ObservabilitySettings)

    @property
    def kafka(self) -> KafkaSettings:
        return self.group(KafkaSettings)

    @property
    def generation(self) -> GenerationSettings:
        return self.group(GenerationSettings)

    @property
    def bridge(self) -> BridgeSettings:
        return self.group(BridgeSettings)

    @property
    def cache(self) -> CacheSettings:
        return self.group(CacheSettings)

    @property
    def rag(self) -> RAGSettings:
        return self.group(RAGSettings)

    @property
    def llm(self) -> LLMSettings:
        return self.group(LLMSettings)
