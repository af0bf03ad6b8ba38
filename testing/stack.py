"""Helpers that run real pieces of the stack for tests: worker processes, Kafka readers."""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
import uuid
from collections.abc import AsyncIterator, Iterator, Mapping
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import grpc
from aiokafka import AIOKafkaConsumer, AIOKafkaProducer, TopicPartition
from aiokafka.errors import KafkaError
from pydantic import SecretStr

from bridge.server import running_bridge
from clients.kafka_admin import KafkaAdmin
from clients.kafka_security import KafkaSecurity
from config import Settings
from contracts._proto import test_data_pb2_grpc as pb_grpc
from contracts.avro import AvroCodec, Contract
from contracts.topics import reply_topic_spec, service_topics

ROOT = Path(__file__).resolve().parent.parent


def postgres_url() -> str:
    """The PostgreSQL that the SQL round-trip tests load scripts into (`services/postgres.sh`
    starts it; `POSTGRES_URL` points the tests at another)."""
    return os.environ.get("POSTGRES_URL", "postgresql://postgres@127.0.0.1:5432/test_data_agent")


def free_port() -> int:
    """A loopback port nothing listens on (now: it is free until someone binds it)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _free_pair() -> int:
    """A port p such that p and p + 1 are both free."""
    for _ in range(100):
        port = free_port()
        with socket.socket() as probe:
            try:
                probe.bind(("127.0.0.1", port + 1))
            except OSError:
                continue
        return port
    msg = "no two adjacent free ports on 127.0.0.1"
    raise RuntimeError(msg)


def isolated_settings(**overrides: Any) -> Settings:
    """Settings whose topics, group and bridge id belong to this test run alone."""
    run = uuid.uuid4().hex[:8]
    values: dict[str, Any] = {
        "request_topic": f"testdata.requests.t{run}",
        "defects_topic": f"testdata.defects.t{run}",
        "feedback_topic": f"testdata.feedback.t{run}",
        "dead_letter_topic": f"testdata.dead-letter.t{run}",
        "cancellations_topic": f"testdata.cancellations.t{run}",
        "worker_group": f"tda-test-{run}",
        "bridge_id": f"t{run}",
        "reply_pool_size": 24,
        "reply_idle_timeout_s": 20.0,
        "health_cache_s": 0.0,
        "request_topic_partitions": 2,
        "rag_collection_patterns": f"T{run}TestDataPattern",
        "rag_collection_defects": f"T{run}DefectPattern",
        "rag_collection_prod": f"T{run}ProductionSample",
        "cache_key_prefix": f"testdata:pool:t{run}",
        "worker_http_port": free_port(),
        "http_port": free_port(),
    }
    values.update(overrides)
    return Settings(_env_file=None, **values)  # type: ignore[call-arg]


def settings_env(settings: Settings) -> dict[str, str]:
    """The environment that makes a child process read exactly `settings`."""
    env = dict(os.environ)
    for name, value in settings.model_dump().items():
        if value is None:
            env.pop(name.upper(), None)
        elif isinstance(value, SecretStr):
            env[name.upper()] = value.get_secret_value()
        elif isinstance(value, dict):
            env[name.upper()] = json.dumps(value, default=_revealed)
        else:
            env[name.upper()] = str(value)
    return env


def _revealed(value: object) -> object:
    if isinstance(value, SecretStr):
        return value.get_secret_value()
    if isinstance(value, frozenset | set):
        return sorted(value)
    msg = f"{type(value).__name__} has no environment form"
    raise TypeError(msg)


class ServiceProcess:
    """One of the service's processes (`python -m <module>`) in its own process, as deployed,
    reading `settings` from its environment (plus `env`), its output in a log file."""

    module: str = ""
    #: The setting naming this process's HTTP port, given a free port per process
    http_port_setting: str = ""

    def __init__(self, settings: Settings, env: Mapping[str, str] | None = None) -> None:
        self.settings = settings
        self.http_port = free_port()
        self.log_path = ROOT / ".pytest_cache" / f"{self.module}-{uuid.uuid4().hex[:8]}.log"
        self.log_path.parent.mkdir(exist_ok=True)
        self._log = self.log_path.open("wb")
        environment = settings_env(settings)
        environment[self.http_port_setting] = str(self.http_port)
        environment.update(env or {})
        self.process = subprocess.Popen(
            [sys.executable, "-m", self.module],
            cwd=ROOT,
            env=environment,
            stdout=self._log,
            stderr=subprocess.STDOUT,
        )

    def http(self, path: str) -> tuple[int, str]:
        """GET `path` from the process's HTTP side: the status and the body."""
        url = f"http://127.0.0.1:{self.http_port}{path}"
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                return response.status, response.read().decode()
        except urllib.error.HTTPError as error:
            return error.code, error.read().decode()

    async def wait_ready(self, timeout: float = 90.0) -> None:
        """Until `/readyz` answers 200; fails at once if the process exits meanwhile."""
        deadline = time.monotonic() + timeout
        while True:
            if self.process.poll() is not None:
                msg = f"python -m {self.module} exited: {self.log_tail()}"
                raise RuntimeError(msg)
            with contextlib.suppress(OSError):
                if self.http("/readyz")[0] == 200:
                    return
            if time.monotonic() > deadline:
                msg = f"python -m {self.module} not ready in {timeout}s: {self.log_tail()}"
                raise TimeoutError(msg)
            await asyncio.sleep(0.3)

    def kill(self) -> None:
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(10)
        self._log.close()

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(20)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(10)
        self._log.close()

    def log_tail(self) -> str:
        return self.log_path.read_text(errors="replace")[-4000:]


class WorkerProcess(ServiceProcess):
    """A `python -m streams` worker; each on its own HTTP port, so several share a host."""

    module = "streams"
    http_port_setting = "WORKER_HTTP_PORT"


class BridgeProcess(ServiceProcess):
    """A `python -m bridge` bridge on the settings' gRPC port and its own HTTP port."""

    module = "bridge"
    http_port_setting = "HTTP_PORT"


async def wait_for_workers(settings: Settings, count: int = 1, timeout: float = 90.0) -> None:
    """Block until `count` workers have joined the group and it is stable."""
    deadline = time.monotonic() + timeout
    async with KafkaAdmin.from_settings(settings.kafka) as admin:
        while time.monotonic() < deadline:
            with contextlib.suppress(KafkaError):  # e.g. a new broker's coordinator not ready
                if await admin.group_members(settings.worker_group) >= count:
                    return
            await asyncio.sleep(0.5)
    msg = f"{count} worker(s) did not join group {settings.worker_group!r} in {timeout}s"
    raise TimeoutError(msg)


async def create_topics(settings: Settings, *reply_topics: str) -> None:
    async with KafkaAdmin.from_settings(settings.kafka) as admin:
        await admin.ensure_topics(
            [
                *service_topics(settings.kafka),
                *(reply_topic_spec(settings.kafka, t) for t in reply_topics),
            ]
        )


async def delete_run_topics(settings: Settings) -> None:
    """Remove every topic this run created, so repeated runs leave no litter."""
    async with KafkaAdmin.from_settings(settings.kafka) as admin:
        mine = [t for t in await admin.list_topics() if settings.bridge_id in t]
        if mine:
            await admin.delete_topics(mine)


@contextlib.contextmanager
def service_started(name: str, env: Mapping[str, str], tmp: Path) -> Iterator[None]:
    """`services/<name>.sh` started (or reused) while inside, with `env` added to this
    environment; stopped afterwards only if this call started it (`tmp` keeps the record)."""
    record = tmp / f"{name}.started"
    environment = {**os.environ, **env, "TDA_RECORD_FILE": str(record)}
    script = ["bash", str(ROOT / "services" / f"{name}.sh")]
    subprocess.run([*script, "start"], env=environment, check=True, timeout=900)
    started = record.exists() and name in record.read_text().split()
    try:
        yield
    finally:
        if started:
            subprocess.run([*script, "stop"], env=environment, check=True, timeout=120)


@dataclass(frozen=True, slots=True)
class Stack:
    """A running worker process and a client of a bridge in front of it."""

    worker: WorkerProcess
    stub: pb_grpc.TestDataServiceStub


@asynccontextmanager
async def running_stack(settings: Settings) -> AsyncIterator[Stack]:
    """A worker process and an in-process bridge for `settings`, and a client of the bridge;
    the run's topics are deleted afterwards."""
    worker = WorkerProcess(settings)
    try:
        await wait_for_workers(settings)
        async with (
            running_bridge(settings, port=0, http_port=0) as bridge,
            grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}") as channel,
        ):
            yield Stack(worker, pb_grpc.TestDataServiceStub(channel))
    finally:
        worker.stop()
        await delete_run_topics(settings)


@asynccontextmanager
async def kafka_producer(settings: Settings) -> AsyncIterator[AIOKafkaProducer]:
    producer = AIOKafkaProducer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        **KafkaSecurity.from_settings(settings.kafka).client_options(),
    )
    await producer.start()
    try:
        yield producer
    finally:
        await producer.stop()


@asynccontextmanager
async def kafka_reader(settings: Settings, *topics: str) -> AsyncIterator[AIOKafkaConsumer]:
    """A consumer outside any group, assigned every partition of `topics` from their start."""
    consumer = AIOKafkaConsumer(
        bootstrap_servers=settings.kafka_bootstrap_servers,
        group_id=None,
        enable_auto_commit=False,
        **KafkaSecurity.from_settings(settings.kafka).client_options(),
    )
    await consumer.start()
    try:
        partitions = [
            TopicPartition(topic, p)
            for topic in topics
            for p in consumer.partitions_for_topic(topic) or {0}
        ]
        consumer.assign(partitions)
        await consumer.seek_to_beginning(*partitions)
        yield consumer
    finally:
        await consumer.stop()


async def read_topic(
    settings: Settings,
    topic: str,
    contract: Contract,
    *,
    until: Any,
    timeout: float = 30.0,
) -> list[dict[str, Any]]:
    """Decode `topic` from the beginning until `until(events)` is true or the timeout passes."""
    codec = AvroCodec()
    events: list[dict[str, Any]] = []
    async with kafka_reader(settings, topic) as consumer:
        deadline = time.monotonic() + timeout
        while not until(events) and time.monotonic() < deadline:
            batches = await consumer.getmany(timeout_ms=200)
            for records in batches.values():
                events.extend(codec.decode(contract, r.value) for r in records)
    return events


class PrivateWeaviate:
    """A Weaviate of this test's own (services/weaviate.sh with its own ports and state dir),
    for tests that stop it on purpose without touching the session's."""

    def __init__(self, state_dir: Path) -> None:
        self.port, self.grpc_port = free_port(), free_port()
        self.url = f"http://127.0.0.1:{self.port}"
        self._env = dict(os.environ)
        self._env.update(
            WEAVIATE_STATE_DIR=str(state_dir),
            WEAVIATE_PORT=str(self.port),
            WEAVIATE_GRPC_PORT=str(self.grpc_port),
            WEAVIATE_GOSSIP_PORT=str(free_port()),
            WEAVIATE_DATA_PORT=str(free_port()),
        )
        raft = _free_pair()
        # Weaviate finds a local node's Raft RPC listener at its Raft port + 1.
        self._env.update(WEAVIATE_RAFT_PORT=str(raft), WEAVIATE_RAFT_RPC_PORT=str(raft + 1))
        self._env.pop("TDA_RECORD_FILE", None)

    def _script(self, command: str) -> None:
        subprocess.run(
            ["bash", str(ROOT / "services" / "weaviate.sh"), command],
            env=self._env,
            check=True,
            timeout=180,
        )

    def start(self) -> None:
        self._script("start")

    def stop(self) -> None:
        self._script("stop")


class PrivateRedis:
    """A redis-server of this test's own on a free port, to stop on purpose."""

    def __init__(self) -> None:
        self.port = free_port()
        self.url = f"redis://127.0.0.1:{self.port}/0"
        self.process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        self.process = subprocess.Popen(
            [
                *("redis-server", "--port", str(self.port), "--bind", "127.0.0.1"),
                *("--save", "", "--appendonly", "no"),
            ],
            stdout=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port)):
                return
            time.sleep(0.05)
        msg = f"redis-server did not listen on {self.port}"
        raise RuntimeError(msg)

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)
