"""Fixtures of the deployment tests: settings read from a given environment, Docker Compose
(built once per machine by `services/compose.sh`, minutes cold, cached afterwards) run the way a
user with an empty shell would, and a stand-in for a process's HTTP side. The tests need no
service and no Docker engine.
"""

from __future__ import annotations

import http.server
import subprocess
import threading
from collections.abc import Iterator, Mapping
from pathlib import Path

import pytest

from config import Settings
from tests.deploy.files import (
    ROOT,
    Compose,
    HealthzHandler,
    SettingsFromEnv,
    StubHttp,
    setting_env_names,
)


@pytest.fixture
def settings_from_env(monkeypatch: pytest.MonkeyPatch) -> SettingsFromEnv:
    """Settings as a process given exactly this environment would read them (no `.env`)."""

    def load(env: Mapping[str, str]) -> Settings:
        for name in setting_env_names():
            monkeypatch.delenv(name, raising=False)
        for name, value in env.items():
            monkeypatch.setenv(name, value)
        return Settings(_env_file=None)  # type: ignore[call-arg]

    return load


def _tail(text: str, lines: int = 40) -> str:
    return "\n".join(text.splitlines()[-lines:])


@pytest.fixture(scope="session")
def compose_bin() -> Path:
    """Docker Compose v2, built once per machine by services/compose.sh (cached afterwards)."""
    proc = subprocess.run(
        ["bash", str(ROOT / "services" / "compose.sh")],
        capture_output=True,
        text=True,
        timeout=1750,  # inside the compose tests' 1800 s: a clean failure, not a kill
        check=False,
    )
    if proc.returncode != 0:
        pytest.fail(
            f"services/compose.sh could not provide docker-compose (exit {proc.returncode}):\n"
            f"{_tail(proc.stderr)}",
            pytrace=False,
        )
    path = Path(proc.stdout.strip().splitlines()[-1])
    assert path.is_file(), f"services/compose.sh printed {path}, which is not a file"
    return path


@pytest.fixture(scope="session")
def compose(compose_bin: Path, tmp_path_factory: pytest.TempPathFactory) -> Compose:
    return Compose(compose_bin, tmp_path_factory.mktemp("compose"))


# --- a stand-in for a process's HTTP side --------------------------------------------------------


@pytest.fixture
def stub_http() -> Iterator[StubHttp]:
    handler = type("Handler", (HealthzHandler,), {"status": 200})
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, args=(0.05,), daemon=True)
    thread.start()
    try:
        yield StubHttp(server.server_address[1], handler)
    finally:
        server.shutdown()
        server.server_close()
