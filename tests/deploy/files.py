"""The deployment files as the tests read them: `Dockerfile`, `docker-compose.yml` and `k8s/`
parsed the way Docker, Compose and kubectl read them, and the names and defaults of the settings
they must agree with (taken from `Settings`, never from a copy)."""

from __future__ import annotations

import http.server
import json
import os
import re
import shlex
import subprocess
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml
from pydantic import AliasChoices, BaseModel, SecretStr

from config import Settings

ROOT = Path(__file__).resolve().parents[2]
K8S = ROOT / "k8s"
COMPOSE_FILE = ROOT / "docker-compose.yml"
DOCKERFILE = ROOT / "Dockerfile"
#: Environment names in the deployment files that are not settings: Python's and pip's own.
NOT_SETTINGS = frozenset(
    {
        "PYTHONDONTWRITEBYTECODE",
        "PYTHONUNBUFFERED",
        "PIP_NO_CACHE_DIR",
        "PIP_DISABLE_PIP_VERSION_CHECK",
    }
)
#: The image both processes run, in docker-compose.yml and k8s/ alike.
APP_IMAGE = "test-data-agent:latest"
#: The project's processes, as docker-compose.yml names their services.
APP_SERVICES = ("worker", "bridge")

Obj = dict[str, Any]
#: The `settings_from_env` fixture: Settings as a process with exactly this environment reads them.
SettingsFromEnv = Callable[[Mapping[str, str]], Settings]


# --- settings -----------------------------------------------------------------------------------


def setting_env_names() -> frozenset[str]:
    """Every environment name Settings reads: upper-cased field names and their aliases."""
    names: set[str] = set()
    for name, info in Settings.model_fields.items():
        names.add(name.upper())
        alias = info.validation_alias
        if isinstance(alias, AliasChoices):
            names.update(str(choice).upper() for choice in alias.choices)
        elif isinstance(alias, str):
            names.add(alias.upper())
    return frozenset(names)


def default(name: str) -> Any:
    """The default of one setting (its field name)."""
    return Settings.model_fields[name].default


def _holds_secret(annotation: Any) -> bool:
    if annotation is SecretStr:
        return True
    if isinstance(annotation, type) and issubclass(annotation, BaseModel):
        return any(_holds_secret(f.annotation) for f in annotation.model_fields.values())
    return any(_holds_secret(arg) for arg in getattr(annotation, "__args__", ()))


def secret_env_names() -> frozenset[str]:
    """The settings that hold a secret (a SecretStr anywhere in their type), as env names."""
    return frozenset(
        name.upper()
        for name, info in Settings.model_fields.items()
        if _holds_secret(info.annotation)
    )


# --- k8s/ ---------------------------------------------------------------------------------------


def k8s_files() -> list[Path]:
    return sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")


def load_yaml_documents(path: Path) -> list[Obj]:
    return [doc for doc in yaml.safe_load_all(path.read_text()) if doc]


@dataclass(frozen=True)
class K8sObject:
    path: Path
    obj: Obj = field(hash=False)

    @property
    def kind(self) -> str:
        return str(self.obj["kind"])

    @property
    def name(self) -> str:
        return str(self.obj["metadata"]["name"])

    def __str__(self) -> str:
        return f"{self.path.name}: {self.kind}/{self.name}"


def k8s_objects() -> list[K8sObject]:
    return [K8sObject(path, obj) for path in k8s_files() for obj in load_yaml_documents(path)]


def only(objects: list[K8sObject], kind: str) -> K8sObject:
    found = [o for o in objects if o.kind == kind]
    assert len(found) == 1, f"expected one {kind} in k8s/, found {[str(o) for o in found]}"
    return found[0]


def workloads(objects: list[K8sObject]) -> list[K8sObject]:
    return [o for o in objects if o.kind in ("Deployment", "StatefulSet")]


def component(work: K8sObject) -> str:
    """What a workload's pods run: `bridge` or `worker` (their app.kubernetes.io/component)."""
    return str(work.obj["spec"]["template"]["metadata"]["labels"]["app.kubernetes.io/component"])


def workload(objects: list[K8sObject], name: str) -> K8sObject:
    """The Deployment or StatefulSet whose pods are `name` (bridge, worker)."""
    found = [o for o in workloads(objects) if component(o) == name]
    assert len(found) == 1, f"expected one {name} workload in k8s/, found {found}"
    return found[0]


def pod_spec(work: K8sObject) -> Obj:
    spec: Obj = work.obj["spec"]["template"]["spec"]
    return spec


def all_containers(work: K8sObject) -> list[Obj]:
    spec = pod_spec(work)
    return [*spec.get("initContainers", []), *spec["containers"]]


def main_container(work: K8sObject) -> Obj:
    containers: list[Obj] = pod_spec(work)["containers"]
    assert len(containers) == 1, f"{work}: one container expected"
    return containers[0]


def container_ports(container: Obj) -> dict[str, int]:
    return {p["name"]: int(p["containerPort"]) for p in container.get("ports", [])}


def container_env(objects: list[K8sObject], container: Obj, *, secret: bool) -> dict[str, str]:
    """What the container's environment holds: its envFrom ConfigMaps (and the example Secret
    when `secret`), then its own `env` values (plain values only)."""
    by_ref = {(o.kind, o.name): o.obj for o in objects}
    env: dict[str, str] = {}
    for source in container.get("envFrom", []):
        if "configMapRef" in source:
            env.update(by_ref[("ConfigMap", source["configMapRef"]["name"])]["data"])
        if "secretRef" in source and secret:
            env.update(by_ref[("Secret", source["secretRef"]["name"])]["stringData"])
    for var in container.get("env", []):
        if "value" in var:
            env[var["name"]] = str(var["value"])
    return env


# --- docker-compose.yml -------------------------------------------------------------------------


def compose_yaml() -> Obj:
    """docker-compose.yml as YAML (anchors and merge keys resolved, nothing interpolated)."""
    data: Obj = yaml.safe_load(COMPOSE_FILE.read_text())
    return data


@dataclass(frozen=True)
class Compose:
    """Runs Compose on docker-compose.yml the way a user with an empty shell would."""

    binary: Path
    workdir: Path

    def run(self, *args: str) -> subprocess.CompletedProcess[str]:
        empty_env_file = self.workdir / "empty.env"
        empty_env_file.touch()
        env = {
            "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
            "HOME": str(self.workdir),
            "DOCKER_CONFIG": str(self.workdir / "docker-config"),
        }
        return subprocess.run(
            [str(self.binary), "-f", str(COMPOSE_FILE), "--env-file", str(empty_env_file), *args],
            capture_output=True,
            text=True,
            env=env,
            cwd=ROOT,
            timeout=120,
            check=False,
        )

    def model(self, *profiles: str) -> Obj:
        """Compose's normalized model of the file (`config --format json`)."""
        flags = [arg for profile in profiles for arg in ("--profile", profile)]
        proc = self.run(*flags, "config", "--format", "json")
        assert proc.returncode == 0, proc.stderr
        data: Obj = json.loads(proc.stdout)
        return data


# --- Dockerfile ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Instruction:
    keyword: str
    args: str


def dockerfile_stages(text: str) -> list[list[Instruction]]:
    """The Dockerfile's instructions, one list per stage (from its FROM on); continuation lines
    joined and comment lines dropped, as Docker reads them."""
    logical: list[str] = []
    pending = ""
    for raw in text.splitlines():
        line = raw.strip()
        if line.startswith("#") or (not line and not pending):
            continue
        if line.endswith("\\"):
            pending += line[:-1] + " "
            continue
        logical.append(pending + line)
        pending = ""
    stages: list[list[Instruction]] = []
    for line in logical:
        keyword, _, args = line.partition(" ")
        instruction = Instruction(keyword.upper(), args.strip())
        if instruction.keyword == "FROM":
            stages.append([])
        if stages:
            stages[-1].append(instruction)
    return stages


def env_assignments(args: str) -> dict[str, str]:
    """The variables of one ENV instruction (`K=V K2="V 2"`, or the old `K V` form)."""
    words = shlex.split(args)
    if words and "=" not in words[0]:
        return {words[0]: " ".join(words[1:])}
    return dict(word.split("=", 1) for word in words)


def healthcheck_command(args: str) -> list[str]:
    """The argv of a HEALTHCHECK's exec-form CMD (options before it skipped)."""
    match = re.search(r"\bCMD\s+(\[.*\])\s*$", args)
    assert match, f"HEALTHCHECK is not in exec form (CMD [...]): {args}"
    argv: list[str] = json.loads(match.group(1))
    return argv


# --- a stand-in for a process's HTTP side --------------------------------------------------------


class HealthzHandler(http.server.BaseHTTPRequestHandler):
    status = 200

    def do_GET(self) -> None:
        code = self.status if self.path == "/healthz" else 404
        self.send_response(code)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, format: str, *args: Any) -> None:
        pass


@dataclass
class StubHttp:
    """Answers GET /healthz on 127.0.0.1:`port` with `status` (404 for any other path)."""

    port: int
    handler: type[HealthzHandler]

    @property
    def status(self) -> int:
        return self.handler.status

    @status.setter
    def status(self, value: int) -> None:
        self.handler.status = value
