"""`python -m streams`: create the service's topics, then run a Faust worker until stopped."""

from __future__ import annotations

import asyncio
import gc
import logging

import faust
from mode.utils.logging import redirect_stdouts

from clients.kafka_admin import KafkaAdmin
from config import Settings
from config.settings import KafkaSettings
from contracts.topics import service_topics
from observability.http import bind_http
from observability.logs import configure_logging
from observability.tracing import configure_tracing
from streams.app import create_app


async def _ensure_topics(kafka: KafkaSettings) -> None:
    async with KafkaAdmin.from_settings(kafka) as admin:
        await admin.ensure_topics(service_topics(kafka))


def main() -> None:
    settings = Settings()
    observability = settings.observability
    configure_logging(observability, "worker")
    try:
        http_socket = bind_http(
            observability.http_host, observability.worker_http_port, "WORKER_HTTP_PORT"
        )
    except OSError as exc:
        raise SystemExit(exc.strerror) from exc
    asyncio.run(_ensure_topics(settings.kafka))
    flush_spans = configure_tracing(observability, "test-data-agent-worker")
    asyncio.set_event_loop(asyncio.new_event_loop())
    app = create_app(settings, http_socket)
    # The ~320k objects made at import never die, yet every full collection scanned them: a
    # ~170 ms pause that one request in about sixty paid (bench.learning: RAG p99 ~270 ms at
    # a p50 of 25 ms). Frozen, they are never scanned again (a full collection: ~0.01 ms).
    gc.freeze()
    try:
        worker = faust.Worker(
            app, loglevel=observability.log_level, quiet=True, override_logging=False
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
