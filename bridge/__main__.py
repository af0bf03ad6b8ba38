"""`python -m bridge`: run the gRPC bridge until SIGINT or SIGTERM.

While Kafka cannot be reached at start, the bridge retries starting, saying so in the log,
rather than exiting; a signal stops it at once then, and within
`observability.shutdown.GRACE_S` once it serves, whatever Kafka does. Brokers that refuse its
credentials or TLS handshake stop it at once, saying why: waiting would not help.
"""

from __future__ import annotations

import asyncio
import contextlib
import gc
import logging

from bridge.server import running_bridge
from clients.kafka_start import once_kafka_answers
from config import Settings
from observability.logs import configure_logging
from observability.shutdown import Shutdown
from observability.tracing import configure_tracing

log = logging.getLogger(__name__)


async def _main(settings: Settings, shutdown: Shutdown) -> None:
    main = asyncio.current_task()
    assert main is not None
    stopping = asyncio.Event()
    serving = False

    def stop() -> None:
        stopping.set()
        if not serving:  # still waiting for Kafka, or starting: nothing to finish
            main.cancel()

    shutdown.install(asyncio.get_running_loop(), stop)
    try:
        async with contextlib.AsyncExitStack() as stack:
            await once_kafka_answers(
                lambda: stack.enter_async_context(running_bridge(settings)),
                "starting the bridge",
            )
            serving = True
            await stopping.wait()
    except asyncio.CancelledError:
        if not shutdown.requested:
            raise
        if main.cancelling():
            log.info("stopped before the bridge served")
        else:
            # Not a cancellation of ours: aiokafka's consumer raises it from its own stop when
            # its broker is unreachable (aio-libs/aiokafka#647). The bridge has stopped.
            log.warning("a Kafka client raised CancelledError while stopping; stopped anyway")


def main() -> None:
    settings = Settings()
    configure_logging(settings.observability, "bridge")
    flush_spans = configure_tracing(settings.observability, "test-data-agent-bridge")
    gc.freeze()  # import-time objects live forever: keep full collections from scanning them
    try:
        asyncio.run(_main(settings, Shutdown("bridge")))
    finally:
        flush_spans()


if __name__ == "__main__":
    main()
