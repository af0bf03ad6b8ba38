"""The bridge's grpc.aio server: TestDataService behind the guard (auth, scopes, rate limits),
the standard health service, server reflection (so `grpcurl list` and `describe` need no
proto file), bound in plaintext, TLS or mutual TLS as the settings say."""

from __future__ import annotations

import logging
from collections.abc import Sequence
from typing import Any

import grpc
from grpc_health.v1 import health, health_pb2_grpc
from grpc_reflection.v1alpha import reflection

from bridge import tls
from bridge.guard import SERVICE_NAME, Guard, GuardInterceptor
from bridge.service import TestDataServicer
from config.settings import BridgeSettings
from contracts._proto import test_data_pb2_grpc as pb_grpc

log = logging.getLogger(__name__)

#: What reflection lists: our service, health, and reflection itself.
REFLECTED = (SERVICE_NAME, health.SERVICE_NAME, reflection.SERVICE_NAME)


def build_grpc_server(
    bridge: BridgeSettings,
    servicer: TestDataServicer,
    health_servicer: health.aio.HealthServicer,
    *,
    port: int,
    interceptors: Sequence[Any] = (),
) -> tuple[grpc.aio.Server, int]:
    """A server with every service added and its port bound (not started yet), and the port
    bound (`port` 0 picks a free one). `interceptors` run before the guard, so what they
    observe includes the calls it refuses."""
    server = grpc.aio.server(
        interceptors=[*interceptors, GuardInterceptor(Guard.from_settings(bridge))]
    )
    pb_grpc.add_TestDataServiceServicer_to_server(servicer, server)
    health_pb2_grpc.add_HealthServicer_to_server(health_servicer, server)
    reflection.enable_server_reflection(REFLECTED, server)
    address = f"{bridge.grpc_host}:{port}"
    credentials = tls.server_credentials(bridge)
    bound: int = (
        server.add_insecure_port(address)
        if credentials is None
        else server.add_secure_port(address, credentials)
    )
    log.info(
        "gRPC on %s:%d (%s, auth %s, rate limit %s)",
        bridge.grpc_host,
        bound,
        tls.describe(bridge),
        "on" if bridge.auth_tokens is not None else "off",
        f"{bridge.rate_limit_per_s:g}/s burst {bridge.rate_limit_burst}"
        if bridge.rate_limit_per_s > 0
        else "off",
    )
    return server, bound
