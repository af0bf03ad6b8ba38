"""The bridge's series: its gRPC calls, by method and status, and those in flight."""

from __future__ import annotations

from prometheus_client import Gauge, Histogram

from observability.metrics import GENERATION_BUCKETS

GRPC_SECONDS = Histogram(
    "testdata_grpc_call_duration_seconds",
    "gRPC calls the bridge served, by method and status code.",
    ["method", "status"],
    buckets=GENERATION_BUCKETS,
)
GRPC_IN_FLIGHT = Gauge(
    "testdata_grpc_calls_in_flight", "gRPC calls the bridge is serving now, by method.", ["method"]
)
