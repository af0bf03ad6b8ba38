"""The worker's Kafka security as Faust's `broker_credentials`.

Faust (faust-streaming 0.15.3) hands its credentials to aiokafka in
`faust.transport.drivers.aiokafka.credentials_to_aiokafka_auth`, for its consumer, its
producer and the client it declares topics with:

- `SASLCredentials(username, password, mechanism, ssl_context)` becomes `security_protocol`
  SASL_PLAINTEXT, or SASL_SSL when an `ssl_context` is given, with `sasl_mechanism` the
  mechanism's value (`SASLMechanism("SCRAM-SHA-512").value == "SCRAM-SHA-512"`, which
  aiokafka's SCRAM authenticator takes) and `sasl_plain_username`/`sasl_plain_password`
  (aiokafka uses these names for every username/password mechanism, SCRAM included);
- `SSLCredentials(context)` becomes SSL with that context;
- no credentials (and no `ssl_context` setting) is PLAINTEXT.

So SCRAM-SHA-512 over SASL_PLAINTEXT or SASL_SSL is expressed exactly, and the options are the
ones `KafkaSecurity.client_options()` gives the bridge's clients (a unit test compares them).
"""

from __future__ import annotations

import faust
from faust.types.auth import CredentialsT

from clients.kafka_security import KafkaSecurity


def broker_credentials(security: KafkaSecurity) -> CredentialsT | None:
    """What `faust.App(..., broker_credentials=...)` takes for `security` (None: PLAINTEXT)."""
    if security.uses_sasl:
        assert security.sasl_password is not None  # KafkaSecurity checks it
        return faust.SASLCredentials(
            username=security.sasl_username,
            password=security.sasl_password.get_secret_value(),
            mechanism=security.sasl_mechanism,
            # SASL_SSL when set: KafkaSecurity always has a context for SASL_SSL, never for
            # SASL_PLAINTEXT
            ssl_context=security.ssl_context,
        )
    if security.uses_ssl:
        return faust.SSLCredentials(security.ssl_context)
    return None
