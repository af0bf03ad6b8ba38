"""Every Prometheus series of the service, each counted by the process that knows it.

The worker counts what it generates (the specification's six series, its consumer lag, the
requests it has in hand); the bridge counts its gRPC calls. Both serve `/metrics` on their HTTP
port (`observability.http`). Label values come from closed sets (paths, domains, entity names,
model names, methods, status codes, topics and partitions): never a request id.
"""

from __future__ import annotations

from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

# A `_created` timestamp beside every counter doubles the page and no dashboard reads it.
disable_created_metrics()  # type: ignore[no-untyped-call]

#: Generation takes from a millisecond (a cached pool) to minutes (a large LLM request).
_GENERATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180)

# --- the worker ------------------------------------------------------------------------------

REQUESTS = Counter(
    "testdata_requests",
    "Requests the worker answered, by the path used, the domain and `ok` or the error code.",
    ["path", "domain", "status"],
)
GENERATION_SECONDS = Histogram(
    "testdata_generation_duration_seconds",
    "From the request event's arrival to its final chunk, by the path used.",
    ["path"],
    buckets=_GENERATION_BUCKETS,
)
LLM_TOKENS = Counter(
    "testdata_llm_tokens_used",
    "Tokens the LLM APIs reported (input and output), by model.",
    ["model"],
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

# --- the bridge ------------------------------------------------------------------------------

GRPC_SECONDS = Histogram(
    "testdata_grpc_call_duration_seconds",
    "gRPC calls the bridge served, by method and status code.",
    ["method", "status"],
    buckets=_GENERATION_BUCKETS,
)
GRPC_IN_FLIGHT = Gauge(
    "testdata_grpc_calls_in_flight", "gRPC calls the bridge is serving now, by method.", ["method"]
)
