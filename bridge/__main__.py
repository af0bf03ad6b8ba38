"""`python -m bridge`: run the gRPC bridge until SIGINT or SIGTERM."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal

from bridge.server import running_bridge
from config import Settings
from observability.logs import configure_logging
from observability.tracing import configure_tracing


async def _main(settings: Settings) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    async with running_bridge(settings):
        await stop.wait()


def main() -> None:
    settings = Settings()
    configure_logging(settings.observability, "bridge")
    flush_spans = configure_tracing(settings.observability, "test-data-agent-bridge")
    gc.freeze()  # import-time objects live forever: keep full collections from scanning them
    try:
        with contextlib.suppress(KeyboardInterrupt):
            asyncio.run(_main(settings))
    finally:
        flush_spans()


if __name__ == "__main__":
    main()
