"""Dockerfile, read as Docker reads it (no engine here): a multi-stage build whose image runs as a
non-root user, listens where the settings say, and checks its own health over HTTP."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest

from tests.deploy.files import (
    DOCKERFILE,
    Instruction,
    StubHttp,
    default,
    dockerfile_stages,
    env_assignments,
    healthcheck_command,
)

pytestmark = pytest.mark.deploy

STAGES = dockerfile_stages(DOCKERFILE.read_text())
FINAL = STAGES[-1]


def _args(stage: list[Instruction], keyword: str) -> list[str]:
    return [i.args for i in stage if i.keyword == keyword]


def final_env() -> dict[str, str]:
    env: dict[str, str] = {}
    for args in _args(FINAL, "ENV"):
        env.update(env_assignments(args))
    return env


def test_build_is_multi_stage() -> None:
    """The stub generator (grpcio-tools) stays in a build stage, out of the runtime image."""
    assert len(STAGES) >= 2
    assert not any("grpcio-tools" in args for args in _args(FINAL, "RUN"))


def test_final_stage_runs_as_a_non_root_user() -> None:
    users = _args(FINAL, "USER")
    assert users, "the runtime stage sets no USER: the processes would run as root"
    user, _, group = users[-1].partition(":")
    # Numeric, so that Kubernetes' runAsNonRoot can verify it without reading /etc/passwd.
    assert user.isdigit() and int(user) != 0, users[-1]
    assert not group or (group.isdigit() and int(group) != 0), users[-1]
    assert int(user) == 10001  # the uid k8s/ runs the pods as


def test_image_listens_on_all_interfaces_at_the_settings_ports() -> None:
    env = final_env()
    assert env["GRPC_HOST"] == "0.0.0.0"
    assert env["HTTP_HOST"] == "0.0.0.0"
    ports = {
        "GRPC_PORT": default("grpc_port"),
        "HTTP_PORT": default("http_port"),
        "WORKER_HTTP_PORT": default("worker_http_port"),
    }
    for name, port in ports.items():
        assert int(env.get(name, port)) == port, name
    exposed = {int(p.split("/")[0]) for args in _args(FINAL, "EXPOSE") for p in args.split()}
    assert exposed >= set(ports.values())


def test_default_command_is_the_bridge() -> None:
    assert json.loads(_args(FINAL, "CMD")[-1]) == ["python", "-m", "bridge"]


def _run_healthcheck(env: dict[str, str]) -> int:
    checks = _args(FINAL, "HEALTHCHECK")
    assert len(checks) == 1, "the runtime stage needs one HEALTHCHECK"
    argv = healthcheck_command(checks[0])
    assert argv[0] == "python", argv  # the image has python, not curl
    full_env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), **env}
    return subprocess.run(
        [sys.executable, *argv[1:]], env=full_env, capture_output=True, timeout=30, check=False
    ).returncode


def test_healthcheck_follows_the_bridges_healthz(stub_http: StubHttp) -> None:
    """Run as the image would (outside a worker container: the bridge's HTTP_PORT)."""
    env = {**final_env(), "HTTP_PORT": str(stub_http.port), "WORKER_HTTP_PORT": "1"}
    assert _run_healthcheck(env) == 0
    stub_http.status = 503
    assert _run_healthcheck(env) != 0


def test_healthcheck_fails_when_nothing_listens(stub_http: StubHttp) -> None:
    env = {**final_env(), "HTTP_PORT": "1", "WORKER_HTTP_PORT": str(stub_http.port)}
    assert _run_healthcheck(env) != 0


def test_healthcheck_knows_the_workers_port() -> None:
    """A container running `python -m streams` is checked on WORKER_HTTP_PORT."""
    argv = healthcheck_command(_args(FINAL, "HEALTHCHECK")[0])
    assert "WORKER_HTTP_PORT" in argv[-1] and "/healthz" in argv[-1]
