"""The Kafka security settings become the same client options for aiokafka and for Faust."""

from __future__ import annotations

import asyncio
import contextlib
import socket
import ssl
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import faust
import pytest
import trustme
from aiokafka.errors import KafkaConnectionError
from faust.transport.drivers.aiokafka import credentials_to_aiokafka_auth
from pydantic import SecretStr

from clients.kafka_admin import KafkaAdmin
from clients.kafka_security import (
    PLAINTEXT,
    KafkaSecurity,
    client_options,
    refusal,
    refusal_message,
)
from config import Settings
from config.settings import KafkaSettings
from generators.core.errors import KafkaUnavailable
from streams.kafka_credentials import broker_credentials

PASSWORD = "s3cret-Pa55word"


def kafka(**values: Any) -> KafkaSettings:
    return KafkaSettings(**values)


def sasl(protocol: str = "SASL_PLAINTEXT", **values: Any) -> KafkaSettings:
    given: dict[str, Any] = {
        "kafka_security_protocol": protocol,
        "kafka_sasl_mechanism": "SCRAM-SHA-512",
        "kafka_sasl_username": "tda",
        "kafka_sasl_password": SecretStr(PASSWORD),
    }
    return kafka(**(given | values))


@pytest.fixture(scope="module")
def ca() -> trustme.CA:
    return trustme.CA()


@pytest.fixture
def ca_file(ca: trustme.CA, tmp_path: Path) -> Path:
    path = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(path))
    return path


def subjects(context: ssl.SSLContext) -> list[Any]:
    return [cert["subject"] for cert in context.get_ca_certs()]


def test_plaintext_gives_no_sasl_and_no_ssl_options() -> None:
    assert client_options(kafka()) == {"security_protocol": "PLAINTEXT"}
    assert PLAINTEXT.client_options() == {"security_protocol": "PLAINTEXT"}
    assert broker_credentials(KafkaSecurity.from_settings(kafka())) is None


def test_sasl_credentials_are_ignored_unless_the_protocol_is_sasl() -> None:
    settings = kafka(kafka_sasl_username="tda", kafka_sasl_password=SecretStr(PASSWORD))

    assert client_options(settings) == {"security_protocol": "PLAINTEXT"}


def test_sasl_plaintext_gives_scram_options_without_a_tls_context() -> None:
    assert client_options(sasl()) == {
        "security_protocol": "SASL_PLAINTEXT",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "tda",
        "sasl_plain_password": PASSWORD,
    }


def test_sasl_ssl_with_a_ca_file_gives_a_context_trusting_that_ca(
    ca: trustme.CA, ca_file: Path
) -> None:
    options = client_options(sasl("SASL_SSL", kafka_ssl_cafile=ca_file))

    context = options.pop("ssl_context")
    assert isinstance(context, ssl.SSLContext)
    assert context.verify_mode == ssl.CERT_REQUIRED and context.check_hostname
    # only the given CA, not the system's
    assert len(subjects(context)) == 1
    assert options == {
        "security_protocol": "SASL_SSL",
        "sasl_mechanism": "SCRAM-SHA-512",
        "sasl_plain_username": "tda",
        "sasl_plain_password": PASSWORD,
    }


def test_ssl_loads_the_client_certificate_and_key(
    ca: trustme.CA, ca_file: Path, tmp_path: Path
) -> None:
    cert = ca.issue_cert("tda-client")
    cert_file, key_file = tmp_path / "client.pem", tmp_path / "client.key"
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))

    options = client_options(
        kafka(
            kafka_security_protocol="SSL",
            kafka_ssl_cafile=ca_file,
            kafka_ssl_certfile=cert_file,
            kafka_ssl_keyfile=key_file,
        )
    )

    assert set(options) == {"security_protocol", "ssl_context"}
    assert options["security_protocol"] == "SSL"
    assert isinstance(options["ssl_context"], ssl.SSLContext)


def test_ssl_without_a_ca_file_trusts_the_system_cas() -> None:
    security = KafkaSecurity.from_settings(kafka(kafka_security_protocol="SSL"))

    assert security.ssl_context is not None
    assert security.ssl_context.verify_mode == ssl.CERT_REQUIRED


def test_a_key_without_its_certificate_is_refused(tmp_path: Path) -> None:
    with pytest.raises(ValueError, match="kafka_ssl_keyfile"):
        KafkaSecurity.from_settings(
            kafka(kafka_security_protocol="SSL", kafka_ssl_keyfile=tmp_path / "k.pem")
        )


def test_sasl_without_credentials_is_refused() -> None:
    with pytest.raises(ValueError, match="kafka_sasl_username"):
        kafka(kafka_security_protocol="SASL_PLAINTEXT")
    with pytest.raises(ValueError, match="SASL mechanism, a username and a password"):
        KafkaSecurity(protocol="SASL_SSL", ssl_context=ssl.create_default_context())


async def test_the_password_is_in_no_repr_or_message(ca_file: Path) -> None:
    settings = sasl("SASL_SSL", kafka_ssl_cafile=ca_file)
    security = KafkaSecurity.from_settings(settings)
    admin = KafkaAdmin(settings.kafka_bootstrap_servers, security)
    whole = Settings(
        _env_file=None,  # type: ignore[call-arg]
        kafka_security_protocol="SASL_PLAINTEXT",
        kafka_sasl_username="tda",
        kafka_sasl_password=SecretStr(PASSWORD),
    )

    texts = [
        repr(security),
        str(security),
        security.describe(),
        repr(settings),
        repr(whole),
        repr(whole.kafka),
        repr(admin),
        repr(broker_credentials(security)),
        refusal_message("127.0.0.1:9192", security, RuntimeError("refused")),
    ]
    assert all(PASSWORD not in text for text in texts), texts
    assert "tda" in security.describe()


@pytest.mark.parametrize(
    "settings",
    [
        kafka(),
        sasl("SASL_PLAINTEXT"),
        sasl("SASL_SSL"),
        kafka(kafka_security_protocol="SSL"),
        sasl("SASL_PLAINTEXT", kafka_sasl_mechanism="SCRAM-SHA-256"),
        sasl("SASL_PLAINTEXT", kafka_sasl_mechanism="PLAIN"),
    ],
    ids=lambda s: f"{s.kafka_security_protocol}-{s.kafka_sasl_mechanism}",
)
def test_faust_gives_its_clients_the_options_the_bridge_clients_get(
    settings: KafkaSettings,
) -> None:
    """Through Faust's own mapping (what its consumer, producer and topic client get)."""
    security = KafkaSecurity.from_settings(settings)

    faust_options = dict(credentials_to_aiokafka_auth(broker_credentials(security)))

    if "ssl_context" in faust_options and faust_options["ssl_context"] is None:
        del faust_options["ssl_context"]  # Faust passes None for SASL_PLAINTEXT: the default
    assert faust_options == security.client_options()


def test_faust_scram_credentials() -> None:
    credentials = broker_credentials(KafkaSecurity.from_settings(sasl("SASL_SSL")))

    assert isinstance(credentials, faust.SASLCredentials)
    assert credentials.mechanism.value == "SCRAM-SHA-512"
    assert credentials.protocol.value == "SASL_SSL"


@contextlib.asynccontextmanager
async def tls_listener(ca: trustme.CA) -> AsyncIterator[str]:
    """A TLS server on loopback with a certificate `ca` issued (speaking no Kafka)."""
    context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    ca.issue_cert("127.0.0.1").configure_cert(context)

    async def hang_up(_reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        writer.close()

    server = await asyncio.start_server(hang_up, "127.0.0.1", 0, ssl=context)
    async with server:
        yield f"127.0.0.1:{server.sockets[0].getsockname()[1]}"


async def test_a_broker_certificate_from_another_ca_is_named_as_the_cause(
    ca_file: Path,
) -> None:
    """The client trusts `ca_file`; the listener's certificate comes from another CA."""
    security = KafkaSecurity.from_settings(
        kafka(kafka_security_protocol="SSL", kafka_ssl_cafile=ca_file)
    )
    async with tls_listener(trustme.CA()) as bootstrap:
        assert isinstance(await refusal(bootstrap, security), ssl.SSLCertVerificationError)
        with pytest.raises(KafkaUnavailable, match=r"TLS handshake with Kafka at .* failed"):
            async with asyncio.timeout(10), KafkaAdmin(bootstrap, security):
                pass


async def test_a_broker_that_is_down_is_not_called_a_refusal() -> None:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        bootstrap = f"127.0.0.1:{probe.getsockname()[1]}"  # nothing listens there

    assert await refusal(bootstrap, PLAINTEXT) is None
    with pytest.raises(KafkaUnavailable, match=rf"^Kafka at {bootstrap} is unreachable") as down:
        async with asyncio.timeout(10), KafkaAdmin(bootstrap):
            pass
    assert isinstance(down.value.__cause__, KafkaConnectionError)
