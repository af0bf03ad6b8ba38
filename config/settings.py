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
from typing import Literal, TypeVar

from pydantic import (
    AliasChoices,
    BaseModel,
    ConfigDict,
    Field,
    SecretStr,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

Group = TypeVar("Group", bound=BaseModel)


def _default_bridge_id() -> str:
    host = re.sub(r"[^a-zA-Z0-9-]", "-", socket.gethostname()).strip("-").lower()
    return host or "bridge"


class _Group(BaseModel):
    model_config = ConfigDict(frozen=True)


class ObservabilitySettings(_Group):
    """Logs, the HTTP side (health and metrics) of each process, and traces."""

    log_level: str = "INFO"
    #: `json` (one object a line), `console` (coloured, for people), `auto`: console on a TTY
    log_format: Literal["auto", "json", "console"] = "auto"
    #: Where both processes serve HTTP (`/healthz`, `/readyz`, `/metrics`); 0.0.0.0 in a pod
    http_host: str = "127.0.0.1"
    #: Each worker's HTTP port: give every worker on one host its own (0: any free port, logged)
    worker_http_port: int = Field(default=8091, ge=0, le=65535)
    prometheus_enabled: bool = True
    #: Spans are made and exported only when this is on and an exporter endpoint is set
    tracing_enabled: bool = True
    #: Zipkin's span API, e.g. http://127.0.0.1:9411/api/v2/spans (what `make run` starts)
    zipkin_endpoint: str | None = None
    #: An OTLP/HTTP traces endpoint, e.g. http://otel-collector:4318/v1/traces
    otlp_endpoint: str | None = None
    trace_sample_ratio: float = Field(default=1.0, ge=0, le=1)


SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]


class KafkaSettings(_Group):
    """The broker, the topics and the worker's consumer group."""

    kafka_bootstrap_servers: str = "127.0.0.1:9092"
    request_topic: str = "testdata.requests"
    request_topic_partitions: int = Field(default=6, ge=1)
    defects_topic: str = "testdata.defects"
    feedback_topic: str = "testdata.feedback"
    dead_letter_topic: str = "testdata.dead-letter"
    #: Callers that stopped waiting; every worker reads all of it (one partition)
    cancellations_topic: str = "testdata.cancellations"
    reply_topic_prefix: str = "testdata.reply."
    reply_topic_retention_ms: int = Field(default=3_600_000, ge=60_000)
    worker_group: str = "test-data-agent"
    worker_data_dir: Path = Path(tempfile.gettempdir()) / "test-data-agent-worker"
    #: A worker that stops heartbeating for this long leaves the group: its partitions, with
    #: the requests it had not finished, go to another worker, and the bridge tells a caller
    #: waiting on a group with no worker left (Kafka's brokers allow 6 s at the least).
    worker_session_timeout_s: float = Field(default=10.0, ge=6.0, le=300.0)
    #: A worker generating a request says so on the reply topic this often (a record with no
    #: value, outside the chunk numbering); the bridge's idle timeout counts from the last one.
    progress_interval_s: float = Field(default=2.0, gt=0.0)
    max_message_bytes: int = Field(default=8 * 1024 * 1024, ge=1024 * 1024)
    #: How long the bridge waits for the brokers to acknowledge an event (topic metadata
    #: included) before the caller gets UNAVAILABLE naming Kafka; aiokafka's own 40 s otherwise
    kafka_send_timeout_s: float = Field(default=1.5, gt=0, le=60)
    #: How every Kafka client (worker, bridge, admin) connects: SASL and SSL settings below
    kafka_security_protocol: SecurityProtocol = "PLAINTEXT"
    kafka_sasl_mechanism: Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] = "SCRAM-SHA-512"
    kafka_sasl_username: str | None = None
    kafka_sasl_password: SecretStr | None = None
    #: CA bundle that signed the brokers' certificates (SSL, SASL_SSL)
    kafka_ssl_cafile: Path | None = None
    #: The client's own certificate and key, when the brokers ask for one
    kafka_ssl_certfile: Path | None = None
    kafka_ssl_keyfile: Path | None = None

    @field_validator("reply_topic_prefix")
    @classmethod
    def _prefix_is_private(cls, value: str) -> str:
        if not value or value.startswith("__"):
            msg = "reply_topic_prefix must be non-empty and must not start with '__'"
            raise ValueError(msg)
        return value

    @model_validator(mode="after")
    def _sasl_has_credentials(self) -> KafkaSettings:
        sasl = self.kafka_security_protocol.startswith("SASL_")
        if sasl and (not self.kafka_sasl_username or self.kafka_sasl_password is None):
            msg = (
                f"kafka_security_protocol {self.kafka_security_protocol} needs "
                "kafka_sasl_username and kafka_sasl_password"
            )
            raise ValueError(msg)
        return self


class GenerationSettings(_Group):
    """How much one request may ask for, and how answers are cut."""

    max_sync_records: int = Field(default=1000, ge=1)
    max_records: int = Field(default=10_000, ge=1)
    #: Records per batch (one reply chunk) on the traditional and RAG paths.
    chunk_records: int = Field(default=500, ge=1)
    #: The largest `context` a request may carry, in UTF-8 bytes (checked by bridge and worker)
    max_context_bytes: int = Field(default=64 * 1024, ge=0)


#: What a bearer token may be allowed: `generate` (GenerateData), `stream`
#: (GenerateDataStream), `admin` (defect and feedback events).
Scope = Literal["generate", "stream", "admin"]


class ClientToken(BaseModel):
    """One client allowed in when `auth_tokens` is set: its token and what it may call."""

    model_config = ConfigDict(frozen=True)

    token: SecretStr
    scopes: frozenset[Scope]


class BridgeSettings(_Group):
    grpc_host: str = "127.0.0.1"
    grpc_port: int = 9001
    bridge_id: str = Field(default_factory=_default_bridge_id)
    reply_pool_size: int = Field(default=32, ge=1, le=1024)
    reply_idle_timeout_s: float = Field(default=30.0, gt=0)
    health_cache_s: float = Field(default=2.0, ge=0)
    #: The bridge's HTTP side: `/healthz`, `/readyz`, `/metrics`
    http_port: int = Field(default=8081, ge=0, le=65535)
    #: Requests per second each client may make, and the burst it may spend at once (0: no limit)
    rate_limit_per_s: float = Field(default=50.0, ge=0)
    rate_limit_burst: int = Field(default=100, ge=1)
    #: Bearer tokens by client name, as JSON: {"qa-bot": {"token": "...", "scopes": ["generate"]}}.
    #: Unset: no authentication.
    auth_tokens: dict[str, ClientToken] | None = None
    #: gRPC over TLS when both are set; with a client CA, clients must present a certificate
    grpc_tls_cert_file: Path | None = None
    grpc_tls_key_file: Path | None = None
    grpc_tls_client_ca_file: Path | None = None

    @model_validator(mode="after")
    def _tls_is_whole(self) -> BridgeSettings:
        if (self.grpc_tls_cert_file is None) != (self.grpc_tls_key_file is None):
            msg = "grpc_tls_cert_file and grpc_tls_key_file are set together or not at all"
            raise ValueError(msg)
        if self.grpc_tls_client_ca_file is not None and self.grpc_tls_cert_file is None:
            msg = "grpc_tls_client_ca_file (mutual TLS) needs grpc_tls_cert_file and its key"
            raise ValueError(msg)
        return self

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
    #: The kind of server behind `vllm_base_url`, for the JSON Schema keywords it takes in
    #: strict mode (`clients.openai_backend.SCHEMA_DIALECTS`).
    vllm_server: Literal["vllm", "openai", "llama.cpp"] = "vllm"
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
    #: Each backend's circuit breaker: this many outages in a row (timeouts, no connection,
    #: 408/409/429/5xx) open it; it refuses calls for `llm_breaker_open_s`, doubled by each
    #: failed probe up to `llm_breaker_max_open_s` (a longer `Retry-After` is honoured up to it).
    llm_breaker_failures: int = Field(default=3, ge=1)
    llm_breaker_open_s: float = Field(default=15.0, gt=0)
    llm_breaker_max_open_s: float = Field(default=120.0, gt=0)

    @model_validator(mode="after")
    def _breaker_cool_down_can_grow(self) -> LLMSettings:
        if self.llm_breaker_max_open_s < self.llm_breaker_open_s:
            msg = (
                f"llm_breaker_max_open_s ({self.llm_breaker_max_open_s:g}) is below "
                f"llm_breaker_open_s ({self.llm_breaker_open_s:g})"
            )
            raise ValueError(msg)
        return self


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
