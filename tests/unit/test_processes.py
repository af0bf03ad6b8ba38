"""What each process loads: the bridge validates and lists schemas from the entities'
declarations, without generation code (which import-linter cannot see when the worker loads
behaviours by name)."""

from __future__ import annotations

import subprocess
import sys

PROBE = """
import sys
import bridge.server, bridge.service
loaded = [m for m in sys.modules if m == "faker" or m.startswith("generators.paths")
          or m.endswith(".behaviour") or m in ("generators.entities.lookup", "faust")]
print(",".join(loaded))
"""


def test_the_bridge_process_loads_no_generation_code() -> None:
    result = subprocess.run(
        [sys.executable, "-c", PROBE], capture_output=True, text=True, check=True, timeout=60
    )

    assert result.stdout.strip() == ""


WORKER_PROBE = """
import sys, tempfile
from config import Settings
from generators.entities.registry import entities
from streams.app import create_app
create_app(Settings(_env_file=None, worker_data_dir=tempfile.mkdtemp()))
print(all(entity.behaviour in sys.modules for entity in entities()))
"""


def test_the_worker_loads_every_entity_behaviour_when_it_is_built() -> None:
    result = subprocess.run(
        [sys.executable, "-c", WORKER_PROBE], capture_output=True, text=True, timeout=60
    )

    assert result.stdout.strip().splitlines()[-1:] == ["True"], result.stderr[-2000:]
