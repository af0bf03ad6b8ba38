"""Every gRPC call the bridge serves, measured and traced: a server span continuing the
caller's trace (W3C `traceparent` in the call's metadata), its latency by method and status
code, and the calls in flight.

An interceptor, outermost, so calls the guard refuses (unauthenticated, throttled) are counted
with their status too.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterator
from typing import Any, TypeAlias

import grpc
from opentelemetry import propagate
from opentelemetry.trace import SpanKind, Status, StatusCode

from observability.bridge_metrics import GRPC_IN_FLIGHT, GRPC_SECONDS
from observability.tracing import tracer

Handler: TypeAlias = grpc.RpcMethodHandler
Context: TypeAlias = grpc.aio.ServicerContext[Any, Any]


def _status(context: Context, failed: bool) -> grpc.StatusCode:
    code = context.code()
    if isinstance(code, grpc.StatusCode):
        return code
    return grpc.StatusCode.UNKNOWN if failed else grpc.StatusCode.OK


@contextlib.contextmanager
def _observed(method: str, metadata: Any, context: Context) -> Iterator[None]:
    """The call's span (continuing the caller's trace), its latency and the in-flight gauge."""
    service, _, name = method.lstrip("/").rpartition("/")
    carrier = {key: value for key, value in metadata or () if isinstance(value, str)}
    with tracer.start_as_current_span(
        method.lstrip("/"),
        context=propagate.extract(carrier),
        kind=SpanKind.SERVER,
        attributes={"rpc.system": "grpc", "rpc.service": service, "rpc.method": name},
        set_status_on_exception=False,
    ) as span:
        in_flight = GRPC_IN_FLIGHT.labels(name)
        in_flight.inc()
        started = time.perf_counter()
        failed = False
        try:
            yield
        except BaseException:
            failed = True
            raise
        finally:
            in_flight.dec()
            code = _status(context, failed)
            GRPC_SECONDS.labels(name, code.name).observe(time.perf_counter() - started)
            span.set_attribute("rpc.grpc.status_code", code.value[0])
            if code is not grpc.StatusCode.OK:
                span.set_status(Status(StatusCode.ERROR, code.name))


class TelemetryInterceptor(grpc.aio.ServerInterceptor):  # type: ignore[misc]
    async def intercept_service(
        self,
        continuation: Callable[[grpc.HandlerCallDetails], Awaitable[Handler]],
        details: grpc.HandlerCallDetails,
    ) -> Handler:
        handler = await continuation(details)
        if handler is None:
            return handler
        method, metadata = details.method, details.invocation_metadata
        if handler.unary_unary is not None:
            unary = handler.unary_unary

            async def unary_call(request: Any, context: Context) -> Any:
                with _observed(method, metadata, context):
                    return await unary(request, context)

            return grpc.unary_unary_rpc_method_handler(
                unary_call,
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        if handler.unary_stream is not None:
            stream = handler.unary_stream

            async def stream_call(request: Any, context: Context) -> AsyncIterator[Any]:
                with _observed(method, metadata, context):
                    async for response in stream(request, context):
                        yield response

            return grpc.unary_stream_rpc_method_handler(
                stream_call,
                request_deserializer=handler.request_deserializer,
                response_serializer=handler.response_serializer,
            )
        return handler
