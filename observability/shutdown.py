"""A process stops within a bound after SIGTERM or SIGINT, whatever the state of its services.

Each process stops gracefully first: the worker's Faust consumer leaves its group, so its
partitions, with the requests it had not finished, move to another worker at once rather than
after the session timeout; the bridge stops serving and closes its clients. With Kafka up that
takes about 1.2 s for a worker. A graceful stop waits on the brokers, though: with them
unreachable aiokafka's consumer stop raises or retries (aio-libs/aiokafka#647), and a worker
whose broker had been killed still ran 60 s after SIGTERM. So the first signal also starts a
watchdog thread: if the process is still alive `GRACE_S` (4.5 s) later, it logs that it gave up
and ends the process with `os._exit(128 + signal)`, the status of a process the signal killed,
whatever still hangs. Being a thread, it fires even when the event loop is stuck.

This lives in `observability`, the operations layer under clients, streams and bridge (logs,
metrics, health, the HTTP side: how a process is operated), because both processes use it and
neither may import the other; it imports nothing of the project.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading
import time
from collections.abc import Callable
from typing import Final

log = logging.getLogger(__name__)

#: How long a graceful stop may take before the process is ended: under the 5 s a supervisor
#: or an orchestrator is promised, with room for the exit itself.
GRACE_S: Final = 4.5

STOP_SIGNALS: Final = (signal.SIGTERM, signal.SIGINT)


class Shutdown:
    """One process's stop: `begin` notes the signal and arms the watchdog; `install` makes
    SIGTERM and SIGINT on an event loop call `begin` and then the process's graceful stop."""

    def __init__(self, process: str, *, grace_s: float = GRACE_S) -> None:
        self._process = process
        self._grace_s = grace_s
        self._signal: signal.Signals | None = None

    @property
    def requested(self) -> bool:
        """A stop signal has arrived."""
        return self._signal is not None

    def begin(self, sig: signal.Signals) -> None:
        """Stop because of `sig`: log it and arm the watchdog. Only the first signal counts (a
        supervisor's SIGTERM after a terminal's SIGINT must not end the graceful stop early)."""
        if self._signal is not None:
            return
        self._signal = sig
        log.info(
            "%s received: stopping the %s within %.1fs", sig.name, self._process, self._grace_s
        )
        threading.Thread(
            target=self._watchdog, args=(sig,), name="shutdown-watchdog", daemon=True
        ).start()

    def install(self, loop: asyncio.AbstractEventLoop, then: Callable[[], object]) -> None:
        """On `loop`, SIGTERM and SIGINT begin the stop and then call `then` (once)."""
        for sig in STOP_SIGNALS:
            loop.add_signal_handler(sig, self._on_signal, sig, then)

    def _on_signal(self, sig: signal.Signals, then: Callable[[], object]) -> None:
        first = not self.requested
        self.begin(sig)
        if first:
            then()

    def _watchdog(self, sig: signal.Signals) -> None:
        time.sleep(self._grace_s)
        status = 128 + sig.value
        log.error(
            "the %s did not stop within %.1fs of %s: giving up the graceful stop and exiting "
            "with status %d",
            self._process,
            self._grace_s,
            sig.name,
            status,
        )
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
        os._exit(status)
