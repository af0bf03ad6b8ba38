"""`python -m streams`: create the service's topics, then run a Faust worker until stopped.

While Kafka cannot be reached at start, the worker retries creating the topics, saying so in
the log, rather than exiting; SIGTERM or SIGINT stops it at once then, and within
`observability.shutdown.GRACE_S` once Faust runs, whatever Kafka does. Brokers that refuse
its credentials or TLS handshake stop it at once, saying why: waiting would not help.
"""

from __future__ import annotations

import asyncio
import gc
import logging
import signal
from typing import Any

import faust
from mode.utils.logging import redirect_stdouts

from clients.kafka_admin import KafkaAdmin
from clients.kafka_start import once_kafka_answers
from config import Settings
from config.settings import KafkaSettings
from contracts.topics import service_topics
from observability.http import bind_http
from observability.logs import configure_logging
from observability.shutdown import Shutdown
from observability.tracing import configure_tracing
from streams.app import create_app

log = logging.getLogger(__name__)


async def _ensure_topics(kafka: KafkaSettings, shutdown: Shutdown) -> bool:
    """Create the service's topics, retrying while Kafka is unavailable; False when a signal
    stopped the process first."""
    task = asyncio.current_task()
    assert task is not None
    shutdown.install(asyncio.get_running_loop(), task.cancel)

    async def create() -> None:
        async with KafkaAdmin.from_settings(kafka) as admin:
            await admin.ensure_topics(service_topics(kafka))

    try:
        await once_kafka_answers(create, "creating the topics")
        return True
    except asyncio.CancelledError:
        if not shutdown.requested:
            raise
        log.info("stopped before Kafka answered; the topics were not created")
        return False


class _Worker(faust.Worker):
    """Faust's worker, whose SIGTERM and SIGINT also arm the watchdog of `shutdown` before
    Faust's graceful stop (mode installs the handlers: `mode.worker.Worker._on_sigterm`)."""

    def __init__(self, app: faust.App, shutdown: Shutdown, **options: Any) -> None:
        super().__init__(app, **options)
        self._bounded_stop = shutdown

    def _on_sigterm(self) -> None:
        self._bounded_stop.begin(signal.SIGTERM)
        super()._on_sigterm()

    def _on_sigint(self) -> None:
        self._bounded_stop.begin(signal.SIGINT)
        super()._on_sigint()


def main() -> None:
    settings = Settings()
    observability = settings.observability
    configure_logging(observability, "worker")
    shutdown = Shutdown("worker")
    try:
        http_socket = bind_http(
            observability.http_host, observability.worker_http_port, "WORKER_HTTP_PORT"
        )
    except OSError as exc:
        raise SystemExit(exc.strerror) from exc
    if not asyncio.run(_ensure_topics(settings.kafka, shutdown)):
        return
    flush_spans = configure_tracing(observability, "test-data-agent-worker")
    asyncio.set_event_loop(asyncio.new_event_loop())
    app = create_app(settings, http_socket)
    # The ~320k objects made at import never die, yet every full collection scanned them: a
    # ~170 ms pause that one request in about sixty paid (bench.learning: RAG p99 ~270 ms at
    # a p50 of 25 ms). Frozen, they are never scanned again (a full collection: ~0.01 ms).
    gc.freeze()
    try:
        worker = _Worker(
            app, shutdown, loglevel=observability.log_level, quiet=True, override_logging=False
        )
        # Faust's start-up spinner writes terminal escapes to stdout, even when it is not a
        # terminal: they would break the one-JSON-object-a-line log.
        worker.spinner = None
        # Libraries that print (the Weaviate client prints failed liveness checks) become
        # log lines too.
        with redirect_stdouts(logging.getLogger("stdout"), severity=logging.WARNING, stderr=False):
            worker.execute_from_commandline()
    finally:
        flush_spans()


if __name__ == "__main__":
    main()
