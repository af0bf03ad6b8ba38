"""The broker SIGKILLed in the middle of a request and started again (the stream completes),
and the broker down when a request arrives (UNAVAILABLE naming Kafka within 2 s, not after
the clients' own 40 s), then back (requests are answered again), and every process stopping
within 5 s of SIGTERM with the broker gone. All on the suite's own
broker (services/kafka-faults.sh), so no other run loses its Kafka."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import time

from chaos.calls import request, stream, took, unary
from chaos.invariant import Answer, check_answers
from chaos.processes import chaos_settings, running, seconds_since
from chaos.result import Figure, ScenarioResult
from chaos.services import FaultBroker, fault_broker
from contracts._proto import test_data_pb2_grpc as pb_grpc
from testing.stack import ServiceProcess

#: 10,000 carts in chunks of 5: about 6 s of producing, so a kill at the first chunk lands
#: while the worker is still writing
STREAM_RECORDS = 10_000
CHUNK_RECORDS = 5
CALLER_DEADLINE_S = 120.0
#: The issue's bound for a request to fail when Kafka is unreachable
KAFKA_DOWN_LIMIT_S = 2.0
RECOVERY_LIMIT_S = 60.0


class _CrashAtFirstChunk:
    """SIGKILLs the broker when the first chunk arrives, and starts it again in a thread."""

    def __init__(self, broker: FaultBroker) -> None:
        self.broker = broker
        self.killed_at: float | None = None
        self.chunks_before = 0
        self.back: asyncio.Task[float] | None = None

    def __call__(self, answer: Answer) -> None:
        if self.killed_at is not None or answer.chunks[-1].is_final:
            return
        self.broker.kill()
        self.killed_at = time.monotonic()
        self.chunks_before = len(answer.chunks)
        self.back = asyncio.get_running_loop().create_task(asyncio.to_thread(self._restart))

    def _restart(self) -> float:
        started = time.monotonic()
        self.broker.start()
        return round(time.monotonic() - started, 2)


async def broker_killed_and_back() -> ScenarioResult:
    with fault_broker() as broker:
        settings = chaos_settings(
            chunk_records=CHUNK_RECORDS, kafka_bootstrap_servers=broker.bootstrap
        )
        async with running(settings) as stack:
            crash = _CrashAtFirstChunk(broker)
            answer = await stream(
                stack.client(),
                request("broker-crash", "cart", STREAM_RECORDS),
                timeout=CALLER_DEADLINE_S,
                on_chunk=crash,
            )
            restart_s = await crash.back if crash.back is not None else 0.0
    problems = check_answers([answer], must_complete=True)
    if crash.killed_at is None:
        problems.append("the stream ended before the broker could be killed")
    figures: dict[str, Figure] = {
        "status": answer.status or "ok",
        "chunks_before_kill": crash.chunks_before,
        "broker_restart_s": restart_s,
        "done_after_kill_s": took(answer, crash.killed_at),
        "records": answer.records,
        "details": answer.details[:80],
    }
    return ScenarioResult.of("broker-killed-and-back", figures, problems)


async def _answered_again(stub: pb_grpc.TestDataServiceStub) -> float | None:
    """Seconds until a small request is answered again (None: not within the limit)."""
    since = time.monotonic()
    while time.monotonic() - since < RECOVERY_LIMIT_S:
        answer, _ = await unary(stub, request("broker-back"), timeout=10)
        if answer.complete:
            return seconds_since(since)
        await asyncio.sleep(0.5)
    return None


async def broker_down_at_start() -> ScenarioResult:
    with fault_broker() as broker:
        settings = chaos_settings(kafka_bootstrap_servers=broker.bootstrap)
        async with running(settings) as stack:
            stub = stack.client()
            broker.kill()
            single, _ = await unary(stub, request("broker-down"), timeout=30)
            streamed = await stream(stub, request("broker-down-stream"), timeout=30)
            broker.start()
            recovered = await _answered_again(stub)
    problems = check_answers([single, streamed], must_complete=False)
    for name, answer in (("GenerateData", single), ("GenerateDataStream", streamed)):
        if answer.status != "UNAVAILABLE" or "kafka" not in answer.details.lower():
            problems.append(
                f"{name}: {answer.status or 'answered'} {answer.details!r}, "
                "not UNAVAILABLE naming Kafka"
            )
        elif took(answer) > KAFKA_DOWN_LIMIT_S:
            problems.append(f"{name}: UNAVAILABLE after {took(answer)}s (limit 2 s)")
    if recovered is None:
        problems.append(f"no request answered within {RECOVERY_LIMIT_S:g}s of the broker's return")
    figures: dict[str, Figure] = {
        "unary_s": took(single),
        "stream_s": took(streamed),
        "limit_s": KAFKA_DOWN_LIMIT_S,
        "answered_again_s": recovered if recovered is not None else "never",
        "details": single.details[:80],
    }
    return ScenarioResult.of("broker-down-at-start", figures, problems)


#: What every process is promised after SIGTERM, whatever its services do
STOP_LIMIT_S = 5.0


def _stopped_in(process: ServiceProcess) -> tuple[float, int | None]:
    """SIGTERM `process`; seconds until it ended (the limit doubled when it did not) and its
    exit status."""
    sent = time.monotonic()
    process.process.send_signal(signal.SIGTERM)
    try:
        code: int | None = process.process.wait(2 * STOP_LIMIT_S)
    except subprocess.TimeoutExpired:
        code = None
    return round(time.monotonic() - sent, 2), code


async def stopped_with_broker_down() -> ScenarioResult:
    with fault_broker() as broker:
        settings = chaos_settings(kafka_bootstrap_servers=broker.bootstrap)
        async with running(settings) as stack:
            answer, _ = await unary(stack.client(), request("before-stop"), timeout=30)
            broker.kill()
            await stack.close_channel()
            assert stack.bridge is not None
            bridge_s, bridge_code = await asyncio.to_thread(_stopped_in, stack.bridge)
            worker_s, worker_code = await asyncio.to_thread(_stopped_in, stack.workers[0])
            broker.start()
    problems = check_answers([answer], must_complete=True)
    for name, seconds, code in (
        ("bridge", bridge_s, bridge_code),
        ("worker", worker_s, worker_code),
    ):
        if code is None or seconds > STOP_LIMIT_S:
            problems.append(f"the {name} still ran {seconds}s after SIGTERM (limit 5 s)")
    figures: dict[str, Figure] = {
        "bridge_stop_s": bridge_s,
        "bridge_exit": bridge_code if bridge_code is not None else "running",
        "worker_stop_s": worker_s,
        "worker_exit": worker_code if worker_code is not None else "running",
        "limit_s": STOP_LIMIT_S,
    }
    return ScenarioResult.of("stopped-with-broker-down", figures, problems)
