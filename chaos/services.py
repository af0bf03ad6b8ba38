"""Services of the suite's own, to kill without disturbing the ones other runs share: a broker
(services/kafka-faults.sh), a redis-server and a Weaviate on free ports."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from testing.stack import ROOT, PrivateRedis, PrivateWeaviate, service_started

FAULTS_SCRIPT = ROOT / "services" / "kafka-faults.sh"


class FaultBroker:
    """The plain Kafka broker of services/kafka-faults.sh (127.0.0.1:9292 unless
    KAFKA_FAULTS_PORT says otherwise), which only fault scenarios use."""

    bootstrap = f"127.0.0.1:{os.environ.get('KAFKA_FAULTS_PORT', '9292')}"

    def _script(self, command: str) -> None:
        environment = {k: v for k, v in os.environ.items() if k != "TDA_RECORD_FILE"}
        subprocess.run(
            ["bash", str(FAULTS_SCRIPT), command],
            env=environment,
            check=True,
            timeout=300,
            stdout=subprocess.DEVNULL,
        )

    def kill(self) -> None:
        """SIGKILL, as a crash would; returns once its port is closed."""
        self._script("kill")

    def stop(self) -> None:
        """A controlled shutdown."""
        self._script("stop")

    def start(self) -> None:
        """Start it (again, on its data) and return once it serves clients."""
        self._script("start")


@contextlib.contextmanager
def fault_broker() -> Iterator[FaultBroker]:
    """The fault broker running while inside (reused when it already runs, stopped afterwards
    only when this started it)."""
    with tempfile.TemporaryDirectory() as tmp, service_started("kafka-faults", {}, Path(tmp)):
        yield FaultBroker()


def kill_redis(redis: PrivateRedis) -> None:
    if redis.process is not None and redis.process.poll() is None:
        redis.process.send_signal(signal.SIGKILL)
        redis.process.wait(10)


class KillableWeaviate(PrivateWeaviate):
    """A private Weaviate that can also be SIGKILLed (its pid file is in its state dir)."""

    def __init__(self, state_dir: Path) -> None:
        super().__init__(state_dir)
        self.state_dir = state_dir

    def kill(self) -> None:
        pid_file = self.state_dir / "weaviate.pid"
        pid = int(pid_file.read_text().split()[0])
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
        deadline = time.monotonic() + 10
        while _alive(pid) and time.monotonic() < deadline:
            time.sleep(0.05)
        pid_file.unlink(missing_ok=True)


def _alive(pid: int) -> bool:
    """Running, not a zombie waiting for its parent."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return state != "Z"
