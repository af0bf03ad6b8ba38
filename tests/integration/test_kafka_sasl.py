"""Every Kafka client connects with SASL/SCRAM-SHA-512 when the settings say so.

Against a broker that lets nobody in without SCRAM-SHA-512 (`services/kafka-sasl.sh`, on
127.0.0.1:9192; started here unless it already runs, and stopped here only if started here):
the admin client creates topics; a worker process (Faust consumer and producer, its admin
client) answers a GenerateData call made through the bridge (admin client, producer, reply
reader); a wrong password fails at once, saying the broker refused the credentials.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Iterator
from typing import Any

import pytest
from pydantic import SecretStr

from bridge.server import running_bridge
from clients.kafka_admin import KafkaAdmin
from config import Settings
from contracts._proto import test_data_pb2 as pb
from contracts.topics import service_topics
from generators.core.errors import KafkaUnavailable
from testing.stack import WorkerProcess, isolated_settings, running_stack, service_started

pytestmark = pytest.mark.integration

SASL_PORT = int(os.environ.get("KAFKA_SASL_PORT", "9192"))
USER, PASSWORD = "tda", "tda-secret"  # what services/kafka-sasl.sh formats the broker with
REFUSED = "refused the authentication"


@pytest.fixture(scope="module")
def sasl_broker(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The SASL broker's bootstrap address; stopped afterwards only if this fixture started it."""
    env = {"KAFKA_SASL_PORT": str(SASL_PORT), "KAFKA_SASL_USER": USER}
    env["KAFKA_SASL_PASSWORD"] = PASSWORD
    with service_started("kafka-sasl", env, tmp_path_factory.mktemp("kafka-sasl")):
        yield f"127.0.0.1:{SASL_PORT}"


def whole_log(worker: WorkerProcess) -> str:
    return worker.log_path.read_text(errors="replace")


def sasl_settings(bootstrap: str, password: str = PASSWORD, **overrides: Any) -> Settings:
    return isolated_settings(
        kafka_bootstrap_servers=bootstrap,
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_mechanism="SCRAM-SHA-512",
        kafka_sasl_username=USER,
        kafka_sasl_password=SecretStr(password),
        **overrides,
    )


async def test_the_admin_client_creates_topics_with_scram(sasl_broker: str) -> None:
    settings = sasl_settings(sasl_broker)
    wanted = service_topics(settings.kafka)

    async with KafkaAdmin.from_settings(settings.kafka) as admin:
        try:
            created = await admin.ensure_topics(wanted)
            assert sorted(created) == sorted(spec.name for spec in wanted)
            assert {spec.name for spec in wanted} <= set(await admin.list_topics())
        finally:
            await admin.delete_topics([spec.name for spec in wanted])


async def test_the_worker_and_the_bridge_answer_a_request_over_scram(sasl_broker: str) -> None:
    settings = sasl_settings(sasl_broker)

    async with running_stack(settings) as stack:
        response = await stack.stub.GenerateData(
            pb.GenerateRequest(request_id="sasl-1", domain="ecommerce", entity="cart", count=5),
            timeout=60,
        )

    assert response.success, response.error
    assert response.record_count == 5
    assert response.metadata.generation_path == "traditional"
    log = whole_log(stack.worker)
    assert PASSWORD not in log


async def test_a_wrong_password_is_refused_at_once_by_name(sasl_broker: str) -> None:
    settings = sasl_settings(sasl_broker, password="not-the-password")
    started = time.monotonic()

    with pytest.raises(KafkaUnavailable) as refused:
        async with asyncio.timeout(15), KafkaAdmin.from_settings(settings.kafka):
            pass

    assert time.monotonic() - started < 15
    message = str(refused.value)
    assert REFUSED in message and "SaslAuthenticationFailed" in message
    assert f"SCRAM-SHA-512 as '{USER}'" in message
    assert "not-the-password" not in message


async def test_a_bridge_with_a_wrong_password_does_not_start(sasl_broker: str) -> None:
    settings = sasl_settings(sasl_broker, password="not-the-password")

    with pytest.raises(KafkaUnavailable, match=REFUSED):
        async with asyncio.timeout(15), running_bridge(settings, port=0):
            pass


async def test_a_worker_with_a_wrong_password_exits_saying_why(sasl_broker: str) -> None:
    settings = sasl_settings(sasl_broker, password="not-the-password")
    worker = WorkerProcess(settings)
    try:
        code = await asyncio.to_thread(worker.process.wait, 60)
    finally:
        worker.kill()

    log = whole_log(worker)
    assert code != 0, log[-2000:]
    assert REFUSED in log and "SaslAuthenticationFailed" in log, log[-2000:]
    assert "not-the-password" not in log
