"""`make run` as a user runs it (scripts/run-stack.sh): it says "ready" only when a request
sent then is answered, and tells where the health, metrics and traces are; under supervisord a
killed worker is started again and the stack stays up, `WORKERS=n` runs n workers in one group,
a process that cannot start stops the script with its name, and Ctrl-C leaves nothing running."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import socket
import subprocess
import time
import urllib.error
import urllib.request
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

import grpc
import pytest

from config import Settings
from contracts._proto import test_data_pb2 as pb
from contracts._proto import test_data_pb2_grpc as pb_grpc
from embeddings import MiniLMEmbedder
from testing.stack import (
    delete_run_topics,
    free_port,
    isolated_settings,
    settings_env,
    wait_for_workers,
)
from testing.weaviate import InspectableStore

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]


class StackRun:
    """`scripts/run-stack.sh` running in a session of its own (its process group is what a
    terminal's Ctrl-C reaches), its output in a file."""

    def __init__(self, process: asyncio.subprocess.Process, log: Path) -> None:
        self.process = process
        self.log = log

    def said(self) -> str:
        return self.log.read_text(errors="replace")

    async def wait_said(self, text: str, timeout: float, *, start: int = 0) -> int:
        """Until the output from `start` on holds `text`; where it is."""
        deadline = time.monotonic() + timeout
        while (at := self.said().find(text, start)) < 0:
            assert self.process.returncode is None, self.said()[-4000:]
            assert time.monotonic() < deadline, f"never said {text!r}: {self.said()[-4000:]}"
            await asyncio.sleep(0.2)
        return at

    def processes(self) -> list[int]:
        """The script and every process under it (supervisord and what it supervises)."""
        found, frontier = [], [self.process.pid]
        while frontier:
            parent = frontier.pop()
            found.append(parent)
            frontier.extend(_children(parent))
        return found

    def worker_pid(self, http_port: int) -> int:
        """The `python -m streams` that supervisord runs on `http_port`."""
        for pid in self.processes():
            with contextlib.suppress(OSError):
                command = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
                environ = Path(f"/proc/{pid}/environ").read_bytes().split(b"\0")
                if b"streams" in command and f"WORKER_HTTP_PORT={http_port}".encode() in environ:
                    return pid
        msg = f"no worker on port {http_port} under the run: {self.said()[-4000:]}"
        raise AssertionError(msg)

    async def stop(self, sig: signal.Signals) -> list[int]:
        """Sends `sig` to the script's process group, as Ctrl-C (SIGINT) or a service manager
        (SIGTERM) does; the processes that were running then."""
        running = self.processes()
        os.killpg(self.process.pid, sig)
        await asyncio.wait_for(self.process.wait(), 30)
        return running


def _children(pid: int) -> list[int]:
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        with contextlib.suppress(OSError):
            if int(stat.read_text().rsplit(")", 1)[1].split()[1]) == pid:
                children.append(int(stat.parent.name))
    return children


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def _status(port: int, path: str) -> int:
    try:
        with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as response:
            return int(response.status)
    except urllib.error.HTTPError as error:
        return error.code
    except OSError:
        return 0


async def _until_status_200(port: int, path: str, timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while _status(port, path) != 200:
        assert time.monotonic() < deadline, f"{path} on :{port} not 200 in {timeout}s"
        await asyncio.sleep(0.5)


def _two_free_ports() -> int:
    """A port p such that p and p + 1 are both free (worker 0 and worker 1 of a run)."""
    for _ in range(100):
        port = free_port()
        with socket.socket() as probe, contextlib.suppress(OSError):
            probe.bind(("127.0.0.1", port + 1))
            return port
    msg = "no two adjacent free ports on 127.0.0.1"
    raise RuntimeError(msg)


@asynccontextmanager
async def _run_stack(settings: Settings, tmp_path: Path, **env: str) -> AsyncIterator[StackRun]:
    """The script with `settings` (and `env`); stopped if still running at the end, then the
    run's topics and knowledge collections deleted."""
    environment = settings_env(settings)
    environment["HOME"] = os.environ.get("HOME", "/root")
    environment.update(env)
    log = tmp_path / "run.log"
    with log.open("wb") as out:
        process = await asyncio.create_subprocess_exec(
            "scripts/run-stack.sh",
            cwd=ROOT,
            env=environment,
            stdout=out,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        yield StackRun(process, log)
    finally:
        if process.returncode is None:
            os.killpg(process.pid, signal.SIGTERM)
            await asyncio.wait_for(process.wait(), 30)
        store = InspectableStore.from_settings(settings.rag, MiniLMEmbedder.from_package())
        await store.delete_collections()
        await store.aclose()
        await delete_run_topics(settings)


async def _generate(settings: Settings, count: int) -> pb.GenerateResponse:
    async with grpc.aio.insecure_channel(f"127.0.0.1:{settings.grpc_port}") as channel:
        stub = pb_grpc.TestDataServiceStub(channel)
        reply: pb.GenerateResponse = await stub.GenerateData(
            pb.GenerateRequest(entity="cart", count=count), timeout=60
        )
        return reply


async def test_run_says_ready_only_when_a_request_is_answered(tmp_path: Path) -> None:
    settings = isolated_settings(grpc_port=free_port(), worker_data_dir=tmp_path / "faust")
    async with _run_stack(settings, tmp_path) as run:
        await run.wait_said("ready:", 150)
        async with grpc.aio.insecure_channel(f"127.0.0.1:{settings.grpc_port}") as channel:
            stub = pb_grpc.TestDataServiceStub(channel)
            health = await stub.HealthCheck(pb.HealthCheckRequest(), timeout=10)
            reply = await stub.GenerateData(pb.GenerateRequest(entity="cart", count=2), timeout=30)
        said = run.said()

    assert health.status != "unhealthy", dict(health.components)
    assert reply.record_count == 2
    assert f"http://127.0.0.1:{settings.http_port}" in said
    assert "traces: http://127.0.0.1:9411/zipkin/" in said


async def test_a_killed_worker_is_started_again_and_the_stack_stays_up(tmp_path: Path) -> None:
    settings = isolated_settings(grpc_port=free_port(), worker_data_dir=tmp_path / "faust")
    async with _run_stack(settings, tmp_path) as run:
        await run.wait_said("ready:", 150)
        killed = run.worker_pid(settings.worker_http_port)
        os.kill(killed, signal.SIGKILL)

        exited = await run.wait_said("exited: worker_0 (terminated by SIGKILL; not expected)", 30)
        await run.wait_said("spawned: 'worker_0' with pid", 30, start=exited)
        restarted = run.worker_pid(settings.worker_http_port)
        # The group takes the new worker once the killed one's session has expired.
        await _until_status_200(settings.worker_http_port, "/readyz", 90)
        await _until_status_200(settings.http_port, "/readyz", 90)
        reply = await _generate(settings, 3)
        still_running = run.process.returncode is None
        running = await run.stop(signal.SIGINT)
        left = [pid for pid in running if _alive(pid)]

    assert restarted != killed
    assert reply.record_count == 3
    assert still_running, run.said()[-4000:]
    assert len(running) >= 4, running  # the script, supervisord, the worker and the bridge
    assert not left, f"still running after Ctrl-C: {left}"


async def test_two_workers_join_one_group_each_on_its_own_port(tmp_path: Path) -> None:
    base = _two_free_ports()
    settings = isolated_settings(
        grpc_port=free_port(), worker_http_port=base, worker_data_dir=tmp_path / "faust"
    )
    async with _run_stack(settings, tmp_path, WORKERS="2") as run:
        await run.wait_said("ready:", 150)
        await wait_for_workers(settings, count=2, timeout=90)
        health = [_status(base, "/healthz"), _status(base + 1, "/healthz")]
        pids = {run.worker_pid(base), run.worker_pid(base + 1)}
        data_dirs = sorted(p.name for p in (tmp_path / "faust").iterdir())
        said = run.said()
        running = await run.stop(signal.SIGTERM)
        left = [pid for pid in running if _alive(pid)]

    assert health == [200, 200]
    assert len(pids) == 2
    assert data_dirs == ["worker-0", "worker-1"]
    assert f"the 2 workers' on :{base} to :{base + 1}" in said
    assert not left, f"still running after SIGTERM: {left}"


async def test_a_process_that_cannot_start_stops_the_run_naming_it(tmp_path: Path) -> None:
    taken = socket.socket()
    taken.bind(("127.0.0.1", 0))
    taken.listen()
    settings = isolated_settings(
        grpc_port=free_port(), http_port=taken.getsockname()[1], worker_data_dir=tmp_path / "f"
    )
    with taken:
        async with _run_stack(settings, tmp_path) as run:
            running: set[int] = set()
            # Start, then three retries with growing back-off: tens of seconds, not forever.
            deadline = time.monotonic() + 150
            while run.process.returncode is None and time.monotonic() < deadline:
                running.update(run.processes())
                await asyncio.sleep(0.5)
            code = await asyncio.wait_for(run.process.wait(), 30)
            said = run.said()
    left = [pid for pid in running if _alive(pid)]

    assert code != 0
    assert "bridge failed 4 starts in a row" in said, said[-4000:]
    assert "ready:" not in said
    assert not left, f"still running after the run gave up: {left}"
