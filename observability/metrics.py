"""Prometheus: each series is counted by the process that knows it, and only that process
registers it (`worker_metrics` is imported by the worker alone, `bridge_metrics` by the
bridge), so neither page shows the other's series at zero. Both serve `/metrics` on their HTTP
port (`observability.http`). Label values come from closed sets (paths, domains, entity names,
configured model names, methods, status codes, topics and partitions): never a request id.
"""

from __future__ import annotations

from prometheus_client import disable_created_metrics

# A `_created` timestamp beside every counter doubles the page and no dashboard reads it.
disable_created_metrics()  # type: ignore[no-untyped-call]

#: Generation takes from a millisecond (a cached pool) to minutes (a large LLM request).
GENERATION_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 180)
