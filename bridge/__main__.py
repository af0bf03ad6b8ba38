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
from config import Settings
from generators.core.errors import KafkaRefused, KafkaUnavailable
from observability.logs import configure_logging
from observability.shutdown import Shutdown
from observability.tracing import configure_tracing

log = logging.getLogger(__name__)

#: Starting is tried again after 1 s, then twice as long each time up to 5 s.
RETRY_FIRST_S = 1.0
RETRY_MAX_S = 5.0


async def _start(stack: contextlib.AsyncExitStack, settings: Settings) -> None:
    """Enter `running_bridge` on `stack`, retrying while Kafka is unavailable."""
    delay = RETRY_FIRST_S
    while True:
        try:
            await stack.enter_async_context(running_bridge(settings))
            return
        except KafkaRefused:
            raise
        except KafkaUnavailable as exc:
            log.warning("starting the bridge again in %.0fs: %s", delay, exc)
        await asyncio.sleep(delay)
        delay = min(delay * 2, RETRY_MAX_S)


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
            await _start(stack, settings)
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
