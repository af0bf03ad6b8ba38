"""Logs, metrics, traces and the HTTP side, without a broker: what an operator would read."""

from __future__ import annotations

import contextlib
import dataclasses
import json
import logging
import socket
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import structlog
from opentelemetry import trace
from opentelemetry.sdk.trace import TracerProvider
from prometheus_client import REGISTRY
from pydantic import SecretStr

from config import Settings
from config.settings import ObservabilitySettings
from generators.core.request import GenerationRequest
from observability.health import HealthReport
from observability.http import bind_http, http_app
from observability.logs import bound_request, configure_logging
from observability.tracing import configure_tracing, context_from, kafka_headers
from tests.unit.test_processor import REPLY, event, run

PARENT = "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01"
TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736"


@contextlib.contextmanager
def json_logs() -> Iterator[None]:
    """The service's JSON logging while inside (configured in the test's own capture)."""
    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    configure_logging(ObservabilitySettings(log_format="json"), "worker")
    try:
        yield
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)
        structlog.reset_defaults()


def lines(capsys: pytest.CaptureFixture[str]) -> list[dict[str, Any]]:
    return [json.loads(line) for line in capsys.readouterr().err.splitlines()]


def test_a_log_line_is_json_with_the_request_id_and_the_trace_it_belongs_to(
    capsys: pytest.CaptureFixture[str],
) -> None:
    tracer = TracerProvider().get_tracer("test")
    with json_logs(), tracer.start_as_current_span("work") as span, bound_request("req-1"):
        structlog.get_logger("here").info("routing decision", path="rag", confidence=0.9)
        logging.getLogger("faust.worker").info("a library's %s line", "plain")
    trace_id = format(span.get_span_context().trace_id, "032x")

    ours, theirs = lines(capsys)
    assert ours["event"] == "routing decision" and ours["path"] == "rag"
    assert theirs["event"] == "a library's plain line"
    for line in (ours, theirs):
        assert line["request_id"] == "req-1"
        assert line["trace_id"] == trace_id
        assert line["process"] == "worker" and line["level"] == "info"


async def test_the_worker_logs_each_step_of_a_request_without_its_records_or_secrets(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with json_logs():
        await run(GenerationRequest(request_id="r-log", entity="user", count=3, reply_topic=REPLY))

    logged = lines(capsys)
    events = [line["event"] for line in logged]
    assert events == ["request received", "routing decision", "generation complete"]
    assert all(line["request_id"] == "r-log" for line in logged)
    assert logged[1]["path"] == "traditional" and logged[1]["reason"]
    assert logged[2]["records"] == 3 and logged[2]["duration_ms"] >= 0
    assert "@" not in json.dumps(logged), "no generated e-mail address reaches the log"


def test_settings_never_show_a_secret() -> None:
    settings = Settings(_env_file=None, kafka_sasl_password=SecretStr("hunter2"))  # type: ignore[call-arg]

    assert "hunter2" not in repr(settings) and "hunter2" not in repr(settings.kafka)


async def test_reply_chunks_carry_the_trace_of_the_request_event_that_asked() -> None:
    request = GenerationRequest(request_id="r-trace", entity="user", count=50, reply_topic=REPLY)
    incoming = dataclasses.replace(event(request), headers=[("traceparent", PARENT.encode())])

    publisher = await run(incoming)

    assert len(publisher.sent) == 2
    for headers in publisher.headers:
        assert dict(headers)["traceparent"].decode().split("-")[1] == TRACE_ID


def requests_counted(**labels: str) -> float:
    return REGISTRY.get_sample_value("testdata_requests_total", labels) or 0.0


async def test_answers_are_counted_by_path_domain_and_status() -> None:
    ok = {"path": "traditional", "domain": "ecommerce", "status": "ok"}
    invalid = {"path": "none", "domain": "custom", "status": "INVALID_ARGUMENT"}
    before_ok, before_invalid = requests_counted(**ok), requests_counted(**invalid)

    await run(GenerationRequest(request_id="m1", entity="user", count=2, reply_topic=REPLY))
    await run(GenerationRequest(request_id="m2", entity="nope", count=2, reply_topic=REPLY))

    assert requests_counted(**ok) == before_ok + 1
    assert requests_counted(**invalid) == before_invalid + 1


def test_headers_carry_no_trace_when_none_is_current_and_round_trip_one() -> None:
    assert kafka_headers() == []
    context = context_from([("traceparent", PARENT.encode())])

    assert format(trace.get_current_span(context).get_span_context().trace_id, "032x") == TRACE_ID


def test_tracing_exports_nothing_without_an_endpoint_or_when_switched_off() -> None:
    provider = trace.get_tracer_provider()
    nothing = configure_tracing(ObservabilitySettings(), "test")
    off = configure_tracing(
        ObservabilitySettings(tracing_enabled=False, zipkin_endpoint="http://127.0.0.1:1/x"),
        "test",
    )

    assert nothing() is None and off() is None
    assert trace.get_tracer_provider() is provider, "no exporting provider was installed"


def report(status: str) -> HealthReport:
    return HealthReport(status, {"kafka": "ok" if status != "unhealthy" else "down: refused"})


@pytest.mark.parametrize(
    ("status", "code"), [("healthy", 200), ("degraded", 200), ("unhealthy", 503)]
)
async def test_readyz_is_200_only_when_a_request_would_be_answered(status: str, code: int) -> None:
    async def ready() -> HealthReport:
        return report(status)

    transport = httpx.ASGITransport(app=http_app(ready, metrics=True))
    async with httpx.AsyncClient(transport=transport, base_url="http://tda") as client:
        readyz, healthz = await client.get("/readyz"), await client.get("/healthz")

    assert readyz.status_code == code and readyz.json()["status"] == status
    assert healthz.status_code == 200


async def test_metrics_are_served_in_prometheus_format_unless_switched_off() -> None:
    async def ready() -> HealthReport:
        return report("healthy")

    for enabled, code in ((True, 200), (False, 404)):
        transport = httpx.ASGITransport(app=http_app(ready, metrics=enabled))
        async with httpx.AsyncClient(transport=transport, base_url="http://tda") as client:
            page = await client.get("/metrics")
        assert page.status_code == code
    assert "text/plain" in page.headers["content-type"] or code == 404


def test_a_taken_http_port_fails_at_start_naming_the_setting() -> None:
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        with pytest.raises(OSError, match=f"WORKER_HTTP_PORT={port}: cannot listen"):
            bind_http("127.0.0.1", port, "WORKER_HTTP_PORT")
