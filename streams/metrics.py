"""The worker's Prometheus metrics (served on `metrics_port` by `python -m streams`)."""

from __future__ import annotations

from prometheus_client import Counter

CACHE_HITS = Counter(
    "testdata_cache_hits_total", "Requests answered from a data pool in Redis (use_cache)."
)
CACHE_MISSES = Counter(
    "testdata_cache_misses_total",
    "use_cache requests generated afresh: no pool, a pool too small, or Redis down.",
)
