"""The worker's series: the specification's six, its consumer lag, the requests in hand, and
the LLM backends' circuit breakers."""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram

from observability.metrics import GENERATION_BUCKETS

REQUESTS = Counter(
    "testdata_requests",
    "Requests the worker answered, by the path used, the domain and `ok` or the error code.",
    ["path", "domain", "status"],
)
GENERATION_SECONDS = Histogram(
    "testdata_generation_duration_seconds",
    "From the request event's arrival to its final chunk, by the path used.",
    ["path"],
    buckets=GENERATION_BUCKETS,
)
LLM_TOKENS = Counter(
    "testdata_llm_tokens_used",
    "Tokens the LLM APIs reported, by model and kind: `input` (prompt tokens neither read from "
    "nor written to the prompt cache), `cache_read`, `cache_write` and `output`; the kinds add "
    "up to every token.",
    ["model", "kind"],
)
#: The `kind` label values of `LLM_TOKENS`.
TOKEN_KINDS = ("input", "cache_read", "cache_write", "output")
LLM_CIRCUIT_STATE = Gauge(
    "testdata_llm_circuit_state",
    "Each LLM backend's circuit breaker: 0 closed, 1 half-open (a probe call), 2 open (skipped).",
    ["backend"],
)
LLM_CIRCUIT_OPENED = Counter(
    "testdata_llm_circuit_opened",
    "Times each LLM backend's circuit breaker opened (a failed probe opens it again).",
    ["backend"],
)
RECORDS = Counter(
    "testdata_records_generated",
    "Records answered, by domain and entity (`custom` for a request's own schema).",
    ["domain", "entity"],
)
CACHE_HITS = Counter(
    "testdata_cache_hits", "Requests answered from a data pool in Redis (use_cache)."
)
CACHE_MISSES = Counter(
    "testdata_cache_misses",
    "use_cache requests generated afresh: no pool, a pool too small, or Redis down.",
)
COHERENCE = Histogram(
    "testdata_coherence_score",
    "Each answer's coherence score (1.0: every rule holds), by domain.",
    ["domain"],
    buckets=(0.5, 0.7, 0.8, 0.85, 0.9, 0.95, 0.99, 1.0),
)
CONSUMER_LAG = Gauge(
    "testdata_consumer_lag",
    "Events waiting in each partition this worker consumes (log end minus its position).",
    ["topic", "partition"],
)
IN_FLIGHT = Gauge("testdata_requests_in_flight", "Requests this process is answering now.")
