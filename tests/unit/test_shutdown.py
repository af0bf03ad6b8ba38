"""A process whose graceful stop hangs still ends after SIGTERM: the watchdog of
`observability.shutdown` exits it with the status of a process the signal killed."""

from __future__ import annotations

import signal
import subprocess
import sys
import textwrap
import time

STUCK = textwrap.dedent(
    """
    import asyncio, os, signal, sys
    from observability.shutdown import Shutdown

    async def main() -> None:
        stops = []
        shutdown = Shutdown("test process", grace_s={grace})
        shutdown.install(asyncio.get_running_loop(), lambda: stops.append(1))
        print("ready", flush=True)
        while True:  # a graceful stop that never finishes
            await asyncio.sleep(0.05)
            if stops:
                print(f"stops={{len(stops)}} requested={{shutdown.requested}}", flush=True)

    asyncio.run(main())
    """
)


def start_stuck(grace_s: float) -> subprocess.Popen[str]:
    process = subprocess.Popen(
        [sys.executable, "-c", STUCK.format(grace=grace_s)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert process.stdout is not None
    assert process.stdout.readline().strip() == "ready"
    return process


def test_a_stuck_stop_ends_with_the_signals_status_after_the_grace() -> None:
    process = start_stuck(grace_s=0.5)
    process.send_signal(signal.SIGTERM)
    time.sleep(0.2)
    process.send_signal(signal.SIGINT)  # a second signal neither restarts nor ends the grace
    out, err = process.communicate(timeout=20)

    assert process.returncode == 128 + signal.SIGTERM
    assert out.splitlines()[-1] == "stops=1 requested=True"
    assert "did not stop within 0.5s of SIGTERM" in err


def test_without_a_signal_the_watchdog_is_not_armed() -> None:
    process = start_stuck(grace_s=0.1)
    time.sleep(0.5)

    assert process.poll() is None
    process.kill()
    process.communicate(timeout=10)
