"""How every Kafka client connects: the security protocol, SASL credentials and TLS context.

`KafkaSecurity.from_settings(kafka)` reads the `kafka_security_protocol`, `kafka_sasl_*` and
`kafka_ssl_*` settings once (the TLS context is built from the CA, certificate and key files
then); `client_options()` gives the keyword arguments that aiokafka's producer, consumer and
admin client take (`security_protocol`, `sasl_mechanism`, `sasl_plain_username`,
`sasl_plain_password`, `ssl_context`). The worker hands the same object to Faust as
`broker_credentials` (`streams.kafka_credentials`), so every client of both processes
connects the same way.

The password stays a `SecretStr` until `client_options()` is called, so no `repr` (of this
object, of the settings, in a log line) shows it.

aiokafka's bootstrap logs why a broker refused a connection but raises only "Unable to
bootstrap from ..."; `refusal(...)` connects once more the same way to find out whether the
broker refused the credentials or the TLS handshake, so that callers can say so.
"""

from __future__ import annotations

import asyncio
import ssl
from dataclasses import dataclass, field
from typing import Any, Final, Literal

from aiokafka.conn import create_conn
from aiokafka.errors import (
    AuthenticationFailedError,
    AuthenticationMethodNotSupported,
    IllegalSaslStateError,
    KafkaError,
    SaslAuthenticationFailed,
    UnsupportedSaslMechanismError,
)
from aiokafka.helpers import create_ssl_context
from pydantic import SecretStr

from config.settings import KafkaSettings

SecurityProtocol = Literal["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]
SaslMechanism = Literal["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]

#: How connecting fails when the broker refuses who the client says it is, or when the TLS
#: handshake fails (as opposed to a broker that is down or unreachable).
_REFUSALS: Final = (
    SaslAuthenticationFailed,
    UnsupportedSaslMechanismError,
    IllegalSaslStateError,
    AuthenticationFailedError,
    AuthenticationMethodNotSupported,
    ssl.SSLError,
)


@dataclass(frozen=True, slots=True)
class KafkaSecurity:
    """How a Kafka client authenticates and encrypts; the default is plain, unauthenticated TCP."""

    protocol: SecurityProtocol = "PLAINTEXT"
    sasl_mechanism: SaslMechanism | None = None
    sasl_username: str | None = None
    sasl_password: SecretStr | None = None
    ssl_context: ssl.SSLContext | None = field(default=None, compare=False)

    def __post_init__(self) -> None:
        if self.uses_sasl and (
            self.sasl_mechanism is None or not self.sasl_username or self.sasl_password is None
        ):
            msg = f"{self.protocol} needs a SASL mechanism, a username and a password"
            raise ValueError(msg)
        if self.uses_ssl and self.ssl_context is None:
            msg = f"{self.protocol} needs an SSL context"
            raise ValueError(msg)

    @classmethod
    def from_settings(cls, kafka: KafkaSettings) -> KafkaSecurity:
        """The settings' protocol and credentials; reads the certificate files for SSL."""
        protocol = kafka.kafka_security_protocol
        sasl = protocol.startswith("SASL_")
        return cls(
            protocol=protocol,
            sasl_mechanism=kafka.kafka_sasl_mechanism if sasl else None,
            sasl_username=kafka.kafka_sasl_username if sasl else None,
            sasl_password=kafka.kafka_sasl_password if sasl else None,
            ssl_context=tls_context(kafka) if protocol.endswith("SSL") else None,
        )

    @property
    def uses_sasl(self) -> bool:
        return self.protocol.startswith("SASL_")

    @property
    def uses_ssl(self) -> bool:
        return self.protocol.endswith("SSL")

    def client_options(self) -> dict[str, Any]:
        """Keyword arguments for `AIOKafkaProducer`, `AIOKafkaConsumer`, `AIOKafkaAdminClient`."""
        options: dict[str, Any] = {"security_protocol": self.protocol}
        if self.uses_sasl:
            assert self.sasl_password is not None  # checked in __post_init__
            options["sasl_mechanism"] = self.sasl_mechanism
            options["sasl_plain_username"] = self.sasl_username
            options["sasl_plain_password"] = self.sasl_password.get_secret_value()
        if self.uses_ssl:
            options["ssl_context"] = self.ssl_context
        return options

    def describe(self) -> str:
        """Who connects how, for error messages (never the password)."""
        if self.uses_sasl:
            return f"{self.protocol} {self.sasl_mechanism} as {self.sasl_username!r}"
        return self.protocol


#: A plain client: what tests and tools use when they are given no settings.
PLAINTEXT: Final = KafkaSecurity()


def tls_context(kafka: KafkaSettings) -> ssl.SSLContext:
    """A client TLS context that trusts `kafka_ssl_cafile` (the system's CAs when unset) and
    presents `kafka_ssl_certfile`/`kafka_ssl_keyfile` when set; the hostname is checked."""
    if kafka.kafka_ssl_keyfile is not None and kafka.kafka_ssl_certfile is None:
        msg = "kafka_ssl_keyfile is set without kafka_ssl_certfile"
        raise ValueError(msg)
    context: ssl.SSLContext = create_ssl_context(
        cafile=kafka.kafka_ssl_cafile,
        certfile=kafka.kafka_ssl_certfile,
        keyfile=kafka.kafka_ssl_keyfile,
    )
    return context


def client_options(kafka: KafkaSettings) -> dict[str, Any]:
    """`KafkaSecurity.from_settings(kafka).client_options()`."""
    return KafkaSecurity.from_settings(kafka).client_options()


async def refusal(
    bootstrap_servers: str, security: KafkaSecurity, *, timeout_s: float = 10.0
) -> BaseException | None:
    """Connect to each bootstrap server as a client would; the first authentication or TLS
    error a broker answers with, or None when none refused us (reachable, or just down)."""
    for server in bootstrap_servers.split(","):
        host, _, port = server.strip().rpartition(":")
        if not host or not port.isdigit():
            continue
        try:
            conn = await asyncio.wait_for(
                create_conn(
                    host.strip("[]"),
                    int(port),
                    request_timeout_ms=int(timeout_s * 1000),
                    **security.client_options(),
                ),
                timeout_s,
            )
        except _REFUSALS as exc:
            return exc
        except (OSError, TimeoutError, KafkaError):  # down or unreachable: not a refusal
            continue
        conn.close()
    return None


def refusal_message(bootstrap_servers: str, security: KafkaSecurity, error: BaseException) -> str:
    """A sentence saying which broker refused which client (or which TLS handshake failed),
    and the broker's or the TLS library's own words."""
    who = f"a client connecting with {security.describe()}"
    if isinstance(error, ssl.SSLError):
        return (
            f"TLS handshake with Kafka at {bootstrap_servers} failed for {who}: "
            f"{type(error).__name__}: {error}"
        )
    # aiokafka's broker errors name themselves ("[Error 58] SaslAuthenticationFailed: ...")
    detail = str(error) if isinstance(error, KafkaError) else f"{type(error).__name__}: {error}"
    return f"Kafka at {bootstrap_servers} refused the authentication of {who}: {detail}"
