"""k8s/: every manifest is valid Kubernetes (the API's own schemas, offline, strict), and the
objects fit together the way `kubectl apply -k k8s/` needs them to: what the Services select and
target exists, the probes and the autoscaler point at real things, the pods can run as the image's
user on a read-only root filesystem."""

from __future__ import annotations

from typing import Any

import pytest
import yaml
from kubernetes_validate import utils as k8s_validate

from tests.deploy.files import (
    K8S,
    K8sObject,
    all_containers,
    component,
    container_env,
    container_ports,
    default,
    k8s_files,
    k8s_objects,
    main_container,
    only,
    pod_spec,
    workload,
    workloads,
)

pytestmark = pytest.mark.deploy

OBJECTS = k8s_objects()
#: The oldest Kubernetes these manifests promise to fit, and the newest kubernetes-validate knows.
VERSIONS = ("1.30.0", k8s_validate.latest_version())


def test_k8s_has_the_objects_a_deployment_needs() -> None:
    kinds = sorted((o.kind, o.name) for o in OBJECTS)
    assert {kind for kind, _ in kinds} >= {
        "ConfigMap",
        "Secret",
        "Service",
        "HorizontalPodAutoscaler",
    }, kinds
    assert workload(OBJECTS, "bridge") and workload(OBJECTS, "worker")


@pytest.mark.parametrize("version", VERSIONS)
@pytest.mark.parametrize("item", OBJECTS, ids=str)
def test_manifest_is_valid_kubernetes(item: K8sObject, version: str) -> None:
    problem = ""
    try:
        k8s_validate.validate(item.obj, version, strict=True)
    except k8s_validate.ValidationError as exc:
        where = ".".join(str(part) for part in exc.path)
        problem = f"{item} is not valid Kubernetes {exc.version}: {where}: {exc.message}"
    assert not problem, problem


def test_kustomization_applies_every_manifest_but_the_secret_template() -> None:
    kustomization: dict[str, Any] = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert kustomization["kind"] == "Kustomization"
    resources = kustomization["resources"]
    expected = [p.name for p in k8s_files() if not p.name.endswith(".example.yaml")]
    assert sorted(resources) == sorted(expected)
    assert "secret.example.yaml" not in resources  # placeholders must never be applied


def test_the_secret_template_is_optional_for_the_pods() -> None:
    """`kubectl apply -k` does not create the Secret: a pod that required it would not start."""
    secret = only(OBJECTS, "Secret")
    assert "stringData" in secret.obj and "data" not in secret.obj
    for work in workloads(OBJECTS):
        for container in all_containers(work):
            refs = [s["secretRef"] for s in container.get("envFrom", []) if "secretRef" in s]
            assert refs == [{"name": secret.name, "optional": True}], (work, container["name"])


def test_every_container_reads_the_configmap() -> None:
    configmap = only(OBJECTS, "ConfigMap")
    for work in workloads(OBJECTS):
        for container in all_containers(work):
            refs = [s["configMapRef"] for s in container.get("envFrom", []) if "configMapRef" in s]
            assert refs == [{"name": configmap.name}], (work, container["name"])


@pytest.mark.parametrize("work", workloads(OBJECTS), ids=str)
def test_workload_selector_matches_its_pods(work: K8sObject) -> None:
    selector = work.obj["spec"]["selector"]["matchLabels"]
    labels = work.obj["spec"]["template"]["metadata"]["labels"]
    assert selector.items() <= labels.items()


@pytest.mark.parametrize("service", [o for o in OBJECTS if o.kind == "Service"], ids=str)
def test_service_reaches_named_container_ports(service: K8sObject) -> None:
    selected = [
        w
        for w in workloads(OBJECTS)
        if service.obj["spec"]["selector"].items()
        <= w.obj["spec"]["template"]["metadata"]["labels"].items()
    ]
    assert len(selected) == 1, f"{service} selects {selected}"
    ports = container_ports(main_container(selected[0]))
    for port in service.obj["spec"]["ports"]:
        assert port["targetPort"] in ports, f"{service}: no container port {port['targetPort']}"
        assert port["port"] == ports[port["targetPort"]], f"{service}: {port}"
    annotations = service.obj["metadata"]["annotations"]
    assert annotations["prometheus.io/scrape"] == "true"
    assert annotations["prometheus.io/path"] == "/metrics"
    assert int(annotations["prometheus.io/port"]) == ports["http"]


def test_container_ports_are_the_settings_defaults() -> None:
    bridge = container_ports(main_container(workload(OBJECTS, "bridge")))
    worker = container_ports(main_container(workload(OBJECTS, "worker")))
    assert bridge == {"grpc": default("grpc_port"), "http": default("http_port")}
    assert worker == {"http": default("worker_http_port")}


@pytest.mark.parametrize("work", workloads(OBJECTS), ids=str)
def test_probes_ask_the_http_side(work: K8sObject) -> None:
    container = main_container(work)
    ports = container_ports(container)
    paths = {
        "startupProbe": "/healthz",
        "livenessProbe": "/healthz",
        "readinessProbe": "/readyz",
    }
    for probe, path in paths.items():
        get = container[probe]["httpGet"]
        assert get["path"] == path, (probe, get)
        assert get["port"] == "http" and "http" in ports, (probe, get)


@pytest.mark.parametrize("work", workloads(OBJECTS), ids=str)
def test_settings_the_pods_read_match_their_ports(work: K8sObject) -> None:
    """Ports and hosts the process will listen on (ConfigMap plus env) are the ones its
    container declares, on all interfaces: probes come from the kubelet, not from loopback."""
    container = main_container(work)
    env = container_env(OBJECTS, container, secret=False)
    ports = container_ports(container)
    assert env["HTTP_HOST"] == "0.0.0.0"
    if component(work) == "bridge":
        assert env["GRPC_HOST"] == "0.0.0.0"
        assert int(env.get("GRPC_PORT", default("grpc_port"))) == ports["grpc"]
        assert int(env.get("HTTP_PORT", default("http_port"))) == ports["http"]
    else:
        assert int(env.get("WORKER_HTTP_PORT", default("worker_http_port"))) == ports["http"]


@pytest.mark.parametrize("work", workloads(OBJECTS), ids=str)
def test_pods_run_as_the_images_non_root_user(work: K8sObject) -> None:
    security = pod_spec(work)["securityContext"]
    assert security["runAsNonRoot"] is True
    assert security["runAsUser"] == 10001
    for container in all_containers(work):
        assert container["securityContext"]["allowPrivilegeEscalation"] is False
        assert container["securityContext"]["capabilities"]["drop"] == ["ALL"]


@pytest.mark.parametrize("work", workloads(OBJECTS), ids=str)
def test_every_container_has_requests_and_limits(work: K8sObject) -> None:
    for container in all_containers(work):
        resources = container["resources"]
        for bound in ("requests", "limits"):
            assert {"cpu", "memory"} <= resources[bound].keys(), (container["name"], bound)


@pytest.mark.parametrize("work", workloads(OBJECTS), ids=str)
def test_read_only_pods_have_somewhere_to_write(work: K8sObject) -> None:
    """With a read-only root filesystem, /tmp and the worker's Faust data dir must be volumes,
    or the process dies at its first write."""
    volumes = {v["name"] for v in pod_spec(work).get("volumes", [])}
    for container in all_containers(work):
        if not container["securityContext"].get("readOnlyRootFilesystem"):
            continue
        mounts = {m["mountPath"]: m["name"] for m in container.get("volumeMounts", [])}
        assert set(mounts.values()) <= volumes, container["name"]
        assert "/tmp" in mounts, container["name"]
        if component(work) == "worker" and container is main_container(work):
            data_dir = container_env(OBJECTS, container, secret=False)["WORKER_DATA_DIR"]
            assert data_dir in mounts, f"WORKER_DATA_DIR={data_dir} is not a mounted volume"


def test_bridge_keeps_its_id_across_restarts() -> None:
    """Reply topics are named after BRIDGE_ID and reused: the pod name must be stable, which a
    StatefulSet's is and a Deployment's is not."""
    bridge = workload(OBJECTS, "bridge")
    assert bridge.kind == "StatefulSet"
    service = next(
        o for o in OBJECTS if o.kind == "Service" and o.name == bridge.obj["spec"]["serviceName"]
    )
    assert (
        service.obj["spec"]["selector"].items()
        <= bridge.obj["spec"]["selector"]["matchLabels"].items()
    )
    env = {var["name"]: var for var in main_container(bridge).get("env", [])}
    assert env["BRIDGE_ID"]["valueFrom"]["fieldRef"]["fieldPath"] == "metadata.name"


def test_worker_autoscaler_stops_at_the_request_partitions() -> None:
    hpa = only(OBJECTS, "HorizontalPodAutoscaler")
    worker = workload(OBJECTS, "worker")
    target = hpa.obj["spec"]["scaleTargetRef"]
    assert (target["kind"], target["name"]) == (worker.kind, worker.name)
    env = container_env(OBJECTS, main_container(worker), secret=False)
    partitions = int(env.get("REQUEST_TOPIC_PARTITIONS", default("request_topic_partitions")))
    # More consumers than partitions: the extra workers get no partition and sit idle.
    assert 1 <= hpa.obj["spec"]["minReplicas"] <= hpa.obj["spec"]["maxReplicas"] <= partitions
    # CPU utilization is measured against the request: without one the HPA cannot act.
    assert "cpu" in main_container(worker)["resources"]["requests"]
    # A replica count in the Deployment would reset the HPA's on every `kubectl apply`.
    assert "replicas" not in worker.obj["spec"]
