"""The deployment files agree with the settings and with each other: every environment name they
set is one `Settings` reads (a misspelt name is silently ignored, and the default used), secrets
sit in the Secret only, the values make valid settings, and compose and k8s run the same image."""

from __future__ import annotations

import pytest

from tests.deploy.files import (
    APP_IMAGE,
    APP_SERVICES,
    DOCKERFILE,
    NOT_SETTINGS,
    SettingsFromEnv,
    all_containers,
    compose_yaml,
    container_env,
    dockerfile_stages,
    env_assignments,
    k8s_objects,
    main_container,
    only,
    secret_env_names,
    setting_env_names,
    workload,
    workloads,
)

pytestmark = pytest.mark.deploy

OBJECTS = k8s_objects()


def _unknown(names: set[str]) -> list[str]:
    return sorted(names - setting_env_names() - NOT_SETTINGS)


def compose_env_names() -> dict[str, set[str]]:
    services = compose_yaml()["services"]
    return {name: set(services[name]["environment"]) for name in APP_SERVICES}


def k8s_env_names() -> dict[str, set[str]]:
    names = {
        "ConfigMap": set(only(OBJECTS, "ConfigMap").obj["data"]),
        "Secret": set(only(OBJECTS, "Secret").obj["stringData"]),
    }
    for work in workloads(OBJECTS):
        for container in all_containers(work):
            names[f"{work}/{container['name']}"] = {v["name"] for v in container.get("env", [])}
    return names


def dockerfile_env_names() -> set[str]:
    stages = dockerfile_stages(DOCKERFILE.read_text())
    return {
        name
        for stage in stages
        for i in stage
        if i.keyword == "ENV"
        for name in env_assignments(i.args)
    }


def test_the_checks_know_the_settings() -> None:
    """The reference the tests below compare with: names from Settings, aliases included."""
    names = setting_env_names()
    assert {"KAFKA_BOOTSTRAP_SERVERS", "HTTP_PORT", "WORKER_HTTP_PORT", "OPENAI_BASE_URL"} <= names
    assert "HTTP_PORTS" not in names
    assert secret_env_names() == {
        "ANTHROPIC_API_KEY",
        "OPENAI_API_KEY",
        "AUTH_TOKENS",
        "KAFKA_SASL_PASSWORD",
        "WEAVIATE_API_KEY",
    }


@pytest.mark.parametrize("service", APP_SERVICES)
def test_compose_env_names_are_settings(service: str) -> None:
    assert not _unknown(compose_env_names()[service])


def test_k8s_env_names_are_settings() -> None:
    unknown = {where: _unknown(names) for where, names in k8s_env_names().items()}
    assert not any(unknown.values()), unknown


def test_dockerfile_env_names_are_settings() -> None:
    assert not _unknown(dockerfile_env_names())


def test_secrets_live_in_the_secret_only() -> None:
    """Every setting holding a secret has its placeholder in the Secret template, and none is
    in the ConfigMap or spelled out in a pod spec, where anyone who reads the object sees it."""
    names = k8s_env_names()
    assert names.pop("Secret") == secret_env_names()
    for where, found in names.items():
        assert not found & secret_env_names(), where


def test_configmap_and_secret_make_valid_settings(settings_from_env: SettingsFromEnv) -> None:
    """What each pod reads (ConfigMap, the Secret's placeholders, its own env) is accepted by
    Settings, as at the process's start: a bad value would crash-loop the pod."""
    for component in ("bridge", "worker"):
        container = main_container(workload(OBJECTS, component))
        settings = settings_from_env(container_env(OBJECTS, container, secret=True))
        assert settings.http_host == "0.0.0.0"
        assert settings.auth_tokens, "the AUTH_TOKENS placeholder shows the JSON shape"


def test_compose_and_k8s_run_the_same_image() -> None:
    services = compose_yaml()["services"]
    compose_images = {services[name]["image"] for name in APP_SERVICES}
    k8s_images = {c["image"] for w in workloads(OBJECTS) for c in all_containers(w)}
    assert compose_images == k8s_images == {APP_IMAGE}


def test_compose_and_k8s_run_the_same_commands() -> None:
    services = compose_yaml()["services"]
    assert services["bridge"]["command"] == main_container(workload(OBJECTS, "bridge"))["command"]
    worker_command = " ".join(services["worker"]["command"])
    assert " ".join(main_container(workload(OBJECTS, "worker"))["command"]) in worker_command
