"""docker-compose.yml, checked by Docker Compose v2 itself (built from its Go module once per
machine by services/compose.sh; no Docker engine needed for `config`), and its model held to
what a user of the file relies on: the services and ports the header promises, settings the
processes accept, health checks that follow the processes' /healthz."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from config import Settings
from tests.deploy.files import (
    APP_IMAGE,
    APP_SERVICES,
    ROOT,
    Compose,
    Obj,
    SettingsFromEnv,
    StubHttp,
    default,
)

# The first test to ask for Compose may build it (minutes on a cold machine).
pytestmark = [pytest.mark.deploy, pytest.mark.timeout(1800)]

ZIPKIN_IMAGE = "openzipkin/zipkin:3.5.1"
#: Host ports from the project's port map that no setting of ours names.
ZIPKIN_PORT = 9411
POSTGRES_PORT = 5432


def _port(url: str) -> int:
    port = urlsplit(url if "//" in url else f"//{url}").port
    assert port is not None, url
    return port


def expected_published() -> dict[str, dict[int, int]]:
    """service -> {host port: container port}: the ports the project's default settings use, so
    that they work against this file as against the local launchers."""
    return {
        "kafka": {_port(default("kafka_bootstrap_servers")): 19092},
        "redis": {_port(default("redis_url")): 6379},
        "weaviate": {_port(default("weaviate_url")): 8080, default("weaviate_grpc_port"): 50051},
        "zipkin": {ZIPKIN_PORT: 9411},
        "bridge": {
            default("grpc_port"): default("grpc_port"),
            default("http_port"): default("http_port"),
        },
        "postgres": {POSTGRES_PORT: 5432},
    }


@pytest.mark.parametrize("profiles", [(), ("test",)], ids=["default", "profile-test"])
def test_compose_accepts_the_file(compose: Compose, profiles: tuple[str, ...]) -> None:
    flags = [arg for profile in profiles for arg in ("--profile", profile)]
    proc = compose.run(*flags, "config", "--quiet")
    assert proc.returncode == 0, f"docker compose config rejects the file:\n{proc.stderr}"


def test_compose_rejects_a_broken_file(compose: Compose, tmp_path: Path) -> None:
    """The check above can fail: the same Compose refuses a misspelt key."""
    broken = tmp_path / "docker-compose.yml"
    text = (ROOT / "docker-compose.yml").read_text().replace("healthcheck:", "helthcheck:", 1)
    broken.write_text(text)
    proc = subprocess.run(
        [str(compose.binary), "-f", str(broken), "config", "--quiet"],
        capture_output=True,
        text=True,
        env={**os.environ, "DOCKER_CONFIG": str(tmp_path)},
        timeout=120,
        check=False,
    )
    assert proc.returncode != 0 and "helthcheck" in proc.stderr


def test_services_and_profiles(compose: Compose) -> None:
    plain = set(compose.model()["services"])
    with_test = set(compose.model("test")["services"])
    assert plain == {"kafka", "redis", "weaviate", "zipkin", "worker", "bridge"}
    assert with_test == plain | {"postgres"}


def test_published_ports_are_loopback_and_the_settings_defaults(compose: Compose) -> None:
    services = compose.model("test")["services"]
    published: dict[str, dict[int, int]] = {}
    for name, service in services.items():
        for port in service.get("ports", []):
            assert port["host_ip"] == "127.0.0.1", f"{name} publishes {port} beyond loopback"
            published.setdefault(name, {})[int(port["published"])] = port["target"]
    assert published == expected_published()


def test_images(compose: Compose) -> None:
    services = compose.model("test")["services"]
    for name in APP_SERVICES:
        assert services[name]["image"] == APP_IMAGE
        assert Path(services[name]["build"]["context"]) == ROOT
    assert services["zipkin"]["image"] == ZIPKIN_IMAGE
    # Backing services in step with the local launchers (services/*.sh).
    launchers = {
        "kafka": "KAFKA_VERSION",
        "weaviate": "WEAVIATE_VERSION",
        "zipkin": "ZIPKIN_VERSION",
    }
    for name, variable in launchers.items():
        script = (ROOT / "services" / f"{name}.sh").read_text()
        version = re.search(rf"^{variable}=(\S+)$", script, re.MULTILINE)
        assert version, f"services/{name}.sh sets no {variable}"
        assert services[name]["image"].endswith(f":{version.group(1)}"), name
    for name, service in services.items():
        if name not in APP_SERVICES:
            tag = service["image"].rpartition(":")[2]
            assert tag and tag != "latest" and "/" not in tag, (
                f"{name}: unpinned {service['image']}"
            )


@pytest.mark.parametrize("name", APP_SERVICES)
def test_processes_accept_their_environment(
    compose: Compose, settings_from_env: SettingsFromEnv, name: str
) -> None:
    """With nothing set in the shell, the environment Compose hands each process makes valid
    settings, reachable from other containers, exporting traces to the zipkin service, and an
    unset LLM variable leaves its setting at the default (an empty base URL would break the
    client; an empty key means no key)."""
    model = compose.model()
    env = model["services"][name]["environment"]
    settings: Settings = settings_from_env(env)
    assert settings.http_host == "0.0.0.0"
    assert settings.grpc_host == "0.0.0.0"
    assert settings.http_port == default("http_port")
    assert settings.worker_http_port == default("worker_http_port")
    assert settings.grpc_port == default("grpc_port")
    assert settings.anthropic_base_url == default("anthropic_base_url")
    assert settings.vllm_base_url == default("vllm_base_url")
    zipkin = urlsplit(settings.zipkin_endpoint or "")
    zipkin_targets = {p["target"] for p in model["services"]["zipkin"]["ports"]}
    assert (zipkin.hostname, zipkin.port, zipkin.path) == ("zipkin", 9411, "/api/v2/spans")
    assert zipkin.port in zipkin_targets
    for variable, value in env.items():
        if value == "":
            field = Settings.model_fields[variable.lower()]
            assert "SecretStr" in str(field.annotation), f"{name}: {variable} is set to ''"


def _healthcheck_url(service: Obj) -> tuple[list[str], str]:
    test = service["healthcheck"]["test"]
    assert test[:2] == ["CMD", "python"], test  # the image has python, not curl
    match = re.search(r"http://127\.0\.0\.1:\d+/\w+", test[-1])
    assert match, test
    return test[1:], match.group(0)


def _run(argv: list[str], url: str, port: int) -> int:
    script = argv[-1].replace(url, f"http://127.0.0.1:{port}{urlsplit(url).path}")
    return subprocess.run(
        [sys.executable, *argv[1:-1], script], capture_output=True, timeout=30, check=False
    ).returncode


@pytest.mark.parametrize(
    ("name", "setting"), [("worker", "worker_http_port"), ("bridge", "http_port")]
)
def test_healthcheck_asks_the_process_healthz(
    compose: Compose, stub_http: StubHttp, name: str, setting: str
) -> None:
    argv, url = _healthcheck_url(compose.model()["services"][name])
    assert urlsplit(url).path == "/healthz"
    assert urlsplit(url).port == default(setting)
    # The same command, pointed at a stand-in: healthy on 200, unhealthy otherwise.
    assert _run(argv, url, stub_http.port) == 0
    stub_http.status = 503
    assert _run(argv, url, stub_http.port) != 0
    stub_http.status = 200
    assert _run(argv, url, 1) != 0


def test_zipkin_has_a_healthcheck(compose: Compose) -> None:
    zipkin = compose.model()["services"]["zipkin"]
    assert zipkin["healthcheck"]["test"][0] in ("CMD", "CMD-SHELL")
    assert not zipkin["healthcheck"].get("disable", False)
