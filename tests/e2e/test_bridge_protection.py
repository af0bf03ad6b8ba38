"""The bridge's protections through real gRPC, over real Kafka, with the session's worker:
per-client rate limits, bearer tokens with scopes, TLS and mutual TLS, request size limits,
and server reflection (grpcurl)."""

from __future__ import annotations

import asyncio
import json
import math
import subprocess
import time
import uuid
from collections.abc import AsyncIterator, Sequence
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import grpc
import pytest
import trustme
from google.rpc import error_details_pb2, status_pb2
from grpc_health.v1 import health_pb2, health_pb2_grpc
from grpc_reflection.v1alpha.proto_reflection_descriptor_database import (
    ProtoReflectionDescriptorDatabase,
)
from prometheus_client import REGISTRY
from pydantic import SecretStr

from bridge.server import RunningBridge, running_bridge
from clients.kafka_admin import KafkaAdmin
from config import Settings
from config.settings import ClientToken, Scope
from contracts._proto import test_data_pb2 as pb
from contracts._proto import test_data_pb2_grpc as pb_grpc
from contracts.avro import Contract
from contracts.topics import TopicSpec
from testing.stack import ROOT, WorkerProcess, free_port, read_topic

pytestmark = pytest.mark.e2e

SERVICES = {
    "testdata.v1.TestDataService",
    "grpc.health.v1.Health",
    "grpc.reflection.v1alpha.ServerReflection",
}


@asynccontextmanager
async def bridge_with(settings: Settings, **overrides: Any) -> AsyncIterator[RunningBridge]:
    """One more bridge in front of the session's worker (same topics and group), with its own
    id (so its own reply topics, deleted with the run's) and `overrides`."""
    values: dict[str, Any] = {
        **settings.model_dump(),
        "bridge_id": f"{settings.bridge_id}-{uuid.uuid4().hex[:4]}",
        "reply_pool_size": 4,
        "http_port": free_port(),
        **overrides,
    }
    async with running_bridge(Settings(_env_file=None, **values), port=0) as bridge:  # type: ignore[call-arg]
        yield bridge


def plaintext(bridge: RunningBridge) -> grpc.aio.Channel:
    return grpc.aio.insecure_channel(f"127.0.0.1:{bridge.port}")


def code_of(raised: pytest.ExceptionInfo[grpc.aio.AioRpcError]) -> grpc.StatusCode:
    code: grpc.StatusCode = raised.value.code()
    return code


def rich_details(error: grpc.aio.AioRpcError) -> list[Any]:
    """The `google.rpc` details in the error's `grpc-status-details-bin` trailing metadata."""
    trailing = error.trailing_metadata() or ()
    raw = next((v for k, v in trailing if k == "grpc-status-details-bin"), None)
    assert raw is not None, "no grpc-status-details-bin in the trailing metadata"
    status = status_pb2.Status.FromString(raw)
    assert status.code == error.code().value[0] and status.message == error.details()
    found: list[Any] = []
    for packed in status.details:
        for kind in (error_details_pb2.RetryInfo, error_details_pb2.BadRequest):
            if packed.Is(kind.DESCRIPTOR):
                detail = kind()
                packed.Unpack(detail)
                found.append(detail)
    return found


# --- rate limits ------------------------------------------------------------------------------


def calls_counted(labels: dict[str, str]) -> float:
    """The bridge's (in this process) count of gRPC calls with these labels."""
    name = "testdata_grpc_call_duration_seconds_count"
    return REGISTRY.get_sample_value(name, labels) or 0.0


async def test_a_burst_from_one_client_is_throttled_while_another_is_served(
    settings: Settings, worker: WorkerProcess
) -> None:
    burst = 10
    async with (
        bridge_with(settings, rate_limit_per_s=1.0, rate_limit_burst=burst) as bridge,
        plaintext(bridge) as channel,
    ):
        stub = pb_grpc.TestDataServiceStub(channel)

        async def schemas(client: str) -> grpc.aio.AioRpcError | None:
            try:
                await stub.GetSchemas(
                    pb.GetSchemasRequest(), metadata=(("x-client-id", client),), timeout=10
                )
            except grpc.aio.AioRpcError as error:
                return error
            return None

        async def generate(client: str) -> pb.GenerateResponse:
            request = pb.GenerateRequest(entity="user", count=5, hints=["fast"])
            answer: pb.GenerateResponse = await stub.GenerateData(
                request, metadata=(("x-client-id", client),), timeout=30
            )
            return answer

        throttled = {"method": "GetSchemas", "status": "RESOURCE_EXHAUSTED"}
        counted_before = calls_counted(throttled)
        started = time.monotonic()
        greedy = asyncio.gather(*(schemas("greedy") for _ in range(burst + 20)))
        outcomes, served = await asyncio.gather(greedy, generate("polite"))
        refilled = math.ceil(time.monotonic() - started)  # at 1 token a second
        refused = [o for o in outcomes if o is not None]
        # The burst, plus the tokens refilled while the calls were made.
        assert burst <= len(outcomes) - len(refused) <= burst + refilled
        assert {e.code() for e in refused} == {grpc.StatusCode.RESOURCE_EXHAUSTED}
        assert "rate limit of 1 calls/s with bursts of 10" in refused[0].details()
        retry = [d for d in rich_details(refused[0]) if isinstance(d, error_details_pb2.RetryInfo)]
        assert retry and 0 < retry[0].retry_delay.ToMilliseconds() <= 1000
        assert calls_counted(throttled) == counted_before + len(refused)

        assert served.success and served.record_count == 5
        assert await schemas("greedy") is not None  # still throttled
        assert await schemas("another") is None
        health = await stub.HealthCheck(pb.HealthCheckRequest(), timeout=10)  # never limited
        assert health.status


# --- bearer tokens and scopes -----------------------------------------------------------------


def token(secret: str, *scopes: Scope) -> ClientToken:
    return ClientToken(token=SecretStr(secret), scopes=frozenset(scopes))


def bearer(secret: str) -> Sequence[tuple[str, str]]:
    return (("authorization", f"Bearer {secret}"),)


async def test_tokens_and_scopes_decide_who_may_call_what(
    settings: Settings, worker: WorkerProcess
) -> None:
    tokens = {
        "qa-bot": token("gen-secret", "generate"),
        "loader": token("stream-secret", "stream"),
        "ops": token("admin-secret", "admin"),
    }
    async with (
        bridge_with(settings, auth_tokens=tokens) as bridge,
        plaintext(bridge) as channel,
    ):
        stub = pb_grpc.TestDataServiceStub(channel)
        request = pb.GenerateRequest(entity="order", count=3)

        with pytest.raises(grpc.aio.AioRpcError) as missing:
            await stub.GenerateData(request, timeout=10)
        assert code_of(missing) is grpc.StatusCode.UNAUTHENTICATED
        with pytest.raises(grpc.aio.AioRpcError) as unknown:
            await stub.GenerateData(request, metadata=bearer("guessed"), timeout=10)
        assert code_of(unknown) is grpc.StatusCode.UNAUTHENTICATED
        assert "guessed" not in (unknown.value.details() or "")
        with pytest.raises(grpc.aio.AioRpcError) as wrong_scope:
            async for _ in stub.GenerateDataStream(
                request, metadata=bearer("gen-secret"), timeout=10
            ):
                pass
        assert code_of(wrong_scope) is grpc.StatusCode.PERMISSION_DENIED
        assert "'stream' scope" in (wrong_scope.value.details() or "")
        with pytest.raises(grpc.aio.AioRpcError) as not_admin:
            await stub.ReportDefect(
                pb.ReportDefectRequest(entity="cart", trigger_data="{}"),
                metadata=bearer("gen-secret"),
                timeout=10,
            )
        assert code_of(not_admin) is grpc.StatusCode.PERMISSION_DENIED
        assert "'admin' scope" in (not_admin.value.details() or "")

        answer = await stub.GenerateData(request, metadata=bearer("gen-secret"), timeout=30)
        assert answer.success and answer.record_count == 3
        chunks = [
            c
            async for c in stub.GenerateDataStream(
                request, metadata=bearer("stream-secret"), timeout=30
            )
        ]
        assert chunks[-1].is_final and sum(c.record_count for c in chunks) == 3
        accepted = await stub.ReportDefect(
            pb.ReportDefectRequest(entity="cart", trigger_data='{"quantity": -1}'),
            metadata=bearer("admin-secret"),
            timeout=10,
        )
        assert accepted.topic == settings.defects_topic and accepted.event_id

        # Health and reflection stay open.
        assert (await stub.HealthCheck(pb.HealthCheckRequest(), timeout=10)).status
        checked = await health_pb2_grpc.HealthStub(channel).Check(
            health_pb2.HealthCheckRequest(), timeout=10
        )
        assert checked.status == health_pb2.HealthCheckResponse.SERVING
        assert await asyncio.to_thread(reflected_services, bridge.port) >= SERVICES


# --- TLS --------------------------------------------------------------------------------------


def write_leaf(cert: trustme.LeafCert, directory: Path, name: str) -> tuple[Path, Path]:
    chain, key = directory / f"{name}.crt", directory / f"{name}.key"
    chain.write_bytes(b"".join(blob.bytes() for blob in cert.cert_chain_pems))
    key.write_bytes(cert.private_key_pem.bytes())
    return chain, key


def tls_client(
    bridge: RunningBridge, ca: trustme.CA, client: trustme.LeafCert | None = None
) -> grpc.aio.Channel:
    credentials = grpc.ssl_channel_credentials(
        root_certificates=ca.cert_pem.bytes(),
        private_key=None if client is None else client.private_key_pem.bytes(),
        certificate_chain=(
            None if client is None else b"".join(b.bytes() for b in client.cert_chain_pems)
        ),
    )
    return grpc.aio.secure_channel(f"127.0.0.1:{bridge.port}", credentials)


async def health_of(channel: grpc.aio.Channel) -> str:
    stub = pb_grpc.TestDataServiceStub(channel)
    status: str = (await stub.HealthCheck(pb.HealthCheckRequest(), timeout=5)).status
    return status


async def test_with_tls_a_plaintext_client_is_refused_and_a_tls_client_served(
    settings: Settings, worker: WorkerProcess, tmp_path: Path
) -> None:
    ca = trustme.CA()
    cert, key = write_leaf(ca.issue_cert("127.0.0.1", "localhost"), tmp_path, "server")
    async with bridge_with(settings, grpc_tls_cert_file=cert, grpc_tls_key_file=key) as bridge:
        async with plaintext(bridge) as channel:
            with pytest.raises(grpc.aio.AioRpcError) as refused:
                await health_of(channel)
            assert code_of(refused) is grpc.StatusCode.UNAVAILABLE
        async with tls_client(bridge, ca) as channel:
            assert await health_of(channel) == "healthy"
            stub = pb_grpc.TestDataServiceStub(channel)
            answer = await stub.GenerateData(pb.GenerateRequest(entity="user", count=2), timeout=30)
            assert answer.record_count == 2
        async with tls_client(bridge, trustme.CA()) as channel:  # a server it does not trust
            with pytest.raises(grpc.aio.AioRpcError) as untrusted:
                await health_of(channel)
            assert code_of(untrusted) is grpc.StatusCode.UNAVAILABLE


async def test_with_mutual_tls_only_clients_with_a_certificate_from_the_ca_are_served(
    settings: Settings, worker: WorkerProcess, tmp_path: Path
) -> None:
    server_ca, client_ca = trustme.CA(), trustme.CA()
    cert, key = write_leaf(server_ca.issue_cert("127.0.0.1"), tmp_path, "server")
    client_ca_file = tmp_path / "client-ca.crt"
    client_ca.cert_pem.write_to_path(str(client_ca_file))
    async with bridge_with(
        settings,
        grpc_tls_cert_file=cert,
        grpc_tls_key_file=key,
        grpc_tls_client_ca_file=client_ca_file,
    ) as bridge:
        async with tls_client(bridge, server_ca) as channel:
            with pytest.raises(grpc.aio.AioRpcError) as anonymous:
                await health_of(channel)
            assert code_of(anonymous) is grpc.StatusCode.UNAVAILABLE
        stranger = trustme.CA().issue_cert("stranger@example.com")
        async with tls_client(bridge, server_ca, stranger) as channel:
            with pytest.raises(grpc.aio.AioRpcError) as unsigned:
                await health_of(channel)
            assert code_of(unsigned) is grpc.StatusCode.UNAVAILABLE
        member = client_ca.issue_cert("qa-bot@example.com")
        async with tls_client(bridge, server_ca, member) as channel:
            assert await health_of(channel) == "healthy"


# --- sizes ------------------------------------------------------------------------------------


async def test_a_context_over_max_context_bytes_is_invalid_naming_the_field_and_limit(
    settings: Settings, stub: pb_grpc.TestDataServiceStub
) -> None:
    limit = settings.max_context_bytes
    fits = "é" * (limit // 2)
    too_big = fits + "!"

    with pytest.raises(grpc.aio.AioRpcError) as refused:
        await stub.GenerateData(
            pb.GenerateRequest(entity="user", count=1, context=too_big), timeout=10
        )
    answer = await stub.GenerateData(
        pb.GenerateRequest(entity="user", count=1, context=fits), timeout=30
    )

    assert code_of(refused) is grpc.StatusCode.INVALID_ARGUMENT
    details = refused.value.details() or ""
    assert details.startswith("context:") and f"limit of {limit} bytes" in details
    bad = [d for d in rich_details(refused.value) if isinstance(d, error_details_pb2.BadRequest)]
    assert [v.field for v in bad[0].field_violations] == ["context"]
    assert answer.success


async def test_a_request_larger_than_a_kafka_message_is_invalid_naming_its_largest_field(
    settings: Settings, worker: WorkerProcess
) -> None:
    limit = 1024 * 1024
    long_description = "a very particular scenario " * 45_000  # 1.2 MB
    request = pb.GenerateRequest(
        entity="user",
        count=2,
        context="small",
        scenarios=[pb.Scenario(name="odd", count=1, description=long_description)],
    )
    async with (
        bridge_with(settings, max_message_bytes=limit) as bridge,
        plaintext(bridge) as channel,
    ):
        stub = pb_grpc.TestDataServiceStub(channel)
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await stub.GenerateData(request, timeout=10)
        del request.scenarios[0]
        answer = await stub.GenerateData(request, timeout=30)

    assert code_of(refused) is grpc.StatusCode.INVALID_ARGUMENT
    details = refused.value.details() or ""
    assert details.startswith("scenarios:") and f"limit of {limit} bytes" in details
    assert answer.success and answer.record_count == 2


async def test_a_request_larger_than_its_topic_takes_on_the_broker_is_invalid_before_it_is_sent(
    settings: Settings,
) -> None:
    # A request topic created before, by someone else, with the broker's 1 MiB default: the
    # bridge's own MAX_MESSAGE_BYTES (8 MiB) is not what the broker applies.
    topic = f"testdata.requests.{settings.bridge_id}.small"
    broker_limit = 1024 * 1024
    async with KafkaAdmin.from_settings(settings.kafka) as admin:
        await admin.ensure_topics([TopicSpec(topic, 1, {"max.message.bytes": str(broker_limit)})])
    request = pb.GenerateRequest(
        entity="user",
        count=2,
        scenarios=[pb.Scenario(name="odd", count=1, description="particular " * 110_000)],
    )
    async with bridge_with(settings, request_topic=topic) as bridge, plaintext(bridge) as channel:
        with pytest.raises(grpc.aio.AioRpcError) as refused:
            await pb_grpc.TestDataServiceStub(channel).GenerateData(request, timeout=10)
    sent = await read_topic(
        settings, topic, Contract.GENERATE_REQUESTED, until=lambda events: events, timeout=2
    )

    assert code_of(refused) is grpc.StatusCode.INVALID_ARGUMENT
    details = refused.value.details() or ""
    assert details.startswith("scenarios:") and f"limit of {broker_limit} bytes" in details
    assert sent == []


# --- reflection -------------------------------------------------------------------------------


def reflected_services(port: int) -> set[str]:
    """The services the bridge lists through reflection (a blocking client: run in a thread)."""
    with grpc.insecure_channel(f"127.0.0.1:{port}") as channel:
        database = ProtoReflectionDescriptorDatabase(channel)
        return set(database.get_services())


async def test_reflection_lists_and_describes_the_services_without_the_proto(
    bridge: RunningBridge,
) -> None:
    assert await asyncio.to_thread(reflected_services, bridge.port) == SERVICES


def grpcurl() -> str:
    """The grpcurl binary `services/grpcurl.sh` builds (once; about a minute cold)."""
    built = subprocess.run(
        ["bash", str(ROOT / "services" / "grpcurl.sh")],
        capture_output=True,
        text=True,
        timeout=280,
        check=False,
    )
    if built.returncode != 0:
        pytest.skip(f"grpcurl could not be built: {built.stderr.strip()[-500:]}")
    return built.stdout.strip()


async def run_grpcurl(*args: str) -> str:
    binary = await asyncio.to_thread(grpcurl)
    done = await asyncio.to_thread(
        subprocess.run, [binary, *args], capture_output=True, text=True, timeout=30, check=False
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


async def test_grpcurl_lists_describes_and_calls_the_bridge_through_reflection(
    bridge: RunningBridge,
) -> None:
    address = f"127.0.0.1:{bridge.port}"

    listed = await run_grpcurl("-plaintext", address, "list")
    described = await run_grpcurl("-plaintext", address, "describe", "testdata.v1.TestDataService")
    answered = await run_grpcurl(
        "-plaintext",
        "-d",
        '{"domain": "ecommerce"}',
        address,
        "testdata.v1.TestDataService/GetSchemas",
    )

    assert set(listed.split()) == SERVICES
    assert "rpc ReportDefect" in described and "rpc SubmitFeedback" in described
    assert "cart" in {s["name"] for s in json.loads(answered)["schemas"]}
