"""Structured logs for both processes: one JSON object a line, or coloured lines on a terminal.

Every line, the libraries' included (Faust, aiokafka, uvicorn log through the standard
`logging` module), goes through structlog's processors, so each carries the level, the logger,
an ISO timestamp, the `request_id` bound for the request being handled (`bound_request`) and,
when a span is current, its `trace_id` and `span_id`: a log line leads to its trace.
httpx logs every request at INFO; the bridge's health probe and the Weaviate client would then
write a line every two seconds, so HTTP clients log from WARNING up.
"""

from __future__ import annotations

import logging
import sys
from collections.abc import Iterator, MutableMapping
from contextlib import contextmanager
from typing import Any

import structlog
from opentelemetry import trace

from config.settings import ObservabilitySettings

_CHATTY = ("httpx", "httpcore", "uvicorn.access")


def _trace_ids(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> Any:
    context = trace.get_current_span().get_span_context()
    if context.is_valid:
        event["trace_id"] = format(context.trace_id, "032x")
        event["span_id"] = format(context.span_id, "016x")
    return event


def _renderer(log_format: str) -> Any:
    console = log_format == "console" or (log_format == "auto" and sys.stderr.isatty())
    if console:
        return structlog.dev.ConsoleRenderer()
    return structlog.processors.JSONRenderer()


def configure_logging(settings: ObservabilitySettings, process: str) -> None:
    """Route structlog and standard logging through one chain; `process` names the process."""
    shared: list[Any] = [
        structlog.contextvars.merge_contextvars,
        structlog.stdlib.add_log_level,
        structlog.stdlib.add_logger_name,
        structlog.processors.TimeStamper(fmt="iso", utc=True),
        _trace_ids,
    ]
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *shared,
            structlog.stdlib.PositionalArgumentsFormatter(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )
    formatter = structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=[*shared, structlog.stdlib.ExtraAdder()],
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            _add_process(process),
            structlog.processors.format_exc_info,
            _renderer(settings.log_format),
        ],
    )
    handler = logging.StreamHandler()
    handler.setFormatter(formatter)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(settings.log_level)
    for name in _CHATTY:
        logging.getLogger(name).setLevel(max(logging.WARNING, root.level))


def _add_process(process: str) -> Any:
    def add(_logger: Any, _name: str, event: MutableMapping[str, Any]) -> Any:
        event.setdefault("process", process)
        return event

    return add


@contextmanager
def bound_request(request_id: str) -> Iterator[None]:
    """Every line logged inside (in this task) carries `request_id`."""
    with structlog.contextvars.bound_contextvars(request_id=request_id):
        yield
