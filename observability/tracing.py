"""Traces: a span per request across both processes, its context carried in Kafka headers.

The bridge's gRPC span sends the request event with the W3C `traceparent` (and `tracestate`)
in its Kafka headers; the worker continues that trace in its `process` span, and its reply
chunks carry the worker's context back, so one trace id covers the gRPC call, the generation
and the answer. An agent that publishes a request event itself can put its own `traceparent`
there. Span names and attributes follow OpenTelemetry's messaging conventions (`send
testdata.requests`, `process testdata.requests`, `messaging.system=kafka`, ...).

Nothing is made or exported unless tracing is on and an exporter endpoint is set: the global
tracer then stays OpenTelemetry's no-op one, and a span costs a function call.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TYPE_CHECKING

from opentelemetry import propagate, trace
from opentelemetry.context import Context

from config.settings import ObservabilitySettings

if TYPE_CHECKING:
    from opentelemetry.sdk.trace.export import SpanExporter

#: The instrumentation scope of every span the service makes.
tracer = trace.get_tracer("test-data-agent")

KafkaHeaders = list[tuple[str, bytes]]


def _exporters(settings: ObservabilitySettings) -> list[SpanExporter]:
    exporters: list[SpanExporter] = []
    if settings.zipkin_endpoint:
        from opentelemetry.exporter.zipkin.json import ZipkinExporter

        exporters.append(ZipkinExporter(endpoint=settings.zipkin_endpoint))
    if settings.otlp_endpoint:
        from opentelemetry.exporter.otlp.proto.http.trace_exporter import OTLPSpanExporter

        exporters.append(OTLPSpanExporter(endpoint=settings.otlp_endpoint))
    return exporters


def configure_tracing(settings: ObservabilitySettings, service_name: str) -> Callable[[], None]:
    """Install the exporting tracer provider when tracing is wanted; returns its shutdown
    (which flushes the spans not yet exported), a no-op when nothing was installed."""
    exporters = _exporters(settings) if settings.tracing_enabled else []
    if not exporters:
        return lambda: None
    # The SDK is loaded only when spans are exported: a process without tracing keeps the
    # API's no-op tracer.
    from opentelemetry.sdk.resources import Resource
    from opentelemetry.sdk.trace import TracerProvider
    from opentelemetry.sdk.trace.export import BatchSpanProcessor
    from opentelemetry.sdk.trace.sampling import ParentBased, TraceIdRatioBased

    provider = TracerProvider(
        resource=Resource.create({"service.name": service_name}),
        sampler=ParentBased(TraceIdRatioBased(settings.trace_sample_ratio)),
    )
    for exporter in exporters:
        provider.add_span_processor(BatchSpanProcessor(exporter))
    trace.set_tracer_provider(provider)
    return provider.shutdown


def kafka_headers() -> KafkaHeaders:
    """The current trace context as Kafka headers (empty when no span is being recorded)."""
    carrier: dict[str, str] = {}
    propagate.inject(carrier)
    return [(name, value.encode()) for name, value in carrier.items()]


def context_from(headers: Iterable[tuple[str, bytes]] | Mapping[str, bytes] | None) -> Context:
    """The trace context a message's headers carry (an empty context when they carry none)."""
    items = headers.items() if isinstance(headers, Mapping) else (headers or ())
    carrier = {name.lower(): value.decode("latin-1") for name, value in items}
    return propagate.extract(carrier)


Attributes = dict[str, str | int | float | bool]


def messaging_attributes(
    operation: str,
    topic: str,
    *,
    partition: int | None = None,
    offset: int | None = None,
    key: bytes | None = None,
    group: str | None = None,
) -> Attributes:
    """The messaging conventions' attributes of a Kafka `send`, `receive` or `process` span."""
    attributes: Attributes = {
        "messaging.system": "kafka",
        "messaging.operation.type": operation,
        "messaging.operation.name": operation,
        "messaging.destination.name": topic,
    }
    if partition is not None:
        attributes["messaging.destination.partition.id"] = str(partition)
    if offset is not None:
        attributes["messaging.kafka.offset"] = offset
    if key:
        attributes["messaging.kafka.message.key"] = key.decode("utf-8", "replace")
    if group:
        attributes["messaging.consumer.group.name"] = group
    return attributes
